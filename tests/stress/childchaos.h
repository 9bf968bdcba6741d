// SPDX-License-Identifier: MIT
#pragma once

#include "failures.h"

#include <cstdint>
#include <string>

namespace SharedChildStress {

struct ChildChaosSettings
{
    int children = 2000; // spawned in total
    int threads = 8; // issuing calls at random
    std::string helper;
    std::uint64_t seed = 0;
    bool quiet = false; // no summary line (soak rounds)
};

/// Part 1: `threads` threads call wait(), tryWait(), waitFor(), waitUntil(),
/// kill(), terminate() and sendSignal() at random on a pool of children that
/// exit on their own at random times (and sometimes let go of a child
/// unreaped). Checks that every caller sees the same status for a child, that
/// the status is the child's own exit code or a fatal signal that was sent to
/// it, that no call outlasts its time budget or says "running" after someone
/// saw the exit, and that no descriptor, thread or zombie is left at the end.
void runChildChaos(const ChildChaosSettings &settings, Failures &failures);

} // namespace SharedChildStress
