// SPDX-License-Identifier: MIT
// ExitWatcher, from its contract (include/sharedchild/exitwatcher.h): each
// watched child's callback runs exactly once, on the loop's thread, once the
// child has exited or its status was lost; unwatch(), hold()/release(), the
// caller's own loop (waitOnce(), wake()), and destruction, also from inside a
// callback, with nothing left behind.
//
// SHAREDCHILD_WATCHER_CHILDREN sets how many children ManyChildrenOneWatcher
// keeps alive at once (default 10000; Windows 1000; fewer under sanitizers).

#include "testsupport.h"

#include <sharedchild/child.h>
#include <sharedchild/exitwatcher.h>
#include <sharedchild/filedescriptor.h>
#include <sharedchild/stdio.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>

#ifndef _WIN32
#include "processcensus.h"

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#endif

using namespace SharedChild;
using namespace SharedChildTest;
using Loop = ExitWatcher::LoopThread;
using Clock = std::chrono::steady_clock;

namespace {

// What one child's callback saw. Shared with the callback (a shared_ptr), so
// that a callback running when it must not is still caught, not a crash.
struct Record
{
    std::atomic<int> calls{0};
    std::mutex mutex;
    std::thread::id thread; // the thread of the last call
    std::optional<ExitStatus> status; // what tryWait() returned in the callback
    std::optional<std::error_code> error; // what tryWait() threw instead

    int callCount() const { return calls.load(); }
    std::optional<ExitStatus> statusSeen()
    {
        const std::lock_guard lock(mutex);
        return status;
    }
    std::optional<std::error_code> errorSeen()
    {
        const std::lock_guard lock(mutex);
        return error;
    }
    std::thread::id threadSeen()
    {
        const std::lock_guard lock(mutex);
        return thread;
    }
};

// tryWait() on the child, as the callback sees it; never throws (a callback must not).
void recordCall(Record &record, Child &child)
{
    std::optional<ExitStatus> status;
    std::optional<std::error_code> error;
    try {
        status = child.tryWait();
    } catch (const std::system_error &caught) {
        error = caught.code();
    }
    {
        const std::lock_guard lock(record.mutex);
        record.thread = std::this_thread::get_id();
        record.status = status;
        record.error = error;
    }
    ++record.calls; // last: a test that sees the count sees the rest
}

ExitWatcher::Callback recordInto(const std::shared_ptr<Record> &record)
{
    return [record](const std::shared_ptr<Child> &child) { recordCall(*record, *child); };
}

// Children that block reading one pipe until the test opens the gate (closes
// the pipe's write end): alive for as long as the test needs, then they all
// exit with 0 at once.
class Gate
{
public:
    Gate() : m_pipe(makePipe()) { }
    Command command() const
    {
        Command command = helper({"echo"});
        command.setStdin(Stdio::descriptor(m_pipe.readEnd.get()));
        command.setStdout(Stdio::null());
        return command;
    }
    std::shared_ptr<Child> spawn() const { return spawnRetryingWineInternalError(command()); }
    /// Lets every child exit; no child can be spawned through the gate afterwards.
    void open()
    {
        m_pipe.writeEnd.close();
        m_pipe.readEnd.close();
    }

private:
    Pipe m_pipe;
};

// A gated child, watched, and what its callback sees.
struct GatedChild
{
    GatedChild(ExitWatcher &watcher, const Gate &gate)
        : child(gate.spawn()), record(std::make_shared<Record>())
    {
        watcher.watch(child, recordInto(record));
    }
    std::shared_ptr<Child> child;
    std::shared_ptr<Record> record;
};

// A child that has exited and been reaped: watching it, the callback is due at once.
std::shared_ptr<Child> exitedChild(int code = 0)
{
    auto child = spawnRetryingWineInternalError(helper({"exit", std::to_string(code)}));
    child->wait();
    return child;
}

// Watches a child that has exited already and waits for its callback: the
// loop (LoopThread::Own) has made a pass since, so a callback that was due
// before this call, and must not run, has had its chance to run wrongly.
bool loopPassed(ExitWatcher &watcher)
{
    auto record = std::make_shared<Record>();
    watcher.watch(exitedChild(), recordInto(record));
    return pollUntil([&] { return record->callCount() == 1; });
}

// What this process holds: descriptors, threads, child processes.
struct Census
{
    int fds = 0;
    int threads = 0;
    std::size_t children = 0;

    static Census take() { return {openFdCount(), threadCount(), childProcesses().size()}; }
    std::string toString() const
    {
        return "fds " + std::to_string(fds) + ", threads " + std::to_string(threads) + ", children "
                + std::to_string(children);
    }
};

// Starts what the library starts once and keeps for the life of the program
// (the spawner thread, the background reaper) and what a first watcher sets
// up, so that a census taken afterwards counts only what a test leaves behind.
Census warmedUpCensus()
{
    exitedChild();
    {
        auto dropped = spawnRetryingWineInternalError(helper({"exit", "0"}));
        const auto pid = static_cast<pid_t>(dropped->id());
        awaitExitWithoutReaping(pid);
        dropped.reset(); // reaped in the background
        EXPECT_TRUE(pollUntil([pid] { return !isChildProcess(pid); }));
    }
    {
        ExitWatcher watcher;
        EXPECT_TRUE(loopPassed(watcher));
    }
    {
        ExitWatcher watcher(Loop::Caller);
        auto record = std::make_shared<Record>();
        watcher.watch(exitedChild(), recordInto(record));
        while (record->callCount() == 0 && watcher.waitOnce(generousTimeout) > 0) { }
    }
    {
        // googletest on Windows starts a thread, and opens a handle to the
        // calling thread, the first time a thread keeps a trace.
        SCOPED_TRACE("warming up");
    }
    return Census::take();
}

// What each open descriptor is, for a failure to name (POSIX: /proc).
std::string descriptorTargets()
{
    std::string targets;
#ifndef _WIN32
    for (const int fd : openFds()) {
        std::error_code error;
        const auto target
                = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), error);
        targets += "; fd " + std::to_string(fd) + " " + (error ? "?" : target.string());
    }
