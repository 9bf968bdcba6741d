// SPDX-License-Identifier: MIT
#pragma once

#include "run.h"

#include <memory>

namespace SharedChild::QtDetail::Waiter {

/// The program's one waiter thread. It watches every running child and
/// delivers each run's outcome, and it keeps stop() deadlines. Started on
/// first use; stopped when the QCoreApplication is destroyed. While it stops,
/// every call here returns promptly and none starts a thread: a future's
/// continuation running on the waiter thread may call into the library then.

/// Any thread: reap `run`'s child once it exits and deliver the outcome.
/// Throws std::system_error: EAGAIN when the thread cannot start, ECANCELED
/// while the application shuts down.
void watch(const std::shared_ptr<Run> &run);

/// Any thread: SIGKILL `run`'s child (or its process group, when
/// `wholeGroup`) after `msecs` unless it has exited. At shutdown, deadlines
/// still to come are kept early (SIGKILL at once) rather than never.
void killAfter(const std::shared_ptr<Run> &run, int msecs, bool wholeGroup);

/// Any thread, for the life of the object: the calling thread blocks in a
/// wait on `run`'s child and learns its outcome first, so the waiter thread
/// leaves the child alone meanwhile (two threads woken by one exit would meet
/// on the child's lock and delay the wait's return). The caller delivers the
/// outcome it learns; after a wait that timed out the waiter watches again.
class BlockingWait
{
public:
    explicit BlockingWait(std::shared_ptr<Run> run);
    ~BlockingWait();
    BlockingWait(const BlockingWait &) = delete;
    BlockingWait &operator=(const BlockingWait &) = delete;

private:
    std::shared_ptr<Run> m_run;
};

/// How often the waiter thread looks for stops of runs with watchStops.
/// POSIX reports a stop to a waiting parent or through SIGCHLD only, and a
/// library must not take over the program's SIGCHLD handler.
constexpr int stopPollMsecs = 100;

} // namespace SharedChild::QtDetail::Waiter
