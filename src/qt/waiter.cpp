// SPDX-License-Identifier: MIT
#include "waiter.h"

#include "exitwatcher.h"

#include <QCoreApplication>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <mutex>
#include <vector>

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
                &m_context,
                [this] {
                    m_stopPoll.reset();
                    m_descriptors.reset();
                },
                Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    WaiterThread(const WaiterThread &) = delete;
    WaiterThread &operator=(const WaiterThread &) = delete;

    void watch(const std::shared_ptr<Run> &run)
    {
        if (!m_descriptors || run->child()->pollDescriptor() < 0 || !m_descriptors->add(run))
            watchWithBlockingThread(run);
        if (run->watchStops) {
            QMetaObject::invokeMethod(
                    &m_context,
                    [this, weakRun = std::weak_ptr<Run>(run)] { addStopWatch(weakRun); },
                    Qt::QueuedConnection);
        }
    }

    void killAfter(const std::shared_ptr<Run> &run, int msecs, bool wholeGroup)
    {
        QMetaObject::invokeMethod(
                &m_context,
                [this, msecs, wholeGroup, weakRun = std::weak_ptr<Run>(run)] {
                    QTimer::singleShot(msecs, Qt::PreciseTimer, &m_context, [weakRun, wholeGroup] {
                        if (const auto run = weakRun.lock()) {
                            try {
                                if (wholeGroup)
                                    run->child()->killProcessGroup(SIGKILL);
                                else
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
    // Waiter thread only, like everything below.
    void addStopWatch(const std::weak_ptr<Run> &run)
    {
        m_stopWatched.push_back(run);
        if (!m_stopPoll) {
            m_stopPoll = std::make_unique<QTimer>();
            m_stopPoll->setInterval(stopPollMsecs);
            QObject::connect(m_stopPoll.get(), &QTimer::timeout, &m_context,
                             [this] { pollStops(); });
        }
        m_stopPoll->start();
    }

    void pollStops()
    {
        std::erase_if(m_stopWatched, [](const std::weak_ptr<Run> &weakRun) {
            const auto run = weakRun.lock();
            if (!run || run->outcome())
                return true;
            const std::optional<int> stop = run->child()->stopped();
            if (stop != run->reportedStop) {
                run->reportedStop = stop;
                run->reportStop(stop);
            }
            return false;
        });
        if (m_stopWatched.empty())
            m_stopPoll->stop();
    }

    QThread m_thread;
    QObject m_context; // lives in m_thread
    std::unique_ptr<DescriptorWatcher> m_descriptors; // used in m_thread
    std::vector<std::weak_ptr<Run>> m_stopWatched;
    std::unique_ptr<QTimer> m_stopPoll;
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

void killAfter(const std::shared_ptr<Run> &run, int msecs, bool wholeGroup)
{
    waiterThread().killAfter(run, msecs, wholeGroup);
}

} // namespace SharedChild::QtDetail::Waiter
