// SPDX-License-Identifier: MIT
#include "waiter.h"

#include "blockingwatcher.h"

#include <sharedchild/exitwatcher.h>

#include <QCoreApplication>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

namespace SharedChild::QtDetail::Waiter {

namespace {

using Clock = std::chrono::steady_clock;

void killNow(const Run &run, bool wholeGroup)
{
    try {
        if (wholeGroup)
            run.child()->killProcessGroup(Child::killSignal);
        else
            run.child()->kill();
    } catch (const std::system_error &) {
        // Nothing to report to: stop() returned long ago.
    }
}

// The child's status, read once the exit watcher has seen it exit, goes to
// the run. Only when the read fails (ENOMEM) does a thread of its own take
// over, which tries again without holding up the other children.
void deliverExit(const std::shared_ptr<Run> &run)
{
    const auto outcome = observeOutcome(*run->child(), [&run] { return run->child()->tryWait(); });
    if (outcome) {
        run->deliver(*outcome);
        return;
    }
    try {
        watchWithBlockingThread(run);
    } catch (const std::system_error &) {
        qWarning("SharedChildProcess (pid %lld): cannot watch the child any more",
                 static_cast<long long>(run->child()->id()));
    }
}

// The waiter thread runs no Qt event loop: it runs the core's exit watcher's
// loop (epoll_wait on Linux) and keeps its own few deadlines, so an exit
// reaches it without a trip through an event dispatcher.
class WaiterThread final : public QThread
{
public:
    WaiterThread()
    {
        setObjectName(QStringLiteral("SharedChild waiter"));
        start();
        // At the process limit the thread may not start (QThread only warns).
        if (!isRunning())
            throw std::system_error(EAGAIN, std::generic_category(),
                                    "cannot start the SharedChild waiter thread");
    }

    ~WaiterThread() override
    {
        // Children still watched go to the core, which reaps them once they exit.
        {
            std::lock_guard lock(m_mutex);
            m_quit = true;
        }
        m_exits.wake();
        wait();
        // run() let go of the mutex after its last use of our members. Taking
        // it orders that use before their destruction in a way ThreadSanitizer
        // can see; QThread::wait() uses a lock it cannot see.
        std::vector<PendingKill> pending;
        {
            const std::lock_guard lock(m_mutex);
            pending.swap(m_kills);
        }
        // Nobody keeps these deadlines from now on: stop() promised the
        // SIGKILL, so it comes early rather than never.
        for (const PendingKill &kill : pending) {
            if (const auto run = kill.run.lock())
                killNow(*run, kill.wholeGroup);
        }
    }

    WaiterThread(const WaiterThread &) = delete;
    WaiterThread &operator=(const WaiterThread &) = delete;

    void watch(const std::shared_ptr<Run> &run)
    {
        // The watcher already falls back to a thread of its own where the OS
        // refuses a watch; what it throws (EAGAIN: no thread) goes to start().
        m_exits.watch(run->child(), [run](const std::shared_ptr<Child> &) { deliverExit(run); });
        if (run->watchStops) {
            {
                std::lock_guard lock(m_mutex);
                m_stopWatched.push_back(run);
            }
            m_exits.wake();
        }
    }

    void killAfter(const std::shared_ptr<Run> &run, int msecs, bool wholeGroup)
    {
        {
            std::lock_guard lock(m_mutex);
            m_kills.push_back({Clock::now() + std::chrono::milliseconds(msecs), run, wholeGroup});
        }
        m_exits.wake();
    }

    void hold(const std::shared_ptr<Run> &run) { m_exits.hold(*run->child()); }
    // A recorded outcome needs no callback any more.
    void release(const std::shared_ptr<Run> &run, bool recorded)
    {
        if (recorded)
            m_exits.unwatch(*run->child());
        else
            m_exits.release(*run->child());
    }

protected:
    void run() override
    {
        for (;;) {
            int timeout = -1;
            {
                std::lock_guard lock(m_mutex);
                if (m_quit)
                    break;
                timeout = msecsUntilNextDeadlineLocked();
            }
            m_exits.waitOnce(timeout < 0 ? std::nullopt
                                         : std::optional(std::chrono::milliseconds(timeout)));
            killWhenDue();
            pollStopsWhenDue();
        }
        // A child that exited before the quit still gets its outcome (and a
        // future's continuation its run), even when this thread was only
        // scheduled after the quit was asked for.
        m_exits.waitOnce(std::chrono::milliseconds(0));
        // The destructor takes the mutex after wait(): taking it here last
        // orders the pass above before the watcher's destruction in a way
        // ThreadSanitizer sees (it cannot see QThread::wait()'s lock).
        const std::lock_guard lastUse(m_mutex);
    }

private:
    struct PendingKill
    {
        Clock::time_point at;
        std::weak_ptr<Run> run;
        bool wholeGroup = false;
    };