#endif
    return targets;
}

// Waits until the process holds no more than `baseline` (children and
// threads that the library lets go of in the background take a moment).
void expectNothingLeftSince(const Census &baseline)
{
    Census now;
    const bool clean = pollUntil([&] {
        now = Census::take();
        return now.fds == baseline.fds && now.threads <= baseline.threads
                && now.children == baseline.children;
    });
    EXPECT_TRUE(clean) << "left behind: " << now.toString() << " (before: " << baseline.toString()
                       << ")" << descriptorTargets();
}

// waitOnce() on another thread, so that a call that blocks when it must not
// fails the test instead of hanging it: past `deadline` the watcher is woken.
struct TimedWaitOnce
{
    std::optional<std::size_t> ran; // empty: did not return by the deadline
    Clock::duration took{};
};
TimedWaitOnce timedWaitOnce(ExitWatcher &watcher, std::optional<std::chrono::milliseconds> timeout,
                            std::chrono::milliseconds deadline = generousTimeout)
{
    const auto start = Clock::now();
    auto call = runDetached([&watcher, timeout] { return watcher.waitOnce(timeout); });
    if (call.wait_for(deadline) != std::future_status::ready) {
        watcher.wake(); // so that the thread lets go of the watcher
        call.wait();
        return {};
    }
    return {call.get(), Clock::now() - start};
}

// Runs LoopThread::Caller's loop until `done` holds (or a generous deadline
// passes), checking that each waitOnce() returns how many callbacks it ran.
bool runLoopUntil(ExitWatcher &watcher, const std::function<int()> &callbacksRun,
                  const std::function<bool()> &done)
{
    const auto deadline = Clock::now() + generousTimeout;
    while (!done()) {
        if (Clock::now() >= deadline)
            return false;
        const int before = callbacksRun();
        const std::size_t ran = watcher.waitOnce(100ms);
        EXPECT_EQ(static_cast<int>(ran), callbacksRun() - before)
                << "waitOnce() did not return how many callbacks it ran";
    }
    return true;
}

std::optional<std::error_code> watchError(ExitWatcher &watcher, std::shared_ptr<Child> child,
                                          ExitWatcher::Callback callback)
{
    const auto error
            = systemErrorFrom([&] { watcher.watch(std::move(child), std::move(callback)); });
    return error ? std::optional(error->code()) : std::nullopt;
}

// How many children ManyChildrenOneWatcher keeps alive at once.
int manyChildren()
{
    if (const char *text = std::getenv("SHAREDCHILD_WATCHER_CHILDREN")) {
        const int requested = std::atoi(text);
        if (requested > 0)
            return requested;
    }
#if defined(_WIN32)
    return 1000; // every spawn goes through Wine's one wineserver
#elif defined(__SANITIZE_THREAD__)
    // ThreadSanitizer dies past 8128 threads alive at once (the waitid
    // backend keeps a thread per watched child), and spawns slow down with
    // every thread: 3000 took 32 s on either backend, twice what 2000 take.
    return 2000;
#elif defined(__SANITIZE_ADDRESS__)
    return 500; // instrumented children are slow to start
#else
    return 10000;
#endif
}

#ifndef _WIN32
// Raises the soft RLIMIT_NOFILE to the hard limit for the test's lifetime:
// the pidfd backend holds a descriptor per child.
class RaisedDescriptorLimit
{
public:
    RaisedDescriptorLimit()
    {
        ::getrlimit(RLIMIT_NOFILE, &m_saved);
        rlimit raised = m_saved;
        raised.rlim_cur = raised.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &raised);
    }
    ~RaisedDescriptorLimit() { ::setrlimit(RLIMIT_NOFILE, &m_saved); }
    RaisedDescriptorLimit(const RaisedDescriptorLimit &) = delete;
    RaisedDescriptorLimit &operator=(const RaisedDescriptorLimit &) = delete;

    rlim_t limit() const { return m_saved.rlim_max; }

private:
    rlimit m_saved{};
};

