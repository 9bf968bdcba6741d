// SPDX-License-Identifier: MIT
#pragma once

#include "failures.h"
#include "stressoptions.h"

namespace SharedChildStress {

/// Part 5: rounds of `children` (--children / 10 children) and `processes`
/// (--runs / 10 runs) for --minutes, with every round checked as those parts
/// check themselves. Every --report-seconds it prints the throughput and what
/// the process holds (descriptors, threads, children, resident memory), so a
/// long run shows whether anything grows; between rounds, descriptors and
/// threads must not exceed what the first round left. Needs a QCoreApplication.
void runSoak(const StressOptions &options, Failures &failures);

} // namespace SharedChildStress
