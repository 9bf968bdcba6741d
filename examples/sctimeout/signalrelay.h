// SPDX-License-Identifier: MIT
#pragma once

#include <csignal>
#include <functional>

/// The signals sctimeout acts on, as coreutils timeout does: INT, QUIT, HUP,
/// TERM, ALRM ("time is up") and the one it sends on timeout.
sigset_t handledSignals(int timeoutSignal);

/// Blocks `signals` in the calling thread (and so in every thread it starts
/// later) and gives them their default disposition: one inherited as ignored
/// (a background job's SIGINT) must still reach sctimeout.
void blockSignals(const sigset_t &signals);

/// Starts a detached thread that takes `signals` (blocked everywhere) with
/// sigwaitinfo() and calls `onSignal` for each one that does not come from
/// this process itself: sctimeout is in the process group it signals, and
/// what it sends the group must not come back as a new request.
void startSignalRelay(const sigset_t &signals, std::function<void(int)> onSignal);