// Held while a test keeps thousands of children alive: ctest runs the suite
// once per backend, often both at once, and two such tests together would
// come close to pid_max (32768 by default) with the waitid backend's threads.
class ManyChildrenLock
{
public:
    ManyChildrenLock()
        : m_fd(::open("/tmp/sharedchild-many-children.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666))
    {
        while (m_fd >= 0 && ::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) { }
    }
    ~ManyChildrenLock()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    ManyChildrenLock(const ManyChildrenLock &) = delete;
    ManyChildrenLock &operator=(const ManyChildrenLock &) = delete;

private:
    int m_fd;
};

std::int64_t readNumber(const char *path)
{
    std::int64_t value = 0;
    std::ifstream(path) >> value;
    return value;
}

// How many children the machine's limits allow alive at once, with a margin:
// each may cost a descriptor (pidfd) and a thread (waitid) besides its PID,
// and PIDs (pid_max) and the user's tasks (RLIMIT_NPROC) count threads too.
int childrenTheLimitsAllow(rlim_t descriptorLimit)
{
    constexpr int margin = 1000;
    std::int64_t allowed = static_cast<std::int64_t>(descriptorLimit) - openFdCount() - margin;
    std::string loadavg; // "0.00 0.01 0.05 RUNNING/TASKS LASTPID"
    std::getline(std::ifstream("/proc/loadavg"), loadavg);
    const std::size_t slash = loadavg.find('/');
    const std::int64_t tasks = slash == std::string::npos ? 0 : std::atoll(&loadavg[slash + 1]);
    allowed = std::min(allowed, (readNumber("/proc/sys/kernel/pid_max") - tasks - margin) / 2);
    rlimit processes{};
    if (::getrlimit(RLIMIT_NPROC, &processes) == 0 && processes.rlim_cur != RLIM_INFINITY) {
        const std::int64_t ours = tasksOfUser(::getuid());
        allowed = std::min(allowed,
                           (static_cast<std::int64_t>(processes.rlim_cur) - ours - margin) / 2);
    }
    return static_cast<int>(std::max<std::int64_t>(allowed, 0));
}
#endif

} // namespace

// Many children alive at once on one watcher: every callback exactly once, all
// on the loop's one thread, and tryWait() there returns the status.
TEST(ExitWatcher, ManyChildrenOneWatcher)
{
    int count = manyChildren();
#ifndef _WIN32
    const ManyChildrenLock lock;
    const RaisedDescriptorLimit descriptors;
    const int allowed = childrenTheLimitsAllow(descriptors.limit());
    if (count > allowed) {
        std::cout << "ExitWatcher: " << count << " children do not fit this machine's limits"
                  << " (descriptors, pid_max, RLIMIT_NPROC): " << allowed << " instead\n";
        count = allowed;
    }
#endif
    ASSERT_GT(count, 0);
    const auto size = static_cast<std::size_t>(count);
    std::vector<std::atomic<int>> calls(size);
    std::atomic<int> callbacks{0};
    std::atomic<int> withoutStatus{0}; // callbacks whose tryWait() gave no success
    std::mutex threadsMutex;
    std::set<std::thread::id> threads;
    std::vector<std::int64_t> pids;
    pids.reserve(size);

    Gate gate;
    const Command command = gate.command();
    ExitWatcher watcher;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < size; ++i) {
        auto child = spawnRetryingWineInternalError(command);
        pids.push_back(child->id());
        watcher.watch(std::move(child), [&, i](const std::shared_ptr<Child> &exited) {
            ++calls[i];
            std::optional<ExitStatus> status;
            try {
                status = exited->tryWait();
            } catch (const std::system_error &) { }
            if (!status || !status->success())
                ++withoutStatus;
            {
                const std::lock_guard lock(threadsMutex);
                threads.insert(std::this_thread::get_id());
            }
            ++callbacks;
        });
    }
    const auto watched = Clock::now();
    EXPECT_EQ(watcher.watchedCount(), size);
    EXPECT_EQ(callbacks.load(), 0) << "a gated child exited before the gate opened";

    gate.open();
    const auto budget = std::max<std::chrono::milliseconds>(generousTimeout, count * 10ms);
    EXPECT_TRUE(pollUntil([&] { return callbacks.load() >= count; }, budget))
            << callbacks.load() << " callbacks of " << count;
    const auto delivered = Clock::now();
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(watcher.watchedCount(), 0u);
    const auto seconds = [](Clock::duration duration) {
        return std::chrono::duration<double>(duration).count();
    };
    std::cout << "ExitWatcher: " << count << " children spawned and watched in "
              << seconds(watched - start) << " s; all callbacks " << seconds(delivered - watched)
              << " s after the gate opened\n";

    EXPECT_EQ(callbacks.load(), count);
    EXPECT_EQ(withoutStatus.load(), 0) << "tryWait() in the callback gave no success status";
    int wrongCount = 0;
    for (std::size_t i = 0; i < size; ++i) {
        if (calls[i].load() != 1 && wrongCount++ < 10)
            ADD_FAILURE() << "child " << pids[i] << ": " << calls[i].load() << " callbacks";
    }
    EXPECT_EQ(wrongCount, 0) << "children whose callback did not run exactly once";
    {
        const std::lock_guard lock(threadsMutex);
        EXPECT_EQ(threads.size(), 1u) << "callbacks ran on more than one thread";
        EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u)
                << "a callback ran on the test's thread, not the loop's";
    }
    // tryWait() in each callback reaped its child: no zombie is left.
    EXPECT_TRUE(pollUntil([&] {
        return std::none_of(pids.begin(), pids.end(), [](std::int64_t pid) {
            return isChildProcess(static_cast<pid_t>(pid));
        });
    }));
}

TEST(ExitWatcher, ChildThatExitedBeforeWatchGetsItsCallback)
{
    ExitWatcher watcher;
    // Exited but not reaped (a zombie), and exited and reaped already.
    auto zombie = spawnRetryingWineInternalError(helper({"exit", "3"}));
    awaitExitWithoutReaping(zombie->id());
    const auto reaped = exitedChild(4);
    const auto zombieRecord = std::make_shared<Record>();
    const auto reapedRecord = std::make_shared<Record>();
    watcher.watch(zombie, recordInto(zombieRecord));
    watcher.watch(reaped, recordInto(reapedRecord));

    ASSERT_TRUE(pollUntil([&] { return zombieRecord->callCount() == 1; }));
    ASSERT_TRUE(pollUntil([&] { return reapedRecord->callCount() == 1; }));
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(zombieRecord->callCount(), 1);
    EXPECT_EQ(reapedRecord->callCount(), 1);
    ASSERT_TRUE(zombieRecord->statusSeen().has_value());
    EXPECT_EQ(zombieRecord->statusSeen()->exitCode(), 3);
    ASSERT_TRUE(reapedRecord->statusSeen().has_value());
    EXPECT_EQ(reapedRecord->statusSeen()->exitCode(), 4);
    EXPECT_NE(zombieRecord->threadSeen(), std::this_thread::get_id());
    EXPECT_EQ(watcher.watchedCount(), 0u);
    // Its callback has run: the watcher lets go of the child.
    const std::weak_ptr<Child> weak = zombie;
    zombie.reset();
    EXPECT_TRUE(pollUntil([&] { return weak.expired(); })) << "the watcher kept the child";
}

