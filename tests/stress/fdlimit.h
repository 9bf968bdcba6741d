// SPDX-License-Identifier: MIT
#pragma once

#include "failures.h"
#include "stressoptions.h"

namespace SharedChildStress {

/// Part 3a: RLIMIT_NOFILE is lowered step by step until spawning a child with
/// three pipes fails. Checks that Child::spawn() then throws EMFILE with a
/// message naming the program and the reason, that SharedChildProcess::start()
/// returns false with FailedToStart and that message, that a failed spawn
/// leaves no descriptor or zombie behind, that the waiter thread still
/// delivers a running child's finished() at the limit, and that spawning works
/// again once descriptors are free. Needs a QCoreApplication.
void runFdLimit(const StressOptions &options, Failures &failures);

} // namespace SharedChildStress
