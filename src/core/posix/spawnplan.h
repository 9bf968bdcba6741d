// SPDX-License-Identifier: MIT
#pragma once

// What a child needs between fork and exec, prepared in the parent so that the
// child (which shares the parent's memory under vfork) allocates nothing.

#include <sharedchild/command.h>

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
};

/// The step of starting a child that failed, for the error message.
enum class SpawnStage { Exec, WorkingDirectory, ProcessGroup };

/// Validates `command` and resolves its program. Throws std::system_error that
/// names the program and the reason (empty program, NUL byte, not found, ...).
SpawnPlan makeSpawnPlan(const Command &command);

/// Throws the std::system_error for a child that failed at `stage` with `error`.
[[noreturn]] void throwSpawnError(const SpawnPlan &plan, int error, SpawnStage stage);

} // namespace SharedChild::Detail
