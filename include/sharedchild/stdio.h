// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::Stdio, where a child's standard stream goes.
#pragma once

#include <sharedchild/filedescriptor.h>
#include <sharedchild/sharedchild_core_export.h>

#include <string>
#include <utility>

namespace SharedChild {

/// Where one of a child's standard streams goes. Used with
/// Command::setStdin(), setStdout() and setStderr().
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

    /// The parent's own stream (Kind::Inherit, the default).
    static Stdio inherit() { return Stdio(Kind::Inherit); }
    /// The null device (Kind::Null).
    static Stdio null() { return Stdio(Kind::Null); }
    /// The file at `path`: read for stdin; created and truncated for output (Kind::File).
    static Stdio file(std::string path) { return Stdio(Kind::File, std::move(path)); }
    /// The file at `path`, created if needed and appended to; output only (Kind::AppendFile).
    static Stdio appendFile(std::string path) { return Stdio(Kind::AppendFile, std::move(path)); }
    /// A pipe; the parent takes its end with Child::takeStdin() etc. (Kind::Pipe).
    static Stdio pipe() { return Stdio(Kind::Pipe); }
    /// stderr only: wherever stdout goes (Kind::MergeWithStdout).
    static Stdio mergeWithStdout() { return Stdio(Kind::MergeWithStdout); }
    /// The child gets a copy of `descriptor`, which stays the caller's: it
    /// must stay open until spawn() returns, and the caller closes it.
    static Stdio descriptor(NativeDescriptor descriptor)
    {
        Stdio stdio(Kind::Descriptor);
        stdio.m_descriptor = descriptor;
        return stdio;
    }

    /// Where the stream goes.
    Kind kind() const { return m_kind; }
    /// The file of Kind::File and Kind::AppendFile; empty otherwise.
    const std::string &path() const { return m_path; }
    /// The descriptor of Kind::Descriptor; invalidNativeDescriptor() otherwise.
    NativeDescriptor nativeDescriptor() const { return m_descriptor; }

    /// Same kind, path and descriptor.
    friend bool operator==(const Stdio &, const Stdio &) = default;

private:
    explicit Stdio(Kind kind, std::string path = {}) : m_kind(kind), m_path(std::move(path)) { }
    Kind m_kind;
    std::string m_path;
    NativeDescriptor m_descriptor = invalidNativeDescriptor();
};

} // namespace SharedChild
