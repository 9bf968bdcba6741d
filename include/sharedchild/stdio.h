// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::Stdio, where a child's standard stream goes.
#pragma once

#include <sharedchild/filedescriptor.h>
#include <sharedchild/sharedchild_core_export.h>

#include <memory>
#include <string>
#include <utility> // unused here now; kept for code that relied on it

namespace SharedChild {

/// Where one of a child's standard streams goes. Used with
/// Command::setStdin(), setStdout() and setStderr(). An immutable value type,
/// made by the static functions below; its const members may also be called
/// on one object from several threads at once.
///
/// \reentrant
class SHAREDCHILD_CORE_EXPORT Stdio
{
public:
    /// Where the stream goes.
    enum class Kind {
        Inherit, ///< the parent's stream (the default)
        Null, ///< the null device
        File, ///< a file: read for stdin; created and truncated for output
        AppendFile, ///< a file, created if needed and appended to (output only)
        Pipe, ///< a pipe whose other end the parent takes from the Child
        MergeWithStdout, ///< stderr only: wherever stdout goes
        Descriptor, ///< a copy of a descriptor of the parent's (e.g. one end of makePipe())
    };

    /// The parent's own stream (Kind::Inherit, the default). Allocates nothing.
    static Stdio inherit() noexcept;
    /// The null device (Kind::Null).
    static Stdio null();
    /// The file at `path`: read for stdin; created and truncated for output (Kind::File).
    static Stdio file(std::string path);
    /// The file at `path`, created if needed and appended to; output only (Kind::AppendFile).
    static Stdio appendFile(std::string path);
    /// A pipe; the parent takes its end with Child::takeStdin() etc. (Kind::Pipe).
    static Stdio pipe();
    /// stderr only: wherever stdout goes (Kind::MergeWithStdout).
    static Stdio mergeWithStdout();
    /// The child gets a copy of `descriptor`, which stays the caller's: it
    /// must stay open until spawn() returns, and the caller closes it.
    static Stdio descriptor(NativeDescriptor descriptor);

    /// Copies share the setting; no allocation.
    Stdio(const Stdio &other) noexcept;
    /// Leaves `other` as inherit().
    Stdio(Stdio &&other) noexcept;
    /// Copies share the setting; no allocation.
    Stdio &operator=(const Stdio &other) noexcept;
    /// Leaves `other` as inherit().
    Stdio &operator=(Stdio &&other) noexcept;
    /// Drops this object's share of the setting.
    ~Stdio();

    /// Where the stream goes.
    Kind kind() const noexcept;
    /// The file of Kind::File and Kind::AppendFile; empty otherwise. The
    /// reference stays valid while this object is neither assigned to nor destroyed.
    const std::string &path() const noexcept;
    /// The descriptor of Kind::Descriptor; invalidNativeDescriptor() otherwise.
    NativeDescriptor nativeDescriptor() const noexcept;

    /// Same kind, path and descriptor.
    bool operator==(const Stdio &other) const noexcept;

private:
    struct Data;
    explicit Stdio(std::shared_ptr<const Data> data) noexcept;
    std::shared_ptr<const Data> d; // null: inherit()
};

} // namespace SharedChild
