// SPDX-License-Identifier: MIT
#include <sharedchild/exitstatus.h>

#include <cstdio>

namespace SharedChild {

struct ExitStatus::Data
{
    enum class Kind : std::uint8_t { Exited, Signaled, UnhandledException };

    Kind kind;
    bool coreDumped;
    int value; // the exit code, the signal number or the exception's code
    ResourceUsage usage;
};

ExitStatus::ExitStatus() noexcept = default;
ExitStatus::ExitStatus(const ExitStatus &other) noexcept = default;
ExitStatus::ExitStatus(ExitStatus &&other) noexcept = default;
ExitStatus &ExitStatus::operator=(const ExitStatus &other) noexcept = default;
ExitStatus &ExitStatus::operator=(ExitStatus &&other) noexcept = default;
ExitStatus::~ExitStatus() = default;

ExitStatus ExitStatus::exited(int code, ResourceUsage usage)
{
    ExitStatus status;
    status.d
            = std::make_shared<const Data>(Data{Data::Kind::Exited, false, code, std::move(usage)});
    return status;
}

ExitStatus ExitStatus::signaled(int signal, bool coreDumped, ResourceUsage usage)
{
    ExitStatus status;
    status.d = std::make_shared<const Data>(
            Data{Data::Kind::Signaled, coreDumped, signal, std::move(usage)});
    return status;
}

ExitStatus ExitStatus::unhandledException(int code, ResourceUsage usage)
{
    ExitStatus status;
    status.d = std::make_shared<const Data>(
            Data{Data::Kind::UnhandledException, false, code, std::move(usage)});
    return status;
}

bool ExitStatus::isValid() const noexcept
{
    return d != nullptr;
}

bool ExitStatus::success() const noexcept
{
    return d && d->kind == Data::Kind::Exited && d->value == 0;
}

bool ExitStatus::exitedNormally() const noexcept
{
    return d && d->kind != Data::Kind::Signaled;
}

bool ExitStatus::crashed() const noexcept
{
    return d && d->kind != Data::Kind::Exited;
}

int ExitStatus::exitCode() const noexcept
{
    return exitedNormally() ? d->value : -1;
}

int ExitStatus::signalNumber() const noexcept
{
    return d && d->kind == Data::Kind::Signaled ? d->value : 0;
}

bool ExitStatus::coreDumped() const noexcept
{
    return d && d->coreDumped;
}

const ResourceUsage &ExitStatus::resourceUsage() const noexcept
{
    if (d)
        return d->usage;
    static const ResourceUsage none;
    return none;
}

std::string ExitStatus::toString() const
{
    if (!d)
        return "no exit status";
    if (d->kind == Data::Kind::Exited)
        return "exit code " + std::to_string(d->value);
    if (d->kind == Data::Kind::UnhandledException) {
        char code[11];
        std::snprintf(code, sizeof code, "0x%08X", static_cast<unsigned>(d->value));
        return std::string("unhandled exception ") + code;
    }
    std::string text = "killed by signal " + std::to_string(d->value);
    if (const std::string name = signalName(d->value); !name.empty())
        text += " (" + name + ")";
    if (d->coreDumped)
        text += ", core dumped";
    return text;
}

bool ExitStatus::operator==(const ExitStatus &other) const noexcept
{
    if (!d || !other.d)
        return d == other.d;
    return d->kind == other.d->kind && d->coreDumped == other.d->coreDumped
            && d->value == other.d->value && d->usage == other.d->usage;
}

} // namespace SharedChild
