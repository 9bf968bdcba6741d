// SPDX-License-Identifier: MIT
#include "waiter.h"

#include "exitwatcher.h"

#include <QCoreApplication>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <mutex>

namespace SharedChild::QtDetail::Waiter {

namespace {

class WaiterThread
{
public:
    WaiterThread()
    {
        m_thread.setObjectName(QStringLiteral("SharedChild waiter"));
        m_context.moveToThread(&m_thread);
        m_thread.start();
        // The watcher's notifier must be created in the thread that polls it.
        QMetaObject::invokeMethod(
                &m_context, [this] { m_descriptors = createDescriptorWatcher(&m_context); },
                Qt::BlockingQueuedConnection);
    }

    ~WaiterThread()
    {
        // Children still watched go to the core, which reaps them once they exit.
        QMetaObject::invokeMethod(
                &m_context, [this] { m_descriptors.reset(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    WaiterThread(const WaiterThread &) = delete;
    WaiterThread &operator=(const WaiterThread &) = delete;

    void watch(const std::shared_ptr<Run> &run)
    {
        if (!m_descriptors || run->child()->pollDescriptor() < 0 || !m_descriptors->add(run))
            watchWithBlockingThread(run);
    }

    void killAfter(const std::shared_ptr<Run> &run, int msecs)
    {
        QMetaObject::invokeMethod(
                &m_context,
                [this, msecs, weakRun = std::weak_ptr<Run>(run)] {
                    QTimer::singleShot(msecs, Qt::PreciseTimer, &m_context, [weakRun] {
                        if (const auto run = weakRun.lock()) {
                            try {
                                run->child()->kill();
                            } catch (const std::system_error &) {
                                // Nothing to report to: stop() returned long ago.
                            }
                        }
                    });
                },
                Qt::QueuedConnection);
    }

private:
    QThread m_thread;
    QObject m_context; // lives in m_thread
    std::unique_ptr<DescriptorWatcher> m_descriptors; // used in m_thread
};

std::mutex instanceMutex;
WaiterThread *instance = nullptr; // guarded by instanceMutex

void shutdown()
{
    std::lock_guard lock(instanceMutex);
    delete instance;
    instance = nullptr;
}

WaiterThread &waiterThread()
{
    std::lock_guard lock(instanceMutex);
    if (!instance) {
        instance = new WaiterThread;
        // Stop before Qt's own globals go away, not in static destruction.
        qAddPostRoutine(shutdown);
    }
    return *instance;
}

} // namespace

void watch(const std::shared_ptr<Run> &run)
{
    waiterThread().watch(run);
}

void killAfter(const std::shared_ptr<Run> &run, int msecs)
{
    waiterThread().killAfter(run, msecs);
}

} // namespace SharedChild::QtDetail::Waiter
