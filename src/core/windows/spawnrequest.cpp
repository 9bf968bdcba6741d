// SPDX-License-Identifier: MIT
#include "spawnrequest.h"

#include "../displayname.h"
#include "commandline.h"
#include "environmentblock.h"
#include "filesystem.h"
#include "programsearch.h"
#include "utf16.h"
#include "win32error.h"

#include <sharedchild/spawnerror.h>

#include <windows.h>

#include <cerrno>
#include <string_view>

namespace SharedChild::Detail {

namespace {

// `text` in UTF-16, after checking that it has no NUL byte and is valid UTF-8.
std::wstring converted(const std::string &program, std::string_view text, const std::string &what)
{
    if (text.find('\0') != std::string_view::npos)
        throwErrno(EINVAL, displayName(program) + ": " + what + " contains a NUL byte");
    std::optional<std::wstring> wide = toUtf16(text);
    if (!wide)
        throwErrno(EILSEQ, displayName(program) + ": " + what + " is not valid UTF-8");
    return std::move(*wide);
}

} // namespace

SpawnRequest makeSpawnRequest(const Command &command)
{
    const std::string &program = command.program();
    if (program.empty())
        throwErrno(ENOENT, displayName(program));
    const std::wstring wideProgram = converted(program, program, "the program name");
    // The first word of a command line ends at the next quote, escapes or not.
    if (wideProgram.find(L'"') != std::wstring::npos)
        throwErrno(EINVAL, program + ": a program name cannot contain '\"' on Windows");

    std::vector<std::wstring> arguments;
    arguments.reserve(command.arguments().size());
    for (std::size_t i = 0; i < command.arguments().size(); ++i) {
        arguments.push_back(
                converted(program, command.arguments()[i], "argument " + std::to_string(i + 1)));
    }
    std::optional<std::vector<std::wstring>> environment;
    if (command.environment()) {
        environment.emplace();
        for (const std::string &entry : *command.environment()) {
            environment->push_back(
                    converted(program, entry,
                              "environment entry \"" + entry.substr(0, entry.find('\0')) + '"'));
            // In the block an empty entry's NUL reads as the block's end (the
            // entries after it vanish), and an entry without a name is no
            // variable. Windows' own "=C:=C:\\work" entries pass: like
            // Windows, nameOf() starts looking for '=' after the first character.
            if (entry.find('=', 1) == std::string::npos) {
                throwErrno(EINVAL,
                           program + ": environment entry \"" + entry
                                   + "\" is not KEY=VALUE (it needs a name and a '=')");
            }
        }
    }

    SpawnRequest request;
    request.command = &command;
    if (const auto &directory = command.workingDirectory()) {
        const std::wstring wideDirectory = converted(program, *directory, "the working directory");
        // Unresolvable: CreateProcessW() gets it as given and its error tells.
        request.workingDirectory = fullPath(wideDirectory).value_or(wideDirectory);
    }
    request.application = findProgram(program, wideProgram, environment);
    request.commandLine = commandLine(wideProgram, arguments);
    if (request.commandLine.size() > maxCommandLineLength) {
        throwErrno(E2BIG,
                   program + ": the command line is " + std::to_string(request.commandLine.size())
                           + " characters long, Windows takes at most "
                           + std::to_string(maxCommandLineLength));
    }
    if (environment)
        request.environmentBlock = environmentBlock(std::move(*environment));
    return request;
}

void throwCreateProcessError(const SpawnRequest &request, unsigned long error)
{
    const std::string &program = request.command->program();
    if (request.workingDirectory) {
        const FileKind kind = fileKind(*request.workingDirectory);
        if (kind != FileKind::Directory) {
            throw SpawnError(kind == FileKind::Missing ? ENOENT : ENOTDIR,
                             program + ": cannot change to working directory "
                                     + *request.command->workingDirectory(),
                             SpawnError::Step::WorkingDirectory);
        }
    }
    throwWin32Error(error, program);
}

} // namespace SharedChild::Detail
