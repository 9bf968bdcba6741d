// SPDX-License-Identifier: MIT
#pragma once

#include "failures.h"
#include "stressoptions.h"

namespace SharedChildStress {

/// Part 3b: RLIMIT_NPROC. Root ignores that limit, so as root this re-runs
/// the program as user 65534 (nobody) through setpriv(1); otherwise it runs
/// it as it is. See runProcessLimitInner().
void runProcessLimit(const StressOptions &options, Failures &failures);

/// The part itself, as an unprivileged user: with the limit reached, checks
/// that Child::spawn() throws EAGAIN and SharedChildProcess::start() returns
/// false with FailedToStart, both with a message naming the program and the
/// reason; that a running child's finished() still comes; that a child let go
/// of at the limit is still reaped; that with a single process left to spare
/// start() either succeeds fully or fails cleanly (never throws); and that
/// spawning works again once processes are free. Needs a QCoreApplication.
void runProcessLimitInner(const StressOptions &options, Failures &failures);

} // namespace SharedChildStress
