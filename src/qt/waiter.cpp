// SPDX-License-Identifier: MIT
#include "waiter.h"

#include "exitwatcher.h"

#include <QCoreApplication>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <functional>
#include <mutex>
#include <system_error>
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
        // At the process limit the thread may not start (QThread only warns),
        // and the blocking call below would then never return.
        if (!m_thread.isRunning())
            throw std::system_error(EAGAIN, std::generic_category(),
                                    "cannot start the SharedChild waiter thread");
        // The watcher's notifier must be created in the thread that polls it.
        QMetaObject::invokeMethod(
                &m_context,
                [this] {
                    std::lock_guard lock(m_descriptorsMutex);
                    m_descriptors = createDescriptorWatcher(&m_context);
                },
                Qt::BlockingQueuedConnection);
    }

    ~WaiterThread()
    {
        // Children still watched go to the core, which reaps them once they exit.
        QMetaObject::invokeMethod(
                &m_context,
                [this] {
                    std::lock_guard lock(m_descriptorsMutex);
                    m_stopPoll.reset();
                    m_descriptors.reset();
                },
                Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        // The waiter thread let go of the mutex after its last use of our
        // members. Taking it orders that use before their destruction in a way
        // ThreadSanitizer can see; the waits above use locks it cannot see.
        const std::lock_guard lock(m_descriptorsMutex);
    }

    WaiterThread(const WaiterThread &) = delete;
    WaiterThread &operator=(const WaiterThread &) = delete;

    void watch(const std::shared_ptr<Run> &run)
    {
        bool watched = false;
        {
            std::lock_guard lock(m_descriptorsMutex);
            watched = m_descriptors && run->child()->pollDescriptor() >= 0
                    && m_descriptors->add(run);
        }
        if (!watched)
            watchWithBlockingThread(run);
        if (run->watchStops)
            post([this, weakRun = std::weak_ptr<Run>(run)] { addStopWatch(weakRun); });
    }

    void hold(const std::shared_ptr<Run> &run)
    {
        std::lock_guard lock(m_descriptorsMutex);
        if (m_descriptors)
            m_descriptors->hold(run);
    }

    void release(const std::shared_ptr<Run> &run)
    {
        std::lock_guard lock(m_descriptorsMutex);
        if (m_descriptors)
            m_descriptors->release(run);
    }

    void killAfter(const std::shared_ptr<Run> &run, int msecs, bool wholeGroup)
    {
        post([this, msecs, wholeGroup, weakRun = std::weak_ptr<Run>(run)] {
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
        });
    }

private:
    // Runs `task` in the waiter thread. The task travels in a list guarded by
    // a std::mutex, not in the posted functor: that orders everything the
    // caller did before it (e.g. creating the Run) before the task in a way
    // ThreadSanitizer can see. It cannot see Qt's event queue.
    void post(std::function<void()> task)
    {
        {
            std::lock_guard lock(m_inboxMutex);
            m_inbox.push_back(std::move(task));
        }
        QMetaObject::invokeMethod(
                &m_context, [this] { runInbox(); }, Qt::QueuedConnection);
    }

    void runInbox()
    {
        std::vector<std::function<void()>> tasks;
        {
            std::lock_guard lock(m_inboxMutex);
            tasks.swap(m_inbox);
        }
        for (const auto &task : tasks)
            task();
    }

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
    // Created and destroyed in m_thread, used by every thread in watch(). The
    // mutex orders those steps; BlockingQueuedConnection alone would too, but
    // its semaphore is invisible to ThreadSanitizer.
    std::mutex m_descriptorsMutex;
    std::unique_ptr<DescriptorWatcher> m_descriptors; // guarded by m_descriptorsMutex
    std::mutex m_inboxMutex;
    std::vector<std::function<void()>> m_inbox; // guarded by m_inboxMutex
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

// A run exists only once watch() has started the waiter thread; after the
// application's shutdown there is nothing left to hold.
BlockingWait::BlockingWait(std::shared_ptr<Run> run) : m_run(std::move(run))
{
    std::lock_guard lock(instanceMutex);
    if (instance)
        instance->hold(m_run);
}

BlockingWait::~BlockingWait()
{
    std::lock_guard lock(instanceMutex);
    if (instance)
        instance->release(m_run);
}

} // namespace SharedChild::QtDetail::Waiter
