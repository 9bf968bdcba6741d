// SPDX-License-Identifier: MIT
#pragma once

// What CreateProcessW() is given for a Command, in UTF-16, checked and
// resolved in the parent so that errors can name the program and the reason.

#include <sharedchild/command.h>

#include <optional>
#include <string>

namespace SharedChild::Detail {

struct SpawnRequest
{
    const Command *command = nullptr;
    std::wstring application; // the full path of the executable
    std::wstring commandLine; // program and arguments, quoted
    std::optional<std::wstring> environmentBlock; // empty: inherit ours
    std::optional<std::wstring> workingDirectory; // the full path; empty: ours
};

/// Validates `command` (empty program, NUL bytes, invalid UTF-8, a command
/// line too long for Windows), finds its program and builds the command line
/// and environment block. Throws std::system_error naming the program.
SpawnRequest makeSpawnRequest(const Command &command);

/// Throws the std::system_error for a CreateProcessW() that failed with the
/// Win32 error `error`, telling a missing working directory apart.
[[noreturn]] void throwCreateProcessError(const SpawnRequest &request, unsigned long error);

} // namespace SharedChild::Detail
