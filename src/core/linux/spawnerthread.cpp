// SPDX-License-Identifier: MIT
#include "spawnerthread.h"

#include "../librarythread.h"

#include <condition_variable>
#include <csignal>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
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
        keepSignalsAwayFromThisThread();
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
    // A spawn error comes back as a value and is thrown anew in this thread:
    // an exception object shared through the future would be freed by
    // whichever thread lets go of it last, ordered only by libstdc++'s own
    // reference count, which ThreadSanitizer cannot see.
    std::optional<std::error_code> errorCode;
    std::string errorText;
    std::packaged_task<void()> packaged([&task, &errorCode, &errorText] {
        try {
            task();
        } catch (const std::system_error &error) {
            errorCode = error.code();
            errorText = error.what();
        }
    });
    std::future<void> done = packaged.get_future();
    spawner->submit(std::move(packaged));
    done.get();
    if (!errorCode)
        return;
    // what() is "<text>: <the code's message>"; the new exception says the same.
    const std::string suffix = ": " + errorCode->message();
    if (errorText.size() >= suffix.size()
        && errorText.compare(errorText.size() - suffix.size(), suffix.size(), suffix) == 0)
        errorText.resize(errorText.size() - suffix.size());
    throw std::system_error(*errorCode, errorText);
}

} // namespace SharedChild::Detail
