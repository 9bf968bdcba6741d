// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/filedescriptor.h>
#include <sharedchild/sharedchild_core_export.h>

#include <string>
#include <utility>

namespace SharedChild {

/// Where one of a child's standard streams goes. Used with
/// Command::setStdin(), setStdout() and setStderr().
class SHAREDCHILD_CORE_EXPORT Stdio
{
public:
    enum class Kind {
        Inherit, ///< the parent's stream (the default)
        Null, ///< the null device
        File, ///< a file: read for stdin; created and truncated for output
        AppendFile, ///< a file, created if needed and appended to (output only)
        Pipe, ///< a pipe whose other end the parent takes from the Child
        MergeWithStdout, ///< stderr only: wherever stdout goes
        Descriptor, ///< a copy of a descriptor of the parent's (e.g. one end of makePipe())
    };

    static Stdio inherit() { return Stdio(Kind::Inherit); }
    static Stdio null() { return Stdio(Kind::Null); }
    static Stdio file(std::string path) { return Stdio(Kind::File, std::move(path)); }
    static Stdio appendFile(std::string path) { return Stdio(Kind::AppendFile, std::move(path)); }
    static Stdio pipe() { return Stdio(Kind::Pipe); }
    static Stdio mergeWithStdout() { return Stdio(Kind::MergeWithStdout); }
    /// The child gets a copy of `descriptor`, which stays the caller's: it
    /// must stay open until spawn() returns, and the caller closes it.
    static Stdio descriptor(NativeDescriptor descriptor)
    {
        Stdio stdio(Kind::Descriptor);
        stdio.m_descriptor = descriptor;
        return stdio;
    }

    Kind kind() const { return m_kind; }
    const std::string &path() const { return m_path; }
    NativeDescriptor nativeDescriptor() const { return m_descriptor; }

    friend bool operator==(const Stdio &, const Stdio &) = default;

private:
    explicit Stdio(Kind kind, std::string path = {}) : m_kind(kind), m_path(std::move(path)) { }
    Kind m_kind;
    std::string m_path;
    NativeDescriptor m_descriptor = invalidNativeDescriptor();
};

} // namespace SharedChild
