// SPDX-License-Identifier: MIT
#include "waitingthread.h"

#include "clock.h"

#include <QFile>
#include <QtGlobal>

#include <chrono>
#include <unistd.h>

namespace Bench {

WaitingThread::WaitingThread() : m_thread([this] { run(); })
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_tid != 0; });
}

WaitingThread::~WaitingThread()
{
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

void WaitingThread::run()
{
    std::unique_lock lock(m_mutex);
    m_tid = ::gettid();
    m_changed.notify_all();
    for (;;) {
        m_changed.wait(lock, [this] { return m_quit || m_job; });
        if (m_quit)
            return;
        const std::function<void()> job = std::move(m_job);
        m_job = nullptr;
        m_running = true;
        m_changed.notify_all();
        lock.unlock();
        job();
        const std::int64_t returnedAt = nowNs(); // before anything else can delay it
        lock.lock();
        m_running = false;
        m_returned = true;
        m_returnedAt = returnedAt;
        m_changed.notify_all();
    }
}

// The third field of /proc/self/task/TID/stat: 'R' running, 'S' asleep, ...
char WaitingThread::schedulerState() const
{
    QFile file(QStringLiteral("/proc/self/task/%1/stat").arg(m_tid));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the waiting thread's state");
    const QByteArray stat = file.readAll();
    const qsizetype afterName = stat.lastIndexOf(')');
    return afterName >= 0 && afterName + 2 < stat.size() ? stat.at(afterName + 2) : '?';
}

void WaitingThread::begin(std::function<void()> wait)
{
    {
        std::unique_lock lock(m_mutex);
        m_returned = false;
        m_job = std::move(wait);
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_running || m_returned; });
    }
    // Asleep, and then a margin: the thread may have been caught between the
    // job hand-over and its wait system call.
    while (schedulerState() != 'S')
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    std::this_thread::sleep_for(std::chrono::microseconds(500));
}

std::int64_t WaitingThread::end()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_returned; });
    return m_returnedAt;
}

} // namespace Bench