// The watcher does not reap (but on the waitid backend, whose waiting thread
// learns of the exit through Child::wait()): when the callback runs, the
// child is still unreaped, its PID reserved, so that the callback decides
// when it is freed, e.g. after killProcessGroup() on the rest of its group.
TEST(ExitWatcher, CallbackFindsTheChildUnreaped)
{
    for (const Loop loop : {Loop::Own, Loop::Caller}) {
        SCOPED_TRACE(loop == Loop::Own ? "LoopThread::Own" : "LoopThread::Caller");
        ExitWatcher watcher(loop);
        std::atomic<int> calls{0};
        std::atomic<KernelView> view{KernelView::Running};
        watcher.watch(spawnRetryingWineInternalError(helper({"exit", "0"})),
                      [&](const std::shared_ptr<Child> &child) {
                          view = kernelView(child->id());
                          ++calls;
                      });
        if (loop == Loop::Own) {
            ASSERT_TRUE(pollUntil([&] { return calls.load() == 1; }));
        } else {
            ASSERT_TRUE(runLoopUntil(
                    watcher, [&] { return calls.load(); }, [&] { return calls.load() == 1; }));
        }
        const KernelView expected = Child::backend() == Child::Backend::Waitid ? KernelView::Reaped
                                                                               : KernelView::Zombie;
        EXPECT_EQ(view.load(), expected) << "0: running, 1: unreaped, 2: reaped";
    }
}

// A callback must not throw: an exception leaving it ends the program, as
// one leaving a thread's function does, whichever thread runs the loop.
TEST(ExitWatcherDeathTest, ThrowingCallbackEndsTheProgram)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    for (const Loop loop : {Loop::Own, Loop::Caller}) {
        SCOPED_TRACE(loop == Loop::Own ? "LoopThread::Own" : "LoopThread::Caller");
        EXPECT_DEATH(
                {
                    ExitWatcher watcher(loop);
                    watcher.watch(exitedChild(), [](const std::shared_ptr<Child> &) {
                        throw std::runtime_error("thrown by a callback");
                    });
                    if (loop == Loop::Caller)
                        watcher.waitOnce(generousTimeout);
                    else
                        pollUntil([] { return false; });
                },
                "thrown by a callback");
    }
}

TEST(ExitWatcher, UnwatchedRunningChildNeverGetsItsCallback)
{
    ExitWatcher watcher;
    Gate gate;
    const GatedChild gated(watcher, gate);
    EXPECT_EQ(watcher.watchedCount(), 1u);
    EXPECT_TRUE(watcher.unwatch(*gated.child));
    EXPECT_EQ(watcher.watchedCount(), 0u);
    EXPECT_FALSE(watcher.unwatch(*gated.child)) << "unwatched twice";
    gate.open();
    EXPECT_TRUE(gated.child->wait().success());
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(gated.record->callCount(), 0) << "the callback of an unwatched child ran";

    // Once the callback ran, unwatch() says so; a child never watched as well.
    const auto exited = exitedChild();
    const auto exitedRecord = std::make_shared<Record>();
    watcher.watch(exited, recordInto(exitedRecord));
    ASSERT_TRUE(pollUntil([&] { return exitedRecord->callCount() == 1; }));
    EXPECT_FALSE(watcher.unwatch(*exited));
    EXPECT_FALSE(watcher.unwatch(*exitedChild()));
}

// watch() and unwatch() from several threads while the loop runs, racing the
// children's exits: unwatch() true means the callback never runs, false that
// it runs exactly once.
TEST(ExitWatcher, WatchAndUnwatchFromManyThreadsWhileTheLoopRuns)
{
    enum class Unwatch { Not, AtOnce, AfterExit };
    struct Entry
    {
        std::shared_ptr<Child> child;
        std::shared_ptr<Record> record = std::make_shared<Record>();
        Unwatch unwatch = Unwatch::Not;
        bool unwatched = false; // what unwatch() returned
    };
    constexpr int threadCount = 4;
    const int rounds = runsUnderWine() ? 15 : 60;
    std::vector<std::vector<Entry>> entries(threadCount);
    ExitWatcher watcher;
    Gate gate; // the children that outlive the race
    {
        std::vector<std::future<void>> threads;
        for (int t = 0; t < threadCount; ++t) {
            threads.push_back(runDetached([&, t] {
                for (int round = 0; round < rounds; ++round) {
                    Entry entry;
                    entry.unwatch = static_cast<Unwatch>((round + t) % 3);
                    entry.child = round % 4 == 0
                            ? gate.spawn()
                            : spawnRetryingWineInternalError(helper({"exit", "0"}));
                    watcher.watch(entry.child, recordInto(entry.record));
                    if (entry.unwatch == Unwatch::AfterExit && round % 4 != 0)
                        entry.child->wait(); // racing the loop's callback
                    if (entry.unwatch != Unwatch::Not)
                        entry.unwatched = watcher.unwatch(*entry.child);
                    entries[t].push_back(std::move(entry));
                }
            }));
        }
        for (auto &thread : threads) {
            ASSERT_EQ(thread.wait_for(generousTimeout * 4), std::future_status::ready);
            thread.get(); // rethrows what watch() or spawn() threw
        }
    }
    gate.open();
    for (const auto &list : entries)
        for (const Entry &entry : list)
            EXPECT_TRUE(entry.child->wait().success());
    // Every exit is known to the loop now; what has not run by the next pass must not.
    for (const auto &list : entries) {
        for (const Entry &entry : list) {
            if (!entry.unwatched) {
                EXPECT_TRUE(pollUntil([&] { return entry.record->callCount() >= 1; }))
                        << "no callback for child " << entry.child->id();
            }
        }
    }
    ASSERT_TRUE(loopPassed(watcher));
    int unwatchedInTime = 0;
    for (const auto &list : entries) {
        for (const Entry &entry : list) {
            unwatchedInTime += entry.unwatched ? 1 : 0;
            EXPECT_EQ(entry.record->callCount(), entry.unwatched ? 0 : 1)
                    << "child " << entry.child->id() << ", unwatch() returned " << entry.unwatched;
            if (entry.unwatch == Unwatch::Not) {
                EXPECT_FALSE(entry.unwatched);
            }
        }
    }
    EXPECT_GT(unwatchedInTime, 0) << "unwatch() never returned true, not even for running children";
    EXPECT_EQ(watcher.watchedCount(), 0u);
}

