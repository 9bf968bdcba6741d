// SPDX-License-Identifier: MIT
#pragma once

#include "failures.h"

#include <cstdint>
#include <string>

namespace SharedChildStress {

struct ProcessChaosSettings
{
    int runs = 2000; // start()s in total
    int threads = 8; // calling the thread-safe members at random
    std::string helper;
    std::uint64_t seed = 0;
    bool quiet = false; // no summary line (soak rounds)
};

/// Part 2: SharedChildProcess objects in this (the owner) thread run children
/// that exit on their own, some of which ignore SIGTERM. The owner restarts
/// finished objects, destroys some while their child runs and stop()s others;
/// `threads` threads meanwhile call kill(), terminate(), sendSignal(), stop(),
/// tryWait(), wait() and waitForFinished() at random. Checks that finished()
/// comes exactly once per run (none for a run destroyed while running), in the
/// owner's thread, with the status other threads saw for that child; that
/// stop() and destruction never block; that a stop()ped child is gone by its
/// grace period; and that nothing is left behind. Needs a QCoreApplication.
void runProcessChaos(const ProcessChaosSettings &settings, Failures &failures);

} // namespace SharedChildStress
