// SPDX-License-Identifier: MIT
#include "spawnplan.h"

#include "../displayname.h"
#include "standardstreams.h"

#include <sharedchild/spawnerror.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

extern char **environ;

namespace SharedChild::Detail {

namespace {

[[noreturn]] void fail(int error, const std::string &what)
{
    throw std::system_error(error, std::generic_category(), what);
}

void requireNoNul(const std::string &program, std::string_view text, const std::string &what)
{
    if (text.find('\0') != std::string_view::npos)
        fail(EINVAL, displayName(program) + ": " + what + " contains a NUL byte");
}

// The child's PATH when it has an environment of its own, else ours; the
// POSIX default when neither has one.
std::string searchPath(const Command &command)
{
    constexpr std::string_view prefix = "PATH=";
    if (const auto &environment = command.environment()) {
        for (const std::string &entry : *environment) {
            if (std::string_view(entry).substr(0, prefix.size()) == prefix)
                return entry.substr(prefix.size());
        }
        return "/bin:/usr/bin";
    }
    const char *path = std::getenv("PATH");
    return path ? path : "/bin:/usr/bin";
}

bool isDirectory(const std::string &path)
{
    struct stat info
    { };
    return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool isExecutableFile(const std::string &path, bool &exists)
{
    struct stat info
    { };
    if (::stat(path.c_str(), &info) != 0)
        return false;
    exists = true;
    return S_ISREG(info.st_mode) && ::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0;
}

// execvp()'s search, done in the parent so the error can say what happened.
std::string resolveInPath(const Command &command)
{
    const std::string &program = command.program();
    const std::string path = searchPath(command);
    bool foundButNotExecutable = false;
    std::string::size_type begin = 0;
    for (;;) {
        const auto end = path.find(':', begin);
        std::string directory = path.substr(begin, end == std::string::npos ? end : end - begin);
        std::string candidate = (directory.empty() ? std::string(".") : directory) + '/' + program;
        bool exists = false;
        if (isExecutableFile(candidate, exists))
            return candidate;
        foundButNotExecutable = foundButNotExecutable || exists;
        if (end == std::string::npos)
            break;
        begin = end + 1;
    }
    fail(foundButNotExecutable ? EACCES : ENOENT, displayName(program) + " (searched in PATH)");
}

} // namespace

SpawnPlan makeSpawnPlan(const Command &command)
{
    const std::string &program = command.program();
    if (program.empty())
        fail(ENOENT, displayName(program));
    requireNoNul(program, program, "the program name");
    for (std::size_t i = 0; i < command.arguments().size(); ++i)
        requireNoNul(program, command.arguments()[i], "argument " + std::to_string(i + 1));
    if (command.environment()) {
        for (const std::string &entry : *command.environment()) {
            if (entry.find('\0') != std::string::npos) {
                fail(EINVAL,
                     displayName(program) + ": environment entry \""
                             + escapeControlCharacters(entry) + "\" contains a NUL byte");
            }
            // execve() would pass it on, but the same entry corrupts a Windows
            // environment block: refused on every OS alike (QProcess drops such entries).
            if (entry.find('=', 1) == std::string::npos) {
                fail(EINVAL,
                     displayName(program) + ": environment entry \""
                             + escapeControlCharacters(entry)
                             + "\" is not KEY=VALUE (it needs a name and a '=')");
            }
        }
    }

    SpawnPlan plan;
    plan.command = &command;
    if (const auto &directory = command.workingDirectory()) {
        requireNoNul(program, *directory, "the working directory");
        plan.workingDirectory = directory->c_str();
    }
    plan.executable = program.find('/') == std::string::npos ? resolveInPath(command) : program;

    // execve() takes char *const[], but never writes through it.
    plan.argv.reserve(command.arguments().size() + 2);
    plan.argv.push_back(const_cast<char *>(program.c_str()));
    for (const std::string &argument : command.arguments())
        plan.argv.push_back(const_cast<char *>(argument.c_str()));
    plan.argv.push_back(nullptr);

    if (const auto &environment = command.environment()) {
        plan.envp.reserve(environment->size() + 1);
        for (const std::string &entry : *environment)
            plan.envp.push_back(const_cast<char *>(entry.c_str()));
    } else {
        for (char **entry = environ; entry && *entry; ++entry)
            plan.envp.push_back(*entry);
    }
    plan.envp.push_back(nullptr);
    openStandardStreams(command, plan);
    return plan;
}

void throwSpawnError(const SpawnPlan &plan, int error, SpawnStage stage)
{
    const std::string program = displayName(plan.command->program());
    switch (stage) {
    case SpawnStage::WorkingDirectory:
        throw SpawnError(error,
                         program + ": cannot change to working directory " + plan.workingDirectory,
                         SpawnError::Step::WorkingDirectory);
    case SpawnStage::ProcessGroup:
        fail(error, program + ": cannot start a new process group");
    case SpawnStage::Stdio:
        fail(error, program + ": cannot set up the standard streams");
    case SpawnStage::NewSession:
        fail(error, program + ": cannot start a new session");
    case SpawnStage::Fork:
        fail(error, program + ": cannot start the process");
    case SpawnStage::Exec:
        break;
    }
    if (error == EACCES && isDirectory(plan.executable))
        fail(error, program + ": is a directory");
    fail(error, program);
}

} // namespace SharedChild::Detail
