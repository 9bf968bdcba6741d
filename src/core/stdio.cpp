// SPDX-License-Identifier: MIT
#include <sharedchild/stdio.h>

#include <utility>

namespace SharedChild {

struct Stdio::Data
{
    Kind kind;
    std::string path;
    NativeDescriptor descriptor;
};

namespace {
// The settings without a path or descriptor exist once per program, so that
// the Qt layer's three pipes per start() cost no allocation.
template<Stdio::Kind kind, typename Data>
std::shared_ptr<const Data> sharedData()
{
    static const std::shared_ptr<const Data> data
            = std::make_shared<const Data>(Data{kind, {}, invalidNativeDescriptor()});
    return data;
}
} // namespace

Stdio::Stdio(std::shared_ptr<const Data> data) noexcept : d(std::move(data)) { }

Stdio Stdio::inherit() noexcept
{
    return Stdio(nullptr);
}

Stdio Stdio::null()
{
    return Stdio(sharedData<Kind::Null, Data>());
}

Stdio Stdio::file(std::string path)
{
    return Stdio(std::make_shared<const Data>(
            Data{Kind::File, std::move(path), invalidNativeDescriptor()}));
}

Stdio Stdio::appendFile(std::string path)
{
    return Stdio(std::make_shared<const Data>(
            Data{Kind::AppendFile, std::move(path), invalidNativeDescriptor()}));
}

Stdio Stdio::pipe()
{
    return Stdio(sharedData<Kind::Pipe, Data>());
}

Stdio Stdio::mergeWithStdout()
{
    return Stdio(sharedData<Kind::MergeWithStdout, Data>());
}

Stdio Stdio::descriptor(NativeDescriptor descriptor)
{
    return Stdio(std::make_shared<const Data>(Data{Kind::Descriptor, {}, descriptor}));
}

Stdio::Stdio(const Stdio &other) noexcept = default;
Stdio::Stdio(Stdio &&other) noexcept = default;
Stdio &Stdio::operator=(const Stdio &other) noexcept = default;
Stdio &Stdio::operator=(Stdio &&other) noexcept = default;
Stdio::~Stdio() = default;

Stdio::Kind Stdio::kind() const noexcept
{
    return d ? d->kind : Kind::Inherit;
}

const std::string &Stdio::path() const noexcept
{
    if (d)
        return d->path;
    static const std::string none;
    return none;
}

NativeDescriptor Stdio::nativeDescriptor() const noexcept
{
    return d ? d->descriptor : invalidNativeDescriptor();
}

bool Stdio::operator==(const Stdio &other) const noexcept
{
    return kind() == other.kind() && path() == other.path()
            && nativeDescriptor() == other.nativeDescriptor();
}

} // namespace SharedChild
