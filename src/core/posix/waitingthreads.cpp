// SPDX-License-Identifier: MIT
#include "waitingthreads.h"

#include "../childpointerhash.h"
#include "../librarythread.h"

#include <sharedchild/child.h>

#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace SharedChild::Detail {

struct WaitingThreads::Handoff
{
    std::mutex mutex; // lock order: see src/LOCKING.md
    // The tokens to report for each child that has a thread; its entry goes
    // when the thread ends. Guarded by mutex; the thread's shared_ptr keeps
    // the key valid.
    std::unordered_map<const Child *, std::vector<WatchToken>, ChildPointerHash> waiting;
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

void WaitingThreads::start(const std::shared_ptr<Child> &child, WatchToken token)
{
    std::lock_guard lock(m_handoff->mutex);
    const auto [found, added] = m_handoff->waiting.try_emplace(child.get());
    found->second.push_back(token);
    if (!added)
        return;
    try {
        std::thread([handoff = m_handoff, child] {
            keepSignalsAwayFromThisThread();
            waitForExit(*child);
            std::lock_guard lock(handoff->mutex);
            const auto tokens = handoff->waiting.find(child.get());
            if (handoff->wakeLoop && !tokens->second.empty()) {
                handoff->exited.insert(handoff->exited.end(), tokens->second.begin(),
                                       tokens->second.end());
                handoff->wakeLoop();
            }
            handoff->waiting.erase(tokens);
        }).detach();
    } catch (...) {
        m_handoff->waiting.erase(found);
        throw;
    }
}

void WaitingThreads::forget(const Child &child, WatchToken token)
{
    std::lock_guard lock(m_handoff->mutex);
    if (const auto found = m_handoff->waiting.find(&child); found != m_handoff->waiting.end())
        std::erase(found->second, token);
}

void WaitingThreads::takeExited(std::vector<WatchToken> &into)
{
    std::lock_guard lock(m_handoff->mutex);
    into.insert(into.end(), m_handoff->exited.begin(), m_handoff->exited.end());
    m_handoff->exited.clear();
}

} // namespace SharedChild::Detail
