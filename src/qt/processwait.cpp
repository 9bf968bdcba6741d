// SPDX-License-Identifier: MIT
// Blocking waits: the owner thread's waitFor*() loops, which service the pipes
// as QProcess's do, and the any-thread wait for a run's outcome.
#include "sharedchildprocess_p.h"
#include "waiter.h"

using SharedChild::QtDetail::Deadline;
using SharedChild::QtDetail::observeOutcome;
using SharedChild::QtDetail::Outcome;
using SharedChild::QtDetail::Run;

namespace {

std::optional<Outcome> waitWithoutPipes(const std::shared_ptr<Run> &run, Deadline deadline)
{
    for (;;) {
        auto outcome = observeOutcome(*run->child(), [&run, &deadline] {
            return deadline ? run->child()->waitUntil(*deadline)
                            : std::optional(run->child()->wait());
        });
        // Empty on timeout, or after a transient error: then try again until the deadline.
        if (outcome || (deadline && std::chrono::steady_clock::now() >= *deadline))
            return outcome;
    }
}

// Milliseconds for poll(): what is left until `deadline` (-1: none), at most
// `cap` when that is not negative; 0 when the deadline has passed.
int pollTimeout(Deadline deadline, int cap)
{
    if (!deadline)
        return cap;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            *deadline - std::chrono::steady_clock::now());
    const int leftMsecs = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
    return cap < 0 ? leftMsecs : std::min(cap, leftMsecs);
}

bool passed(Deadline deadline)
{
    return deadline && std::chrono::steady_clock::now() >= *deadline;
}

} // namespace

bool SharedChildProcessPrivate::serviceUntil(WaitGoal goal, Deadline deadline, bool &destroyed)
{
    destroyed = false;
    const std::shared_ptr<Run> waitedRun = currentRun();
    if (!waitedRun)
        return false;
    const SharedChild::QtDetail::Waiter::BlockingWait blockingWait(waitedRun);
    const quint64 thisStart = starts;
    // When the exit wakes no wait (the waitid backend), look at the child every 10 ms.
    const SharedChild::QtDetail::ExitWake exitWake(*waitedRun->child());
    const bool exitWakes = exitWake.wakesOnExit();
    const auto runEnded = [&] { return starts != thisStart || waitedRun->finishedEmitted; };
    const auto alive = [&](bool isAlive) {
        destroyed = !isAlive;
        return isAlive;
    };
    const auto finishWith = [&](const Outcome &outcome) {
        waitedRun->record(outcome);
        const QPointer<SharedChildProcess> guard(q);
        finishRun(waitedRun);
        return alive(!guard.isNull()) && goal == WaitGoal::Finished;
    };

    for (;;) {
        if (goal == WaitGoal::BytesWritten
            && !(stdinPipe() && stdinPipe()->isOpen() && stdinPipe()->hasPending()))
            return false;
        if (passed(deadline)) {
            alive(setError(SharedChildProcess::Timedout));
            return false;
        }
        SharedChild::QtDetail::waitForPipes(stdoutPipe(), stderrPipe(), stdinPipe(), exitWake,
                                            pollTimeout(deadline, exitWakes ? -1 : 10));

        // The pipes first, so that everything the child wrote before it
        // exited is reported before the run ends.
        const ReadReport read = readOutputs();
        if (!alive(read.alive))
            return false;
        if (goal == WaitGoal::ReadyRead && read.readyReadEmitted)
            return true;
        const WriteReport written = writeInput();
        if (!alive(written.alive))
            return false;
        if (goal == WaitGoal::BytesWritten && (written.wrote || written.failed))
            return written.wrote;
        if (runEnded()) // a slot waited for the end, or started the object again
            return goal == WaitGoal::Finished;

        // Nothing left to service and nothing that tells the exit (the
        // waitid backend): a blocking wait, which gets the reaped status with
        // its resource usage where tryWait() could only peek at the exit
        // while the watching thread blocks in its own wait.
        const bool outputOpen = (stdoutPipe() && stdoutPipe()->isOpen())
                || (stderrPipe() && stderrPipe()->isOpen());
        const bool inputPending = stdinPipe() && stdinPipe()->isOpen() && stdinPipe()->hasPending();
        if (!exitWakes && !outputOpen && !inputPending) {
            const std::optional<Outcome> outcome = waitWithoutPipes(waitedRun, deadline);
            if (!outcome) {
                alive(setError(SharedChildProcess::Timedout));
                return false;
            }
            return finishWith(*outcome);
        }

        if (auto outcome = observeOutcome(*waitedRun->child(),
                                          [&waitedRun] { return waitedRun->child()->tryWait(); })) {
            // What the child wrote between the reads above and its exit is
            // reported before the end, as QProcess does: the run finishes
            // only once a read after the exit found nothing.
            const ReadReport lateRead = readOutputs();
            if (!alive(lateRead.alive))
                return false;
            if (lateRead.gotData) {
                if (goal == WaitGoal::ReadyRead && lateRead.readyReadEmitted)
                    return true;
                continue;
            }
            return finishWith(*outcome);
        }
    }
}

std::optional<Outcome> SharedChildProcessPrivate::waitAndDeliver(const std::shared_ptr<Run> &run,
                                                                 Deadline deadline)
{
    if (inOwnerThread() && hasOpenPipes() && run == currentRun() && !run->finishedEmitted) {
        bool destroyed = false;
        const bool finished = serviceUntil(WaitGoal::Finished, deadline, destroyed);
        if (!destroyed)
            return finished ? run->outcome() : std::nullopt;
        // A slot destroyed the object: the wait goes on without it.
        const SharedChild::QtDetail::Waiter::BlockingWait blockingWait(run);
        std::optional<Outcome> outcome = waitWithoutPipes(run, deadline);
        if (outcome)
            run->deliver(*outcome); // the owner is gone: this only records it
        return outcome;
    }
    const SharedChild::QtDetail::Waiter::BlockingWait blockingWait(run);
    std::optional<Outcome> outcome = waitWithoutPipes(run, deadline);
    if (outcome)
        deliver(run, *outcome);
    return outcome;
}
