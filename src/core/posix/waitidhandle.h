// SPDX-License-Identifier: MIT
#pragma once

#include "../processhandle.h"

namespace SharedChild::Detail {

/// The portable POSIX backend: posix_spawn(), waitid(P_PID, WEXITED | WNOWAIT)
/// to wait without reaping, wait4() to reap, kill() to signal. Timed waits poll
/// with a short backoff, since POSIX has no waitid() with a timeout.
SpawnedProcess spawnWithWaitid(const Command &command);

} // namespace SharedChild::Detail
