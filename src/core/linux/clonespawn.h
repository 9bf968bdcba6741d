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

} // namespace SharedChild::Detail
