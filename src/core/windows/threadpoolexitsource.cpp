// SPDX-License-Identifier: MIT
// Windows: the OS's thread pool waits on a duplicate of each child's process
// handle (RegisterWaitForSingleObject, once), so no thread of ours per child
// and no 64-handle limit of WaitForMultipleObjects(). The pool's callback
// queues the child's token and sets an event; the loop waits on that event.

#include "../exitsource.h"
#include "win32error.h"

#include <sharedchild/child.h>

#include <windows.h>

#include <memory>
#include <mutex>
#include <unordered_map>

namespace SharedChild::Detail {

namespace {

class ThreadPoolExitSource final : public ExitSource
{
public:
    ThreadPoolExitSource() : m_event(::CreateEventW(nullptr, FALSE, FALSE, nullptr))
    {
        if (!m_event)
            throwLastWin32Error("CreateEvent for the exit watcher");
    }
    ~ThreadPoolExitSource() override
    {
        for (auto &[token, registration] : m_registrations)
            unregister(*registration);
        ::CloseHandle(m_event);
    }
    ThreadPoolExitSource(const ThreadPoolExitSource &) = delete;
    ThreadPoolExitSource &operator=(const ThreadPoolExitSource &) = delete;

    void add(const std::shared_ptr<Child> &child, WatchToken token) override
    {
        auto registration = std::make_unique<Registration>();
        registration->source = this;
        registration->token = token;
        registration->process = child->openExitNotifier();
        if (!registration->process) {
            // Reaped already, so it has exited.
            queueExited(token);
            return;
        }
        if (!::RegisterWaitForSingleObject(&registration->wait, registration->process.get(),
                                           &ThreadPoolExitSource::onExited, registration.get(),
                                           INFINITE, WT_EXECUTEONLYONCE)) {
            const DWORD error = ::GetLastError();
            throwWin32Error(error,
                            "pid " + std::to_string(child->id())
                                    + ": RegisterWaitForSingleObject for the exit watcher");
        }
        m_registrations[token] = std::move(registration);
    }

    void remove(const Child &, WatchToken token) override
    {
        const auto found = m_registrations.find(token);
        if (found == m_registrations.end())
            return;
        unregister(*found->second);
        m_registrations.erase(found);
    }

    // A pool thread's wake-up costs the waiting thread nothing.
    void pause(const Child &, WatchToken) override { }
    bool resume(const std::shared_ptr<Child> &, WatchToken) override { return true; }

    void wait(std::optional<std::chrono::milliseconds> timeout,
              std::vector<WatchToken> &exited) override
    {
        const DWORD milliseconds = timeout
                ? static_cast<DWORD>(
                        std::min<std::chrono::milliseconds::rep>(timeout->count(), INFINITE - 1))
                : INFINITE;
        ::WaitForSingleObject(m_event, milliseconds);
        std::lock_guard lock(m_exitedMutex);
        exited.insert(exited.end(), m_exited.begin(), m_exited.end());
        m_exited.clear();
    }

    void wake() override { ::SetEvent(m_event); }

private:
    struct Registration
    {
        ThreadPoolExitSource *source = nullptr;
        WatchToken token = 0;
        FileDescriptor process; // our duplicate: reap() closes the Child's own
        HANDLE wait = nullptr;
    };

    static void CALLBACK onExited(void *context, BOOLEAN)
    {
        const auto *registration = static_cast<const Registration *>(context);
        registration->source->queueExited(registration->token);
    }

    void queueExited(WatchToken token)
    {
        {
            std::lock_guard lock(m_exitedMutex);
            m_exited.push_back(token);
        }
        ::SetEvent(m_event);
    }

    // INVALID_HANDLE_VALUE: returns only once a callback under way has
    // finished, so the registration can be freed. The callback takes only
    // m_exitedMutex, which no caller of this holds.
    static void unregister(Registration &registration)
    {
        ::UnregisterWaitEx(registration.wait, INVALID_HANDLE_VALUE);
        registration.process.close();
    }

    const HANDLE m_event;
    // Touched by add()/remove(), which the watcher serialises under its lock.
    std::unordered_map<WatchToken, std::unique_ptr<Registration>> m_registrations;
    std::mutex m_exitedMutex; // lock order: see src/LOCKING.md
    std::vector<WatchToken> m_exited; // guarded by m_exitedMutex
};

} // namespace

std::unique_ptr<ExitSource> createExitSource()
{
    return std::make_unique<ThreadPoolExitSource>();
}

} // namespace SharedChild::Detail
