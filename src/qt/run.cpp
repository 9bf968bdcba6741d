// SPDX-License-Identifier: MIT
#include "run.h"

#include "sharedchildprocess_p.h"

#include <QMetaObject>

namespace SharedChild::QtDetail {

Run::Run(std::shared_ptr<Child> child, SharedChildProcess *owner)
    : m_child(std::move(child)), m_owner(owner)
{
}

void Run::deliver(const Outcome &outcome)
{
    std::lock_guard lock(m_mutex);
    if (!m_outcome)
        m_outcome = outcome;
    if (m_posted || !m_owner)
        return;
    m_posted = true;
    // Posted under the lock: the owner's destructor takes it before QObject
    // deletes the object's pending events, so the owner outlives this call.
    SharedChildProcess *owner = m_owner;
    QMetaObject::invokeMethod(
            owner,
            [owner, run = shared_from_this()] { SharedChildProcessPrivate::get(owner)->finishRun(run); },
            Qt::QueuedConnection);
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
