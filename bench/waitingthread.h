// SPDX-License-Identifier: MIT
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace Bench {

/// A thread that blocks in one wait at a time, so that another thread can
/// measure how soon that wait returns after it kills the child.
class WaitingThread
{
public:
    WaitingThread();
    ~WaitingThread();
    WaitingThread(const WaitingThread &) = delete;
    WaitingThread &operator=(const WaitingThread &) = delete;

    /// Hands `wait` to the thread; returns once the thread sleeps in the kernel inside it.
    void begin(std::function<void()> wait);
    /// Blocks until the wait has returned; the time (Bench::nowNs()) at which it did.
    std::int64_t end();

private:
    void run();
    char schedulerState() const;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::function<void()> m_job; // guarded by m_mutex
    bool m_running = false; // the job has been taken and is being run
    bool m_returned = false;
    std::int64_t m_returnedAt = 0;
    bool m_quit = false;
    pid_t m_tid = 0;
    std::thread m_thread;
};

} // namespace Bench
