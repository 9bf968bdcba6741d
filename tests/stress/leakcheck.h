// SPDX-License-Identifier: MIT
#pragma once

#include "failures.h"
#include "processcensus.h"

#include <functional>

namespace SharedChildStress {

/// Waits until this process holds no more descriptors and threads than at
/// `baseline` and has no child process left (zombies included), or records a
/// failure that says what is left. It polls /proc: children that the library
/// reaps in the background, and the threads that watched them, take a moment
/// to go, and nothing announces it. `whileWaiting` runs between polls (e.g. to
/// let a Qt event loop deliver what is pending).
void expectNothingLeft(const SharedChildTest::ProcessCensus &baseline, Failures &failures,
                       const std::string &when, const std::function<void()> &whileWaiting = {});

} // namespace SharedChildStress
