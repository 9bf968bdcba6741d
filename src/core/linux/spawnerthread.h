// SPDX-License-Identifier: MIT
#pragma once

#include <functional>

namespace SharedChild::Detail {

/// Runs `task` on the library's spawner thread and waits for it, rethrowing
/// what it throws. The thread lives as long as the program: PR_SET_PDEATHSIG
/// fires when the *thread* that started a child exits, so children that must
/// die with the process are started from this one, never from a short-lived
/// caller's thread.
void runOnSpawnerThread(const std::function<void()> &task);

} // namespace SharedChild::Detail
