// SPDX-License-Identifier: MIT
#include "spawnerthread.h"

#include <condition_variable>
#include <csignal>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace SharedChild::Detail {

namespace {

class SpawnerThread
{
public:
    SpawnerThread()
    {
        std::thread([this] { run(); }).detach();
    }

    void submit(std::packaged_task<void()> task)
    {
        {
            std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
        }
        m_wakeUp.notify_one();
    }

private:
    [[noreturn]] void run()
    {
        sigset_t all;
        sigfillset(&all);
        ::pthread_sigmask(SIG_SETMASK, &all, nullptr); // signals are for the application's threads
        for (;;) {
            std::packaged_task<void()> task;
            {
                std::unique_lock lock(m_mutex);
                m_wakeUp.wait(lock, [this] { return !m_tasks.empty(); });
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task();
        }
    }

    std::mutex m_mutex; // lock order: see src/LOCKING.md
    std::condition_variable m_wakeUp; // signalled when a task is queued
    std::deque<std::packaged_task<void()>> m_tasks; // guarded by m_mutex
};

} // namespace

void runOnSpawnerThread(const std::function<void()> &task)
{
    // Never destroyed: the thread must outlive every child it started.
    static auto *const spawner = new SpawnerThread;
    std::packaged_task<void()> packaged(task);
    std::future<void> done = packaged.get_future();
    spawner->submit(std::move(packaged));
    done.get();
}

} // namespace SharedChild::Detail
