// SPDX-License-Identifier: MIT
#include "run.h"

#include "sharedchildprocess_p.h"

#include <QMetaObject>

#include <cerrno>
#include <system_error>
#include <thread>

namespace SharedChild::QtDetail {

namespace {

void complete(QPromise<SharedChildExitStatus> &promise, const Outcome &outcome)
{
    if (outcome.lostReason.isEmpty()) {
        promise.addResult(outcome.status);
    } else {
        promise.setException(std::make_exception_ptr(std::system_error(
                ECHILD, std::generic_category(), outcome.lostReason.toStdString())));
    }
    promise.finish();
}

} // namespace

void warnTransientError(const Child &child, const std::system_error &error)
{
    qWarning("SharedChildProcess (pid %lld): %s; trying again", static_cast<long long>(child.id()),
             error.what());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

Run::Run(std::shared_ptr<Child> child, SharedChildProcess *owner, bool watchStops)
    : watchStops(watchStops), m_child(std::move(child)), m_owner(owner)
{ }

// Posted under the lock: the owner's destructor takes it before QObject
// deletes the object's pending events, so the owner outlives this call.
template<typename Call>
void Run::postToOwnerLocked(Call call)
{
    if (!m_owner)
        return;
    SharedChildProcess *owner = m_owner;
    // Two threads posting to one thread's event queue are ordered by Qt's
    // QMutex, which ThreadSanitizer cannot see (it waits on a futex), so it
    // reports the queue's insertions as a race; this lock it can see.
    static std::mutex postMutex; // lock order: see src/LOCKING.md
    const std::lock_guard postLock(postMutex);
    QMetaObject::invokeMethod(
            owner,
            [owner, run = shared_from_this(), call = std::move(call)] {
                call(*SharedChildProcessPrivate::get(owner), run);
            },
            Qt::QueuedConnection);
}

bool Run::recordLocked(const Outcome &outcome, QPromise<SharedChildExitStatus> *&promise)
{
    promise = nullptr;
    if (m_outcome)
        return false;
    m_outcome = outcome;
    // A promise made later by future() is completed there; this one has been
    // handed out, and only this thread completes it.
    if (m_promise)
        promise = &*m_promise;
    return true;
}

void Run::record(const Outcome &outcome)
{
    QPromise<SharedChildExitStatus> *promise = nullptr;
    {
        std::lock_guard lock(m_mutex);
        recordLocked(outcome, promise);
    }
    if (promise)
        complete(*promise, outcome);
}

void Run::deliver(const Outcome &outcome)
{
    QPromise<SharedChildExitStatus> *promise = nullptr;
    {
        std::lock_guard lock(m_mutex);
        if (!recordLocked(outcome, promise))
            return;
        postToOwnerLocked([](SharedChildProcessPrivate &owner, const std::shared_ptr<Run> &run) {
            owner.finishRun(run);
        });
    }
    if (promise)
        complete(*promise, outcome);
}

void Run::reportStop(std::optional<int> stopSignal)
{
    std::lock_guard lock(m_mutex);
    if (m_outcome)
        return;
    postToOwnerLocked(
            [stopSignal](SharedChildProcessPrivate &owner, const std::shared_ptr<Run> &run) {
                owner.applyStop(run, stopSignal);
            });
}

QFuture<SharedChildExitStatus> Run::future()
{
    std::lock_guard lock(m_mutex);
    if (!m_promise) {
        m_promise.emplace();
        m_promise->start();
        // Under the lock is fine here: nobody can have attached a continuation yet.
        if (m_outcome)
            complete(*m_promise, *m_outcome);
    }
    return m_promise->future();
}

bool Run::hasOutcome() const
{
    std::lock_guard lock(m_mutex);
    return m_outcome.has_value();
}

std::optional<Outcome> Run::outcome() const
{
    std::lock_guard lock(m_mutex);
    return m_outcome;
}

void Run::detachOwner()
{
    std::lock_guard lock(m_mutex);
    m_owner = nullptr;
}

} // namespace SharedChild::QtDetail
