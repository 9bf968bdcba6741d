// SPDX-License-Identifier: MIT
#pragma once

// What a child needs between fork and exec, prepared in the parent so that the
// child (which shares the parent's memory under vfork) allocates nothing.

#include <sharedchild/command.h>
#include <sharedchild/filedescriptor.h>

#include <array>
#include <string>
#include <vector>

namespace SharedChild::Detail {

struct SpawnPlan
{
    const Command *command = nullptr;
    std::string executable; // the resolved path passed to execve()
    std::vector<char *> argv; // null-terminated, pointing into *command
    std::vector<char *> envp; // null-terminated
    const char *workingDirectory = nullptr;

    // Standard streams: the child dup2()s childEnds[i] onto i where valid,
    // then 1 onto 2 when stderr is merged. Every descriptor here is >= 3 and
    // close-on-exec, so the dup2()s cannot clobber each other.
    std::array<FileDescriptor, 3> childEnds;
    bool mergeStderrIntoStdout = false;
    std::array<FileDescriptor, 3> parentEnds; // pipe ends for the Child to hand out
};

/// The step of starting a child that failed, for the error message.
enum class SpawnStage { Exec, WorkingDirectory, ProcessGroup, Stdio, NewSession, Fork };

/// Validates `command`, resolves its program and opens its standard streams.
/// Throws std::system_error that names the program and the reason (empty
/// program, NUL byte, not found, a file that cannot be opened, ...).
SpawnPlan makeSpawnPlan(const Command &command);

/// Throws the std::system_error for a child that failed at `stage` with `error`.
[[noreturn]] void throwSpawnError(const SpawnPlan &plan, int error, SpawnStage stage);

} // namespace SharedChild::Detail