TEST(ExitWatcher, WatchAndUnwatchFromInsideACallback)
{
    ExitWatcher watcher;
    Gate gate;
    const auto trigger = exitedChild();
    const auto running = gate.spawn(); // unwatched by the callback: never called
    const auto exited = exitedChild(5); // watched by the callback: called
    const auto later = gate.spawn(); // watched by the callback, exits afterwards: called
    const auto runningRecord = std::make_shared<Record>();
    const auto exitedRecord = std::make_shared<Record>();
    const auto laterRecord = std::make_shared<Record>();
    watcher.watch(running, recordInto(runningRecord));

    struct Inside
    {
        std::atomic<bool> done{false};
        bool unwatchedItself = true;
        bool unwatchedRunning = false;
        std::optional<std::error_code> watchError;
    };
    const auto inside = std::make_shared<Inside>();
    watcher.watch(trigger, [&, inside](const std::shared_ptr<Child> &child) {
        inside->unwatchedItself = watcher.unwatch(*child);
        inside->unwatchedRunning = watcher.unwatch(*running);
        inside->watchError = watchError(watcher, exited, recordInto(exitedRecord));
        if (!inside->watchError)
            inside->watchError = watchError(watcher, later, recordInto(laterRecord));
        inside->done = true;
    });
    ASSERT_TRUE(pollUntil([&] { return inside->done.load(); }));
    EXPECT_FALSE(inside->unwatchedItself) << "unwatch() of the child whose callback runs";
    EXPECT_TRUE(inside->unwatchedRunning);
    ASSERT_FALSE(inside->watchError) << inside->watchError->message();

    ASSERT_TRUE(pollUntil([&] { return exitedRecord->callCount() == 1; }));
    ASSERT_TRUE(exitedRecord->statusSeen().has_value());
    EXPECT_EQ(exitedRecord->statusSeen()->exitCode(), 5);
    EXPECT_EQ(laterRecord->callCount(), 0);
    gate.open();
    ASSERT_TRUE(pollUntil([&] { return laterRecord->callCount() == 1; }));
    EXPECT_TRUE(running->wait().success());
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(runningRecord->callCount(), 0);
    EXPECT_EQ(exitedRecord->callCount(), 1);
    EXPECT_EQ(laterRecord->callCount(), 1);
    EXPECT_EQ(watcher.watchedCount(), 0u);
}

// Destroying a watcher that still watches running children: no callback
// afterwards, and the children are not killed: they run on, and once they exit
// they are reaped (the watcher held the last reference to most of them).
void destroyWithChildrenRunning(Loop loop)
{
    Gate gate;
    const auto record = std::make_shared<Record>();
    std::vector<pid_t> pids;
    std::shared_ptr<Child> kept; // the one child the test keeps a reference to
    auto watcher = std::make_unique<ExitWatcher>(loop);
    for (int i = 0; i < 5; ++i) {
        auto child = gate.spawn();
        pids.push_back(static_cast<pid_t>(child->id()));
        watcher->watch(child, recordInto(record));
        if (i == 0)
            kept = std::move(child);
    }
    // One that exited already: its callback is due but has not run (Caller).
    watcher->watch(exitedChild(), recordInto(record));
    if (loop == Loop::Own) {
        EXPECT_TRUE(pollUntil([&] { return record->callCount() == 1; }));
    }
    // Caller: the exited child's callback has not run, so it is still watched.
    EXPECT_EQ(watcher->watchedCount(), loop == Loop::Own ? 5u : 6u);

    auto destroyed = runDetached([&watcher] { watcher.reset(); });
    ASSERT_EQ(destroyed.wait_for(generousTimeout), std::future_status::ready)
            << "~ExitWatcher() hung";
    const int callsAtDestruction = record->callCount();
    for (const pid_t pid : pids) {
        EXPECT_TRUE(isChildProcess(pid));
        EXPECT_NE(processState(pid), 'Z') << "child " << pid << " was killed";
    }
    gate.open();
    EXPECT_TRUE(kept->wait().success());
    kept.reset();
    for (const pid_t pid : pids)
        EXPECT_TRUE(pollUntil([pid] { return !isChildProcess(pid); })) << "zombie " << pid;
    EXPECT_EQ(record->callCount(), callsAtDestruction) << "a callback ran after destruction";
    EXPECT_EQ(callsAtDestruction, loop == Loop::Own ? 1 : 0);
}

// ... and no thread or descriptor left: each round returns the process to the
// census taken after a first round of each kind. Those first rounds are not
// counted because under Wine they leave five handles that are made once and
// kept (two semaphores made by libwinpthread, an event, a named-object
// directory and a mutex); further rounds add none (seen over four rounds).
TEST(ExitWatcher, DestroyedWithChildrenRunning)
{
    warmedUpCensus();
    for (const Loop loop : {Loop::Own, Loop::Caller})
        destroyWithChildrenRunning(loop);
    const Census baseline = Census::take();
    for (const Loop loop : {Loop::Own, Loop::Caller}) {
        SCOPED_TRACE(loop == Loop::Own ? "LoopThread::Own" : "LoopThread::Caller");
        destroyWithChildrenRunning(loop);
        expectNothingLeftSince(baseline);
    }
}

// The callback destroys its own watcher (LoopThread::Own): the destructor
// cannot join the thread it runs on; it returns, no other callback runs, and
// the loop's thread ends by itself.
TEST(ExitWatcher, DestroyedFromInsideItsOwnCallback)
{
    const Census baseline = warmedUpCensus();
    Gate first; // the children whose exits come first, all at once
    Gate later; // a child still running when the watcher goes
    auto running = later.spawn();
    const auto runningRecord = std::make_shared<Record>();
    std::vector<std::shared_ptr<Child>> exiting;
    for (int i = 0; i < 5; ++i)
        exiting.push_back(first.spawn());

    auto watcher = std::make_unique<ExitWatcher>(Loop::Own);
    std::atomic<int> calls{0};
    std::atomic<bool> destroyed{false};
    watcher->watch(running, recordInto(runningRecord));
    for (const auto &child : exiting) {
        watcher->watch(child, [&](const std::shared_ptr<Child> &) {
            if (++calls == 1) {
                watcher.reset();
                destroyed = true;
            }
        });
    }
    exiting.clear(); // the watcher holds the last references
    first.open();
    if (!pollUntil([&] { return destroyed.load(); })) {
        (void)watcher.release(); // still being destroyed on the loop's thread
        FAIL() << "the destructor, called from the callback, did not return";
    }
    later.open();
    EXPECT_TRUE(running->wait().success());
    running.reset(); // its pidfd, if any, goes with it
    expectNothingLeftSince(baseline); // the loop's thread has ended, the children are reaped
    EXPECT_EQ(calls.load(), 1) << "callbacks ran after the watcher was destroyed";
    EXPECT_EQ(runningRecord->callCount(), 0);
}

