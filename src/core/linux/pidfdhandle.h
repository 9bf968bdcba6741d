// SPDX-License-Identifier: MIT
#pragma once

#include "../processhandle.h"

#include <sys/types.h>

namespace SharedChild::Detail {

/// The Linux backend. The child is started by clone(CLONE_VM | CLONE_VFORK |
/// CLONE_PIDFD), so its pidfd exists from the first instant (no window in
/// which the PID could be reaped and reused) and the cost does not grow with
/// the parent's memory. Waits poll() the pidfd, reaps use waitid(P_PIDFD),
/// signals use pidfd_send_signal().
SpawnedProcess spawnWithPidfd(const Command &command);

/// Takes over an unreaped child of ours by its pidfd or its PID (ECHILD otherwise).
std::unique_ptr<ProcessHandle> adoptWithPidfd(FileDescriptor pidfd);
std::unique_ptr<ProcessHandle> adoptWithPidfd(pid_t pid);

/// True when this kernel has everything the pidfd backend needs.
bool pidfdBackendAvailable();

} // namespace SharedChild::Detail
