// SPDX-License-Identifier: MIT
#include "run.h"

#include "sharedchildprocess_p.h"

#include <QMetaObject>

#include <cerrno>
#include <system_error>

namespace SharedChild::QtDetail {

Run::Run(std::shared_ptr<Child> child, SharedChildProcess *owner, bool watchStops)
    : watchStops(watchStops), m_child(std::move(child)), m_owner(owner)
{
    m_promise.start();
}

// Posted under the lock: the owner's destructor takes it before QObject
// deletes the object's pending events, so the owner outlives this call.
template<typename Call>
void Run::postToOwnerLocked(Call call)
{
    if (!m_owner)
        return;
    SharedChildProcess *owner = m_owner;
    QMetaObject::invokeMethod(
            owner,
            [owner, run = shared_from_this(), call = std::move(call)] {
                call(*SharedChildProcessPrivate::get(owner), run);
            },
            Qt::QueuedConnection);
}

void Run::deliver(const Outcome &outcome)
{
    std::lock_guard lock(m_mutex);
    if (m_outcome)
        return;
    m_outcome = outcome;
    if (outcome.lostReason.isEmpty()) {
        m_promise.addResult(outcome.status);
    } else {
        m_promise.setException(std::make_exception_ptr(std::system_error(
                ECHILD, std::generic_category(), outcome.lostReason.toStdString())));
    }
    m_promise.finish();
    postToOwnerLocked([](SharedChildProcessPrivate &owner, const std::shared_ptr<Run> &run) {
        owner.finishRun(run);
    });
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
