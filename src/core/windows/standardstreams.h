// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/command.h>
#include <sharedchild/filedescriptor.h>

#include <array>
#include <vector>

namespace SharedChild::Detail {

/// The child's stdin, stdout and stderr as handles of the parent, opened as
/// `command` asks (the parent's own streams duplicated, NUL, files, pipes).
/// Every handle here is created non-inheritable; makeInheritable() flips the
/// child's ends right before CreateProcessW(), and they are closed right after,
/// so another program's spawn (one that inherits every inheritable handle)
/// has the shortest possible window to catch them.
class StandardStreams
{
public:
    /// Throws std::system_error naming the program, the stream and the reason.
    explicit StandardStreams(const Command &command);

    /// The handle the child gets as stream 0, 1 or 2; null when it gets none.
    void *childHandle(int stream) const;
    /// Each distinct child handle once, for PROC_THREAD_ATTRIBUTE_HANDLE_LIST.
    std::vector<void *> inheritedHandles() const;
    void makeInheritable() const;

    /// The parent's ends of pipes, for the Child to hand out.
    std::array<FileDescriptor, 3> takeParentEnds() { return std::move(m_parentEnds); }

private:
    std::array<FileDescriptor, 3> m_childEnds;
    bool m_mergeStderrIntoStdout = false;
    std::array<FileDescriptor, 3> m_parentEnds;
};

} // namespace SharedChild::Detail