TEST(ExitWatcher, CallerLoopWaitOnceBlocksUntilAnExit)
{
    ExitWatcher watcher(Loop::Caller);
    Gate gate;
    const GatedChild gated(watcher, gate);

    // Zero: only what is ready now, so it returns at once with nothing.
    const TimedWaitOnce now = timedWaitOnce(watcher, 0ms, 10s);
    ASSERT_TRUE(now.ran.has_value()) << "waitOnce(0ms) blocked";
    EXPECT_EQ(*now.ran, 0u);
    // A timeout passes with nothing: no earlier than asked.
    const TimedWaitOnce timedOut = timedWaitOnce(watcher, 200ms);
    ASSERT_TRUE(timedOut.ran.has_value());
    EXPECT_EQ(*timedOut.ran, 0u);
    EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(timedOut.took).count(), 200);
    EXPECT_EQ(gated.record->callCount(), 0);

    // Blocks until the child exits, then runs its callback on the calling thread.
    auto loop = startInBackground([&watcher] {
        const std::size_t ran = watcher.waitOnce(std::chrono::hours(1));
        return std::pair(ran, std::this_thread::get_id());
    });
    ASSERT_TRUE(pollUntil([&] { return loop.isBlocked(); }));
    EXPECT_FALSE(loop.isDone()) << "waitOnce() returned before any exit";
    gate.open();
    if (!loop.finishesWithin()) {
        watcher.wake();
        ASSERT_TRUE(loop.finishesWithin());
        FAIL() << "waitOnce() went on blocking after the child exited";
    }
    const auto [ran, thread] = loop.get();
    EXPECT_EQ(ran, 1u);
    EXPECT_EQ(gated.record->callCount(), 1);
    EXPECT_EQ(gated.record->threadSeen(), thread) << "the callback ran on another thread";
    ASSERT_TRUE(gated.record->statusSeen().has_value());
    EXPECT_TRUE(gated.record->statusSeen()->success());
    EXPECT_EQ(watcher.watchedCount(), 0u);
}

TEST(ExitWatcher, CallerLoopWaitOnceReturnsHowManyCallbacksRan)
{
    ExitWatcher watcher(Loop::Caller);
    std::vector<std::shared_ptr<Record>> records;
    for (int i = 0; i < 5; ++i) {
        records.push_back(std::make_shared<Record>());
        watcher.watch(exitedChild(i), recordInto(records.back()));
    }
    EXPECT_EQ(watcher.watchedCount(), 5u);
    const auto callbacksRun = [&] {
        int total = 0;
        for (const auto &record : records)
            total += record->callCount();
        return total;
    };
    ASSERT_TRUE(runLoopUntil(watcher, callbacksRun, [&] { return callbacksRun() == 5; }));
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(records[i]->callCount(), 1);
        ASSERT_TRUE(records[i]->statusSeen().has_value());
        EXPECT_EQ(records[i]->statusSeen()->exitCode(), i);
        EXPECT_EQ(records[i]->threadSeen(), std::this_thread::get_id());
    }
    EXPECT_EQ(watcher.watchedCount(), 0u);
    const TimedWaitOnce after = timedWaitOnce(watcher, 0ms, 10s);
    ASSERT_TRUE(after.ran.has_value());
    EXPECT_EQ(*after.ran, 0u) << "a callback ran twice";
}

TEST(ExitWatcher, CallerLoopWakeEndsABlockedWaitOnce)
{
    ExitWatcher watcher(Loop::Caller);
    Gate gate;
    const GatedChild gated(watcher, gate);

    auto loop = startInBackground([&watcher] { return watcher.waitOnce(std::nullopt); });
    ASSERT_TRUE(pollUntil([&] { return loop.isBlocked(); }));
    EXPECT_FALSE(loop.isDone());
    watcher.wake();
    if (!loop.finishesWithin()) {
        gate.open(); // the exit ends it instead
        ASSERT_TRUE(loop.finishesWithin());
        FAIL() << "wake() did not end a blocked waitOnce()";
    }
    EXPECT_EQ(loop.get(), 0u);

    // wake() before the call: the next waitOnce() returns at once.
    watcher.wake();
    const TimedWaitOnce next = timedWaitOnce(watcher, std::nullopt, 10s);
    ASSERT_TRUE(next.ran.has_value()) << "wake() before waitOnce() was lost";
    EXPECT_EQ(*next.ran, 0u);
    EXPECT_EQ(gated.record->callCount(), 0);
    gate.open();
}

TEST(ExitWatcher, WaitOnceOnOwnLoopIsAnError)
{
    ExitWatcher watcher(Loop::Own);
    for (const auto timeout : {std::optional(0ms), std::optional(10ms)}) {
        const auto error = systemErrorFrom([&] { watcher.waitOnce(timeout); });
        ASSERT_TRUE(error.has_value());
        EXPECT_EQ(error->code(), errnoCode(EINVAL)) << error->what();
    }
}

