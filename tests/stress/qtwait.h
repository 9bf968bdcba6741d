// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/sharedchildprocess.h>

#include <chrono>

namespace SharedChildStress {

/// Runs the event loop until `process` emits finished(), at most `timeout`.
/// Unlike waitForFinished(), this waits for the waiter thread to deliver the
/// outcome instead of fetching it in this thread. True once it has finished.
bool awaitFinishedSignal(SharedChildProcess &process, std::chrono::milliseconds timeout);

} // namespace SharedChildStress
