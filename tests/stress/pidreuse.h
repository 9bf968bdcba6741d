// SPDX-License-Identifier: MIT
#pragma once

#include "failures.h"
#include "stressoptions.h"

namespace SharedChildStress {

/// Part 4: re-runs the program as the first process of a new PID namespace
/// (behind SharedChildTest::pidNamespaceWrapper()). False when this machine
/// does not allow that (EPERM): the part is skipped.
bool runPidReuse(const StressOptions &options, Failures &failures);

/// The part itself, inside the namespace: --rounds times, a child is reaped
/// while a killer thread keeps signalling it, its PID is handed to a stranger
/// (a process started without the library), and the killer goes on through
/// the old handle. The stranger must not have received any of it (SIGSTOP
/// proof, see SharedChildTest::Stranger).
void runPidReuseInner(const StressOptions &options, Failures &failures);

} // namespace SharedChildStress
