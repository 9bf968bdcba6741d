// SPDX-License-Identifier: MIT
#pragma once

#include "../processhandle.h"

#include <sys/types.h>

namespace SharedChild::Detail {

/// The portable POSIX backend: posix_spawn(), waitid(P_PID, WEXITED | WNOWAIT)
/// to wait without reaping, wait4() to reap, kill() to signal. Timed waits poll
/// with a short backoff, since POSIX has no waitid() with a timeout.
/// posix_spawn() runs no code of ours in the child: a Command that asks for
/// kill on parent death or a childSetup() hook throws ENOTSUP (on Linux the
/// backend clones those instead, see linux/backend.cpp).
SpawnedProcess spawnWithWaitid(const Command &command);

/// A waitid handle for a child started by other means.
std::unique_ptr<ProcessHandle> makeWaitidHandle(pid_t pid);
/// makeWaitidHandle() once waitid() confirms `pid` is an unreaped child of ours.
std::unique_ptr<ProcessHandle> adoptWithWaitid(pid_t pid);

} // namespace SharedChild::Detail