// While held, a thread blocked in wait() gets the status and the callback
// waits for the last release(); then it runs once.
TEST(ExitWatcher, HeldChildGetsItsCallbackAfterTheLastRelease)
{
    for (const int holds : {1, 2}) {
        SCOPED_TRACE(std::to_string(holds) + " holds");
        ExitWatcher watcher;
        Gate gate;
        const GatedChild gated(watcher, gate);
        for (int i = 0; i < holds; ++i)
            watcher.hold(*gated.child);
        auto waiter = startInBackground([child = gated.child] { return child->wait(); });
        ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));
        gate.open();
        ASSERT_TRUE(waiter.finishesWithin());
        EXPECT_TRUE(waiter.get().success());
        for (int i = 0; i < holds; ++i) {
            ASSERT_TRUE(loopPassed(watcher));
            EXPECT_EQ(gated.record->callCount(), 0) << "the callback ran while the child was held";
            EXPECT_EQ(watcher.watchedCount(), 1u);
            watcher.release(*gated.child);
        }
        ASSERT_TRUE(pollUntil([&] { return gated.record->callCount() == 1; }));
        ASSERT_TRUE(loopPassed(watcher));
        EXPECT_EQ(gated.record->callCount(), 1);
        ASSERT_TRUE(gated.record->statusSeen().has_value());
        EXPECT_TRUE(gated.record->statusSeen()->success());
        EXPECT_EQ(watcher.watchedCount(), 0u);
    }
}

TEST(ExitWatcher, HeldChildOnCallerLoop)
{
    ExitWatcher watcher(Loop::Caller);
    Gate gate;
    const GatedChild gated(watcher, gate);
    watcher.hold(*gated.child);
    gate.open();
    EXPECT_TRUE(gated.child->wait().success());
    for (int pass = 0; pass < 3; ++pass)
        EXPECT_EQ(watcher.waitOnce(50ms), 0u) << "the callback ran while the child was held";
    watcher.release(*gated.child);
    ASSERT_TRUE(runLoopUntil(
            watcher, [&] { return gated.record->callCount(); },
            [&] { return gated.record->callCount() == 1; }));
    ASSERT_TRUE(gated.record->statusSeen().has_value());
    EXPECT_TRUE(gated.record->statusSeen()->success());
    EXPECT_EQ(watcher.waitOnce(0ms), 0u);
}

// Holding and releasing a running child again and again (the Qt layer does
// so around every blocking wait that times out) costs no thread each time:
// the waitid backend's one thread per watched child stays one, and the pidfd
// and Windows backends need none.
TEST(ExitWatcher, RepeatedHoldAndReleaseCostNoThreadEach)
{
    constexpr int rounds = 100;
    ExitWatcher watcher;
    Gate gate;
    const GatedChild gated(watcher, gate);
    ASSERT_TRUE(loopPassed(watcher)); // what the first watch() starts has started
    const int threads = threadCount();
    for (int i = 0; i < rounds; ++i) {
        watcher.hold(*gated.child);
        watcher.release(*gated.child);
    }
    EXPECT_LT(threadCount(), threads + rounds / 2) << rounds << " holds and releases";
    gate.open();
    ASSERT_TRUE(pollUntil([&] { return gated.record->callCount() == 1; }));
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(gated.record->callCount(), 1);
}

// Watching and unwatching a running child again and again leaves no thread
// behind each time either, while the child runs on.
TEST(ExitWatcher, RepeatedWatchAndUnwatchCostNoThreadEach)
{
    constexpr int rounds = 100;
    ExitWatcher watcher;
    ASSERT_TRUE(loopPassed(watcher));
    Gate gate;
    const auto child = gate.spawn();
    const auto record = std::make_shared<Record>();
    const int threads = threadCount();
    for (int i = 0; i < rounds; ++i) {
        watcher.watch(child, recordInto(record));
        ASSERT_TRUE(watcher.unwatch(*child));
    }
    EXPECT_LT(threadCount(), threads + rounds / 2) << rounds << " watches and unwatches";
    gate.open();
    EXPECT_TRUE(child->wait().success());
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(record->callCount(), 0);
}

TEST(ExitWatcher, HoldAndReleaseOfAChildNotWatchedDoNothing)
{
    ExitWatcher watcher;
    const auto child = exitedChild();
    watcher.hold(*child);
    watcher.release(*child);
    EXPECT_EQ(watcher.watchedCount(), 0u);
    // Nor does a hold on a child not watched carry over to a later watch().
    watcher.hold(*child);
    const auto record = std::make_shared<Record>();
    watcher.watch(child, recordInto(record));
    EXPECT_TRUE(pollUntil([&] { return record->callCount() == 1; }));
    watcher.release(*child); // no hold to end: must not run the callback again
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(record->callCount(), 1);
}

TEST(ExitWatcher, BadArgumentsAndDoubleWatchAreErrors)
{
    ExitWatcher watcher;
    Gate gate;
    const auto child = gate.spawn();
    const auto record = std::make_shared<Record>();

    EXPECT_EQ(watchError(watcher, nullptr, recordInto(record)), errnoCode(EINVAL));
    EXPECT_EQ(watchError(watcher, child, {}), errnoCode(EINVAL));
    EXPECT_EQ(watcher.watchedCount(), 0u);
    EXPECT_FALSE(watcher.unwatch(*child)) << "a failed watch() left the child watched";

    ASSERT_EQ(watchError(watcher, child, recordInto(record)), std::nullopt);
    const auto second = std::make_shared<Record>();
    EXPECT_EQ(watchError(watcher, child, recordInto(second)), errnoCode(EEXIST));
    EXPECT_EQ(watcher.watchedCount(), 1u);

    gate.open();
    ASSERT_TRUE(pollUntil([&] { return record->callCount() == 1; }));
    ASSERT_TRUE(loopPassed(watcher));
    EXPECT_EQ(record->callCount(), 1);
    EXPECT_EQ(second->callCount(), 0) << "the callback of the refused watch() ran";
    EXPECT_EQ(watcher.watchedCount(), 0u);

    // Its callback has run, so it is no longer watched: watching it again works.
    ASSERT_EQ(watchError(watcher, child, recordInto(second)), std::nullopt);
    ASSERT_TRUE(pollUntil([&] { return second->callCount() == 1; }));
}

