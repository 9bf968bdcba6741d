// SPDX-License-Identifier: MIT
// Child::spawnDetached(): what a detached start refuses, on every OS alike;
// the backend does the rest.

#include "displayname.h"
#include "processhandle.h"

#include <sharedchild/child.h>

#include <cerrno>
#include <system_error>

namespace SharedChild {

namespace {

[[noreturn]] void refuse(const Command &command, const std::string &why)
{
    throw std::system_error(EINVAL, std::generic_category(),
                            Detail::displayName(command.program()) + ": " + why);
}

} // namespace

std::int64_t Child::spawnDetached(const Command &command)
{
    const Stdio *modes[] = {&command.stdinMode(), &command.stdoutMode(), &command.stderrMode()};
    constexpr const char *streamNames[] = {"stdin", "stdout", "stderr"};
    for (int stream = 0; stream < 3; ++stream) {
        if (modes[stream]->kind() == Stdio::Kind::Pipe) {
            refuse(command,
                   std::string(streamNames[stream])
                           + " cannot be a pipe for a detached process (nothing would hold "
                             "the other end)");
        }
    }
    if (command.killOnParentDeath()) {
        refuse(command,
               "a detached process cannot be killed on parent death (its parent exits at "
               "once)");
    }
    return Detail::spawnDetachedProcess(command);
}

} // namespace SharedChild
