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

SpawnedProcess spawnProcess(const Command &command)
{
    const bool waitid = Child::backend() == Child::Backend::Waitid;
    if (!command.killOnParentDeath())
        return waitid ? spawnWithWaitid(command) : spawnWithPidfd(command);

    // posix_spawn() cannot set PR_SET_PDEATHSIG: such children are cloned,
    // from the long-lived spawner thread, whichever backend then watches them.
    SpawnedProcess spawned;
    runOnSpawnerThread([&] {
        if (!waitid) {
            spawned = spawnWithPidfd(command);
            return;
        }
        SpawnPlan plan = makeSpawnPlan(command);
        const SpawnedChild child = cloneAndExec(plan);
        ::close(child.pidfd);
        spawned = {makeWaitidHandle(child.pid), std::move(plan.parentEnds)};
    });
    return spawned;
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