TEST(ExitWatcher, TwoWatchersOfOneChildBothCallBack)
{
    ExitWatcher own;
    ExitWatcher caller(Loop::Caller);
    Gate gate;
    const auto child = gate.spawn();
    const auto ownRecord = std::make_shared<Record>();
    const auto callerRecord = std::make_shared<Record>();
    own.watch(child, recordInto(ownRecord));
    caller.watch(child, recordInto(callerRecord));
    gate.open();
    ASSERT_TRUE(runLoopUntil(
            caller, [&] { return callerRecord->callCount(); },
            [&] { return callerRecord->callCount() == 1; }));
    ASSERT_TRUE(pollUntil([&] { return ownRecord->callCount() == 1; }));
    EXPECT_TRUE(ownRecord->statusSeen().has_value());
    EXPECT_TRUE(callerRecord->statusSeen().has_value());
}

#ifndef _WIN32
namespace {

// SIGCHLD ignored: the kernel reaps every child as it exits (POSIX).
class IgnoredChildSignal
{
public:
    IgnoredChildSignal() : m_saved(std::signal(SIGCHLD, SIG_IGN)) { }
    ~IgnoredChildSignal() { std::signal(SIGCHLD, m_saved); }
    IgnoredChildSignal(const IgnoredChildSignal &) = delete;
    IgnoredChildSignal &operator=(const IgnoredChildSignal &) = delete;

private:
    void (*m_saved)(int);
};

void expectLostStatusReported(Record &record)
{
    EXPECT_EQ(record.callCount(), 1);
    EXPECT_FALSE(record.statusSeen().has_value()) << "a made-up status";
    ASSERT_TRUE(record.errorSeen().has_value());
    EXPECT_EQ(*record.errorSeen(), errnoCode(ECHILD));
}

} // namespace

// Without a free descriptor no watcher can be made: a clear error (EMFILE),
// and nothing half made is left open (with one descriptor free, the watcher's
// second one is what fails).
TEST(ExitWatcher, NoFreeDescriptorIsAnError)
{
    { // what the library opens once and keeps, opened before counting
        ExitWatcher warmUp;
        ASSERT_TRUE(loopPassed(warmUp));
    }
    const std::set<int> fds = openFds();
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    for (const int free : {0, 1}) {
        SCOPED_TRACE(std::to_string(free) + " descriptors free");
        rlimit limited = saved;
        limited.rlim_cur = static_cast<rlim_t>(*fds.rbegin() + 16);
        ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limited), 0);
        std::vector<int> fillers;
        for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;)
            fillers.push_back(fd);
        for (int i = 0; i < free && !fillers.empty(); ++i) {
            ::close(fillers.back());
            fillers.pop_back();
        }
        std::optional<CaughtError> errors[2];
        for (const Loop loop : {Loop::Own, Loop::Caller})
            errors[loop == Loop::Own ? 0 : 1]
                    = systemErrorFrom([loop] { ExitWatcher watcher(loop); });
        for (const int fd : fillers)
            ::close(fd);
        ::setrlimit(RLIMIT_NOFILE, &saved);
        for (const auto &error : errors) {
            ASSERT_TRUE(error.has_value()) << "a watcher without a free descriptor?";
            EXPECT_EQ(error->code(), errnoCode(EMFILE)) << error->what();
        }
        EXPECT_EQ(openFds(), fds) << "a descriptor of the failed watcher was left open";
    }
    ExitWatcher watcher; // works again
    EXPECT_TRUE(loopPassed(watcher));
}

// A status lost to someone else (SIGCHLD ignored, a foreign waitpid()): the
// callback still runs once, and tryWait() there throws ECHILD.
TEST(ExitWatcher, LostStatusStillGetsItsCallback)
{
    ExitWatcher watcher;
    {
        SCOPED_TRACE("SIGCHLD ignored, child watched while running");
        const auto record = std::make_shared<Record>();
        {
            const IgnoredChildSignal ignored;
            const auto child = spawnRetryingWineInternalError(helper({"sleep", "60"}));
            watcher.watch(child, recordInto(record));
            child->kill();
            ASSERT_TRUE(pollUntil([&] { return record->callCount() >= 1; }));
        }
        ASSERT_TRUE(loopPassed(watcher)); // its child must not be reaped by the kernel
        expectLostStatusReported(*record);
    }
    {
        SCOPED_TRACE("reaped by a foreign waitpid() before watch()");
        const auto child = spawnRetryingWineInternalError(helper({"sleep", "60"}));
        const auto pid = static_cast<pid_t>(child->id());
        killBehindTheLibrarysBack(pid);
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        const auto record = std::make_shared<Record>();
        watcher.watch(child, recordInto(record));
        ASSERT_TRUE(pollUntil([&] { return record->callCount() >= 1; }));
        ASSERT_TRUE(loopPassed(watcher));
        expectLostStatusReported(*record);
    }
    {
        SCOPED_TRACE("a foreign waitpid() racing the watcher");
        for (int round = 0; round < 20; ++round) {
            const auto child = spawnRetryingWineInternalError(helper({"sleep", "60"}));
            const auto pid = static_cast<pid_t>(child->id());
            const auto record = std::make_shared<Record>();
            watcher.watch(child, recordInto(record));
            auto foreign = runDetached([pid] {
                int status = 0;
                pid_t result;
                while ((result = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) { }
                return result;
            });
            killBehindTheLibrarysBack(pid);
            ASSERT_EQ(foreign.wait_for(generousTimeout), std::future_status::ready);
            const bool foreignWon = foreign.get() == pid;
            ASSERT_TRUE(pollUntil([&] { return record->callCount() >= 1; }));
            ASSERT_TRUE(loopPassed(watcher));
            EXPECT_EQ(record->callCount(), 1);
            if (foreignWon) {
                expectLostStatusReported(*record);
            } else if (const auto status = record->statusSeen()) {
                EXPECT_EQ(status->signalNumber(), SIGKILL);
            } else {
                // The callback's tryWait() lost: the status went to wait() elsewhere.
                ADD_FAILURE() << "no status and no ECHILD, though the foreign waitpid() lost";
            }
        }
    }
    EXPECT_EQ(watcher.watchedCount(), 0u);
}
#endif
