// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/child.h>
#include <sharedchild/sharedchildexitstatus.h>

#include <QFuture>
#include <QPromise>
#include <QString>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

class SharedChildProcess;

namespace SharedChild::QtDetail {

/// When a wait gives up; empty: never.
using Deadline = std::optional<std::chrono::steady_clock::time_point>;

/// How a run ended: a status, or the reason it was lost.
struct Outcome
{
    SharedChildExitStatus status;
    QString lostReason; // non-empty when the status was lost (ECHILD)
};

/// Reports an error other than ECHILD from a wait on `child`, which the core
/// left as it was; pauses briefly, so that a caller trying again at once does
/// not spin while the error lasts.
void warnTransientError(const Child &child, const std::system_error &error);

/// Runs `observe` (a call on a Child that returns std::optional<ExitStatus>)
/// and turns a lost status (ECHILD) into an Outcome as well. Any other error
/// is transient: the Qt API has no exception to carry it, so it is reported
/// with qWarning() and the child counts as not exited yet (empty).
template<typename Observe>
std::optional<Outcome> observeOutcome(const Child &child, Observe observe)
{
    try {
        if (std::optional<ExitStatus> status = observe())
            return Outcome{*status, {}};
        return std::nullopt;
    } catch (const std::system_error &error) {
        if (error.code() == std::errc::no_child_process)
            return Outcome{{}, QString::fromLocal8Bit(error.what())};
        warnTransientError(child, error);
        return std::nullopt;
    }
}

/// One start() of a SharedChildProcess. Shared by the object, the waiter
/// thread and any user thread inside wait(); whoever learns the outcome first
/// delivers it, and the object's thread turns it into finished() once.
class Run : public std::enable_shared_from_this<Run>
{
public:
    Run(std::shared_ptr<Child> child, SharedChildProcess *owner, bool watchStops);

    const std::shared_ptr<Child> &child() const { return m_child; }

    /// Any thread: records the outcome (the first one wins; all are equal
    /// anyway, since the core hands every caller the same status) and posts it
    /// to the owner's thread, once.
    void deliver(const Outcome &outcome);
    /// The owner's thread: records the outcome like deliver() but posts
    /// nothing, because the caller emits finished() itself.
    void record(const Outcome &outcome);
    /// The recorded outcome, if any.
    std::optional<Outcome> outcome() const;
    /// The owner is being destroyed: deliver to nobody from now on.
    void detachOwner();

    /// Completes with the outcome's status (or its lost-status error) as soon
    /// as any thread delivers it. The delivering thread completes it without
    /// holding any of our locks, so a continuation may call into the object.
    QFuture<SharedChildExitStatus> future();
    /// Whether an outcome is recorded.
    bool hasOutcome() const;

    /// Any thread: tells the owner that the child stopped (a signal number)
    /// or continued (empty). Called by the waiter thread's stop watch.
    void reportStop(std::optional<int> stopSignal);

    /// Whether the waiter thread should watch this run for stops.
    const bool watchStops;

    /// Owner's thread only: whether finished() was emitted for this run.
    bool finishedEmitted = false;
    /// Waiter thread only: the stop state last reported.
    std::optional<int> reportedStop;

private:
    template<typename Call>
    void postToOwnerLocked(Call call);
    // Records the outcome unless one is recorded; returns whether it did, and
    // in `promise` the promise the caller must complete once it has let go of
    // the lock (continuations run inside finish()).
    bool recordLocked(const Outcome &outcome, QPromise<SharedChildExitStatus> *&promise);

    const std::shared_ptr<Child> m_child;
    mutable std::mutex m_mutex; // lock order: see src/LOCKING.md
    SharedChildProcess *m_owner; // guarded by m_mutex
    std::optional<Outcome> m_outcome; // guarded by m_mutex
    // Made by the first future() call: most runs never have one, and a
    // promise costs more memory than the rest of the run. Guarded by m_mutex;
    // completed without it (continuations run inside finish()).
    std::optional<QPromise<SharedChildExitStatus>> m_promise;
};

} // namespace SharedChild::QtDetail
