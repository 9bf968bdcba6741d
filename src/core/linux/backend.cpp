// SPDX-License-Identifier: MIT
// Backend choice on Linux: pidfd by default, waitid when SHAREDCHILD_BACKEND
// says so (that is how the test suite covers the portable POSIX backend here).

#include "../posix/waitidhandle.h"
#include "clonespawn.h"
#include "pidfdhandle.h"
#include "spawnerthread.h"

#include <cerrno>
#include <limits>
#include <string>
#include <system_error>
#include <unistd.h>
#include <variant>

namespace SharedChild::Detail {

std::variant<Child::Backend, std::string> chooseBackend(const std::string &requested)
{
    if (requested == "waitid")
        return Child::Backend::Waitid;
    if (requested == "pidfd") {
        if (!pidfdBackendAvailable())
            return std::string("this kernel lacks pidfd support");
        return Child::Backend::Pidfd;
    }
    if (requested.empty())
        return pidfdBackendAvailable() ? Child::Backend::Pidfd : Child::Backend::Waitid;
    return std::string(R"(unknown backend (expected "pidfd" or "waitid"))");
}

namespace {

// posix_spawn() can neither set PR_SET_PDEATHSIG nor run a childSetup()
// hook: the waitid backend clones such children too, then watches them by PID.
SpawnedProcess spawnOnThisThread(const Command &command)
{
    if (Child::backend() != Child::Backend::Waitid)
        return spawnWithPidfd(command);
    if (!command.killOnParentDeath() && !command.childSetup())
        return spawnWithWaitid(command);
    SpawnPlan plan = makeSpawnPlan(command);
    const SpawnedChild child = cloneAndExec(plan);
    ::close(child.pidfd);
    return {makeWaitidHandle(child.pid), std::move(plan.parentEnds)};
}

} // namespace

SpawnedProcess spawnProcess(const Command &command)
{
    if (!command.killOnParentDeath())
        return spawnOnThisThread(command);
    // Children that die with this process are started from the long-lived
    // spawner thread, whichever backend then watches them.
    SpawnedProcess spawned;
    runOnSpawnerThread([&] { spawned = spawnOnThisThread(command); });
    return spawned;
}

std::int64_t spawnDetachedProcess(const Command &command)
{
    (void)Child::backend(); // an unknown SHAREDCHILD_BACKEND fails every spawn
    const SpawnPlan plan = makeSpawnPlan(command);
    return cloneDetachedAndExec(plan);
}

std::unique_ptr<ProcessHandle> adoptProcess(FileDescriptor handle)
{
    return adoptWithPidfd(std::move(handle));
}

std::unique_ptr<ProcessHandle> adoptProcess(std::int64_t pid)
{
    // Narrowed blindly, (1 << 32) + PID would name PID, and 0 or -1 a whole
    // process group or every child.
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) {
        throw std::system_error(EINVAL, std::generic_category(),
                                "pid " + std::to_string(pid) + ": cannot adopt (not a process ID)");
    }
    if (Child::backend() == Child::Backend::Waitid)
        return adoptWithWaitid(static_cast<pid_t>(pid));
    return adoptWithPidfd(static_cast<pid_t>(pid));
}

} // namespace SharedChild::Detail
