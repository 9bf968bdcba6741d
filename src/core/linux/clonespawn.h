// SPDX-License-Identifier: MIT
#pragma once

#include "../posix/spawnplan.h"

#include <sys/types.h>

namespace SharedChild::Detail {

struct SpawnedChild
{
    pid_t pid = -1;
    int pidfd = -1; // close-on-exec
};

/// Starts the plan's program with its pidfd created atomically by clone().
/// Throws std::system_error naming the program and the failed step; a child
/// that failed to exec has been reaped and its pidfd closed by then.
SpawnedChild cloneAndExec(const SpawnPlan &plan);

/// Starts the plan's program detached: an intermediate child starts it in a
/// new session and exits, and is reaped here before this returns, so the
/// program is never this process's child. Returns its PID. Throws like
/// cloneAndExec(); a program that failed to start has been reaped by then.
pid_t cloneDetachedAndExec(const SpawnPlan &plan);

} // namespace SharedChild::Detail