    int msecsUntilNextDeadlineLocked() const
    {
        std::optional<Clock::time_point> next;
        for (const PendingKill &kill : m_kills)
            next = next ? std::min(*next, kill.at) : kill.at;
        if (!m_stopWatched.empty())
            next = next ? std::min(*next, m_nextStopPoll) : m_nextStopPoll;
        if (!next)
            return -1;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now());
        return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
    }

    void killWhenDue()
    {
        std::vector<PendingKill> due;
        {
            std::lock_guard lock(m_mutex);
            const auto now = Clock::now();
            // Kills of runs that are gone go as well, so the list cannot grow
            // with stop() calls on short-lived children.
            const auto firstDue
                    = std::partition(m_kills.begin(), m_kills.end(), [now](const auto &kill) {
                          return kill.at > now && !kill.run.expired();
                      });
            due.assign(std::make_move_iterator(firstDue), std::make_move_iterator(m_kills.end()));
            m_kills.erase(firstDue, m_kills.end());
        }
        for (const PendingKill &kill : due) {
            if (const auto run = kill.run.lock())
                killNow(*run, kill.wholeGroup);
        }
    }

    void pollStopsWhenDue()
    {
        std::vector<std::weak_ptr<Run>> watched;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopWatched.empty() || Clock::now() < m_nextStopPoll)
                return;
            m_nextStopPoll = Clock::now() + std::chrono::milliseconds(stopPollMsecs);
            watched.swap(m_stopWatched);
        }
        std::erase_if(watched, [](const std::weak_ptr<Run> &weakRun) {
            const auto run = weakRun.lock();
            if (!run || run->hasOutcome())
                return true;
            const std::optional<int> stop = run->child()->stopped();
            if (stop != run->reportedStop) {
                run->reportedStop = stop;
                run->reportStop(stop);
            }
            return false;
        });
        std::lock_guard lock(m_mutex);
        m_stopWatched.insert(m_stopWatched.end(), watched.begin(), watched.end());
    }

    ExitWatcher m_exits{ExitWatcher::LoopThread::Caller};
    std::mutex m_mutex; // lock order: see src/LOCKING.md
    bool m_quit = false; // guarded by m_mutex
    std::vector<PendingKill> m_kills; // guarded by m_mutex
    std::vector<std::weak_ptr<Run>> m_stopWatched; // guarded by m_mutex
    Clock::time_point m_nextStopPoll; // guarded by m_mutex
};

// Lock order: see src/LOCKING.md. instanceMutex is never held while the
// waiter thread is joined: a continuation running on that thread may call
// back into the library (stop(), wait()) and take it.
std::mutex instanceMutex;
WaiterThread *instance = nullptr; // guarded by instanceMutex
// True while shutdown() stops the thread: nothing may start another one then.
bool shuttingDown = false; // guarded by instanceMutex

void shutdown()
{
    WaiterThread *stopping = nullptr;
    {
        std::lock_guard lock(instanceMutex);
        stopping = std::exchange(instance, nullptr);
        shuttingDown = true;
    }
    delete stopping;
    // A QCoreApplication made after this one starts a waiter of its own.
    std::lock_guard lock(instanceMutex);
    shuttingDown = false;
}

// Callers hold instanceMutex for as long as they use the instance, so that
// shutdown() cannot take it from under them. Null while shutting down.
WaiterThread *waiterThreadLocked()
{
    if (!instance && !shuttingDown) {
        instance = new WaiterThread;
        // Stop before Qt's own globals go away, not in static destruction.
        qAddPostRoutine(shutdown);
    }
    return instance;
}

} // namespace

void watch(const std::shared_ptr<Run> &run)
{
    std::lock_guard lock(instanceMutex);
    WaiterThread *waiter = waiterThreadLocked();
    if (!waiter)
        throw std::system_error(ECANCELED, std::generic_category(),
                                "the application is shutting down");
    waiter->watch(run);
}

void killAfter(const std::shared_ptr<Run> &run, int msecs, bool wholeGroup)
{
    {
        std::lock_guard lock(instanceMutex);
        if (WaiterThread *waiter = waiterThreadLocked()) {
            waiter->killAfter(run, msecs, wholeGroup);
            return;
        }
    }
    killNow(*run, wholeGroup); // as the stopping waiter does with the deadlines it had
}

// A run exists only once watch() has started the waiter thread; after the
// application's shutdown there is nothing left to hold.
BlockingWait::BlockingWait(std::shared_ptr<Run> run) : m_run(std::move(run))
{
    // A finished run is no longer watched: waits on it return at once.
    if (m_run->hasOutcome()) {
        m_run.reset();
        return;
    }
    std::lock_guard lock(instanceMutex);
    if (instance)
        instance->hold(m_run);
}

BlockingWait::~BlockingWait()
{
    if (!m_run)
        return;
    // Read before taking any lock: the run's lock is never taken inside ours.
    const bool recorded = m_run->hasOutcome();
    std::lock_guard lock(instanceMutex);
    if (instance)
        instance->release(m_run, recorded);
}

} // namespace SharedChild::QtDetail::Waiter
