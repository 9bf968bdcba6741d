// SPDX-License-Identifier: MIT
#include "waitingthreads.h"

#include "../librarythread.h"

#include <sharedchild/child.h>

#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>

namespace SharedChild::Detail {

struct WaitingThreads::Handoff
{
    std::mutex mutex; // lock order: see src/LOCKING.md
    std::vector<WatchToken> exited; // guarded by mutex
    std::function<void()> wakeLoop; // guarded by mutex; empty once the owner is gone
};

namespace {

// Returns once the child's status is known or lost; only those end the wait.
void waitForExit(Child &child)
{
    for (;;) {
        try {
            child.wait();
            return;
        } catch (const std::system_error &error) {
            if (error.code() == std::errc::no_child_process)
                return;
            // A transient failure (ENOMEM): try again without spinning.
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
}

} // namespace

WaitingThreads::WaitingThreads(std::function<void()> wakeLoop)
    : m_handoff(std::make_shared<Handoff>())
{
    m_handoff->wakeLoop = std::move(wakeLoop);
}

WaitingThreads::~WaitingThreads()
{
    std::lock_guard lock(m_handoff->mutex);
    m_handoff->wakeLoop = nullptr;
}

void WaitingThreads::start(std::shared_ptr<Child> child, WatchToken token)
{
    std::thread([handoff = m_handoff, child = std::move(child), token] {
        keepSignalsAwayFromThisThread();
        waitForExit(*child);
        std::lock_guard lock(handoff->mutex);
        if (!handoff->wakeLoop)
            return;
        handoff->exited.push_back(token);
        handoff->wakeLoop();
    }).detach();
}

void WaitingThreads::takeExited(std::vector<WatchToken> &into)
{
    std::lock_guard lock(m_handoff->mutex);
    into.insert(into.end(), m_handoff->exited.begin(), m_handoff->exited.end());
    m_handoff->exited.clear();
}

} // namespace SharedChild::Detail
