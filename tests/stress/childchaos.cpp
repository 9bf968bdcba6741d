// SPDX-License-Identifier: MIT
#include "childchaos.h"

#include "callwatch.h"
#include "leakcheck.h"
#include "processcensus.h"
#include "throughput.h"
#include "timescale.h"

#include <sharedchild/child.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

namespace SharedChildStress {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using SharedChild::Child;
using SharedChild::Command;
using SharedChild::ExitStatus;
using SharedChildTest::ProcessCensus;
using SharedChildTest::scaled;

constexpr int poolSize = 16; // children alive at once
constexpr auto longestLife = 100ms; // each child sleeps up to this long, then exits
constexpr auto longestTimeout = 20ms; // of the waitFor() and waitUntil() calls

// Signals for sendSignal(): some kill the helper (default action), some do not.
constexpr std::array<int, 6> randomSignals = {SIGUSR1, SIGUSR2, SIGINT, SIGHUP, SIGCONT, SIGWINCH};

bool killsByDefault(int signal)
{
    return signal != SIGCONT && signal != SIGWINCH && signal != SIGCHLD;
}

enum Call { Wait, TryWait, WaitFor, WaitUntil, Kill, Terminate, SendSignal, Drop, CallCount };
constexpr std::array<const char *, CallCount> callNames
        = {"wait", "tryWait", "waitFor", "waitUntil", "kill", "terminate", "sendSignal", "drop"};
// How often each call is made, in percent: mostly looking, sometimes signalling,
// rarely letting go of a child without reaping it.
constexpr std::array<int, CallCount> callWeights = {8, 34, 30, 12, 3, 3, 9, 1};

std::string describe(const ExitStatus &status)
{
    return status.toString();
}

// One child and what the threads have learned about it.
class TrackedChild
{
public:
    TrackedChild(std::shared_ptr<Child> child, int slot, int exitCode, Clock::time_point exitsBy)
        : m_pid(child->id()),
          m_slot(slot),
          m_exitCode(exitCode),
          m_exitsBy(exitsBy),
          m_child(std::move(child))
    { }

    std::int64_t pid() const { return m_pid; }
    int slot() const { return m_slot; }
    Clock::time_point exitsBy() const { return m_exitsBy; }

    /// Null once a thread let go of it.
    std::shared_ptr<Child> child() const
    {
        std::lock_guard lock(m_mutex);
        return m_child;
    }
    /// Lets go of the child; the caller drops the returned reference outside the lock.
    std::shared_ptr<Child> release()
    {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_child, nullptr);
    }

    /// Called before the signal is sent, so that a status naming it is plausible.
    void noteFatalSignal(int signal)
    {
        std::lock_guard lock(m_mutex);
        m_fatalSignals.push_back(signal);
    }

    std::optional<ExitStatus> seen() const
    {
        std::lock_guard lock(m_mutex);
        return m_seen;
    }

    /// Checks a status some thread got; empty when it is consistent.
    std::string observe(const ExitStatus &status)
    {
        std::lock_guard lock(m_mutex);
        if (!status.isValid())
            return "an invalid status";
        if (m_seen && *m_seen != status)
            return describe(status) + ", but another thread saw " + describe(*m_seen);
        const bool ownExit = status.exitedNormally() && status.exitCode() == m_exitCode;
        const bool sentSignal
                = std::find(m_fatalSignals.begin(), m_fatalSignals.end(), status.signalNumber())
                != m_fatalSignals.end();
        if (!ownExit && !sentSignal)
            return describe(status) + ", but the child exits with " + std::to_string(m_exitCode)
                    + " and no such signal was sent";
        m_seen = status;
        return {};
    }

private:
    const std::int64_t m_pid;
    const int m_slot;
    const int m_exitCode;
    const Clock::time_point m_exitsBy;
    mutable std::mutex m_mutex;
    std::shared_ptr<Child> m_child; // guarded by m_mutex
    std::vector<int> m_fatalSignals; // guarded by m_mutex
    std::optional<ExitStatus> m_seen; // guarded by m_mutex
};

// Counts and worst times of one thread, merged at the end.
struct Tally
{
    std::array<long, CallCount> calls{};
    Clock::duration slowestQuickCall{}; // tryWait, kill, terminate, sendSignal
    Clock::duration largestOverrun{}; // past a wait's own timeout or the child's exit

    void merge(const Tally &other)
    {
        for (int i = 0; i < CallCount; ++i)
            calls[static_cast<std::size_t>(i)] += other.calls[static_cast<std::size_t>(i)];
        slowestQuickCall = std::max(slowestQuickCall, other.slowestQuickCall);
        largestOverrun = std::max(largestOverrun, other.largestOverrun);
    }
};

long milliseconds(Clock::duration duration)
{
    return static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

class ChildChaos
{
public:
    ChildChaos(const ChildChaosSettings &settings, Failures &failures)
        : m_settings(settings), m_failures(failures), m_watch(settings.threads)
    { }

    void run();

private:
    void spawnInto(int slot);
    std::shared_ptr<TrackedChild> pick(std::mt19937_64 &random);
    void retire(const std::shared_ptr<TrackedChild> &tracked);
    void work(int thread);
    void act(int thread, TrackedChild &tracked, Call call, std::mt19937_64 &random, Tally &tally);
    void check(TrackedChild &tracked, const char *call, const std::optional<ExitStatus> &status,
               const std::optional<ExitStatus> &seenBefore);
    void fail(const TrackedChild &tracked, const std::string &what)
    {
        m_failures.add("pid " + std::to_string(tracked.pid()) + ": " + what);
    }
    void joinWatching(std::vector<std::thread> &threads);

    const ChildChaosSettings m_settings;
    Failures &m_failures;
    CallWatch m_watch;
    const std::chrono::milliseconds m_quickBudget = scaled(500ms);
    const std::chrono::milliseconds m_overrunBudget = scaled(2s);

    std::atomic<int> m_spawned{0};
    std::atomic<int> m_retired{0};
    std::atomic<int> m_released{0};

    std::array<std::mutex, poolSize> m_slotMutexes;
    std::array<std::shared_ptr<TrackedChild>, poolSize> m_slots; // guarded by m_slotMutexes

    std::mutex m_doneMutex;
    std::condition_variable m_workerDone;
    int m_workersLeft = 0; // guarded by m_doneMutex
    std::vector<std::shared_ptr<TrackedChild>> m_retiredChildren; // guarded by m_doneMutex
    Tally m_tally; // guarded by m_doneMutex
};

void ChildChaos::spawnInto(int slot)
{
    const int index = m_spawned.fetch_add(1);
    if (index >= m_settings.children)
        return;
    std::mt19937_64 random(m_settings.seed ^ (static_cast<std::uint64_t>(index) << 20));
    const auto life = std::chrono::milliseconds(random() % (longestLife.count() + 1));
    const int exitCode = index % 100;
    Command command(
            m_settings.helper,
            {"exit-after", std::to_string(life.count() / 1000.0), std::to_string(exitCode)});
    try {
        auto child = Child::spawn(command);
        childrenStarted().fetch_add(1);
        auto tracked = std::make_shared<TrackedChild>(std::move(child), slot, exitCode,
                                                      Clock::now() + life);
        std::lock_guard lock(m_slotMutexes[static_cast<std::size_t>(slot)]);
        m_slots[static_cast<std::size_t>(slot)] = std::move(tracked);
    } catch (const std::system_error &error) {
        m_failures.add(std::string("spawn: ") + error.what());
        m_retired.fetch_add(1); // nothing to wait for
    }
}

std::shared_ptr<TrackedChild> ChildChaos::pick(std::mt19937_64 &random)
{
    const auto slot = static_cast<std::size_t>(random() % poolSize);
    std::lock_guard lock(m_slotMutexes[slot]);
    return m_slots[slot];
}

// The child's status is known (or it was let go): it leaves its slot, which
// gets a new child while the budget lasts. Only the first caller does this.
void ChildChaos::retire(const std::shared_ptr<TrackedChild> &tracked)
{
    const auto slot = static_cast<std::size_t>(tracked->slot());
    {
        std::lock_guard lock(m_slotMutexes[slot]);
        if (m_slots[slot] != tracked)
            return;
        m_slots[slot] = nullptr;
    }
    {
        std::lock_guard lock(m_doneMutex);
        m_retiredChildren.push_back(tracked);
    }
    spawnInto(tracked->slot());
    m_retired.fetch_add(1);
}

void ChildChaos::check(TrackedChild &tracked, const char *call,
                       const std::optional<ExitStatus> &status,
                       const std::optional<ExitStatus> &seenBefore)
{
    if (!status) {
        if (seenBefore)
            fail(tracked,
                 std::string(call) + "() said \"running\" after another thread saw "
                         + describe(*seenBefore));
        return;
    }
    if (const std::string problem = tracked.observe(*status); !problem.empty())
        fail(tracked, std::string(call) + "() returned " + problem);
}

void ChildChaos::act(int thread, TrackedChild &tracked, Call call, std::mt19937_64 &random,
                     Tally &tally)
{
    const std::shared_ptr<Child> child = tracked.child();
    if (!child)
        return; // let go of by another thread
    const std::optional<ExitStatus> seenBefore = tracked.seen();
    const CallWatch::Scope inFlight(m_watch, thread, callNames[call], tracked.pid());
    const auto start = Clock::now();
    std::optional<ExitStatus> status;
    Clock::duration timeout{}; // the call's own limit, for the waits
    switch (call) {
    case Wait:
        status = child->wait();
        timeout = std::max(tracked.exitsBy() - start, Clock::duration::zero());
        break;
    case TryWait:
        status = child->tryWait();
        break;
    case WaitFor:
        timeout = std::chrono::milliseconds(random() % (longestTimeout.count() + 1));
        status = child->waitFor(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
        break;
    case WaitUntil:
        timeout = std::chrono::milliseconds(random() % (longestTimeout.count() + 1));
        status = child->waitUntil(start + timeout);
        break;
    case Kill:
        tracked.noteFatalSignal(SIGKILL);
        child->kill();
        break;
    case Terminate:
        tracked.noteFatalSignal(SIGTERM);
        child->terminate();
        break;
    case SendSignal: {
        const int signal = randomSignals[random() % randomSignals.size()];
        if (killsByDefault(signal))
            tracked.noteFatalSignal(signal);
        child->sendSignal(signal);
        break;
    }
    case Drop:
    case CallCount:
        break;
    }
    const auto elapsed = Clock::now() - start;
    ++tally.calls[call];

    const bool isWait = call == Wait || call == WaitFor || call == WaitUntil;
    if (isWait) {
        const auto overrun = elapsed - timeout;
        tally.largestOverrun = std::max(tally.largestOverrun, overrun);
        if (overrun > m_overrunBudget)
            fail(tracked,
                 std::string(callNames[call]) + "() took " + std::to_string(milliseconds(elapsed))
                         + " ms for a " + std::to_string(milliseconds(timeout)) + " ms limit");
        if (!status && call != Wait && elapsed < timeout)
            fail(tracked,
                 std::string(callNames[call]) + "() gave up after "
                         + std::to_string(milliseconds(elapsed)) + " ms, before its "
                         + std::to_string(milliseconds(timeout)) + " ms");
    } else {
        tally.slowestQuickCall = std::max(tally.slowestQuickCall, elapsed);
        if (elapsed > m_quickBudget)
            fail(tracked,
                 std::string(callNames[call]) + "() blocked for "
                         + std::to_string(milliseconds(elapsed)) + " ms");
    }
    if (call == Wait || call == TryWait || call == WaitFor || call == WaitUntil)
        check(tracked, callNames[call], status, seenBefore);
}

void ChildChaos::work(int thread)
{
    std::mt19937_64 random(m_settings.seed * 1000003u + static_cast<std::uint64_t>(thread));
    std::discrete_distribution<int> chooseCall(callWeights.begin(), callWeights.end());
    Tally tally;
    while (m_retired.load() < m_settings.children) {
        const std::shared_ptr<TrackedChild> tracked = pick(random);
        if (!tracked) {
            std::this_thread::yield(); // an empty slot, refilled by whoever emptied it
            continue;
        }
        const auto call = static_cast<Call>(chooseCall(random));
        try {
            if (call == Drop) {
                ++tally.calls[Drop];
                if (tracked->release()) // the reference goes here, maybe the last one
                    m_released.fetch_add(1);
                retire(tracked);
                continue;
            }
            act(thread, *tracked, call, random, tally);
            if (tracked->seen())
                retire(tracked);
        } catch (const std::system_error &error) {
            fail(*tracked, std::string(callNames[call]) + "() threw: " + error.what());
            retire(tracked);
        }
    }
    std::lock_guard lock(m_doneMutex);
    m_tally.merge(tally);
    --m_workersLeft;
    m_workerDone.notify_all();
}

// Joins the workers, or ends the program when a call never returns: the
// failure then names the call instead of ctest's timeout naming nothing.
void ChildChaos::joinWatching(std::vector<std::thread> &threads)
{
    const auto hangLimit = scaled(60s);
    std::unique_lock lock(m_doneMutex);
    while (m_workersLeft > 0) {
        m_workerDone.wait_for(lock, 250ms);
        if (const auto stuck = m_watch.stuckLongerThan(hangLimit)) {
            m_failures.add("hang: " + *stuck);
            std::fflush(nullptr);
            std::_Exit(1);
        }
    }
    lock.unlock();
    for (std::thread &thread : threads)
        thread.join();
}

void ChildChaos::run()
{
    // Let go of one child first, so that the background reaper the library
    // starts for such children exists before the baseline is taken.
    Child::spawn(Command(m_settings.helper, {"exit", "0"}));
    expectNothingLeft(ProcessCensus::take(), m_failures, "warm-up");
    const ProcessCensus baseline = ProcessCensus::take();

    const auto start = Clock::now();
    for (int slot = 0; slot < poolSize; ++slot)
        spawnInto(slot);
    std::vector<std::thread> threads;
    m_workersLeft = m_settings.threads;
    for (int thread = 0; thread < m_settings.threads; ++thread)
        threads.emplace_back([this, thread] { work(thread); });
    joinWatching(threads);
    const auto elapsed = Clock::now() - start;

    // Every reaped child still answers with the status everybody saw.
    int exited = 0;
    int signalled = 0;
    for (const auto &tracked : m_retiredChildren) {
        const std::shared_ptr<Child> child = tracked->child();
        if (!child)
            continue;
        const std::optional<ExitStatus> seen = tracked->seen();
        const ExitStatus last = child->wait();
        if (!seen || last != *seen)
            fail(*tracked, "a final wait() returned " + describe(last));
        (last.exitedNormally() ? exited : signalled) += 1;
    }
    m_retiredChildren.clear();
    expectNothingLeft(baseline, m_failures,
                      "after " + std::to_string(m_settings.children) + " children");

    if (m_settings.quiet)
        return;
    long calls = 0;
    std::string perCall;
    for (int i = 0; i < CallCount; ++i) {
        calls += m_tally.calls[static_cast<std::size_t>(i)];
        perCall += std::string(i ? ", " : "") + callNames[static_cast<std::size_t>(i)] + ' '
                + std::to_string(m_tally.calls[static_cast<std::size_t>(i)]);
    }
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::printf("children: %d children, %d threads, %ld calls in %.1f s (%.0f children/s)\n"
                "  calls: %s\n"
                "  %d exited on their own, %d killed by a signal, %d let go unreaped\n"
                "  slowest tryWait/kill/terminate/sendSignal: %ld ms (budget %ld ms); "
                "largest overrun of a wait: %ld ms (budget %ld ms)\n",
                m_settings.children, m_settings.threads, calls, seconds,
                m_settings.children / seconds, perCall.c_str(), exited, signalled,
                m_released.load(), milliseconds(m_tally.slowestQuickCall),
                static_cast<long>(m_quickBudget.count()), milliseconds(m_tally.largestOverrun),
                static_cast<long>(m_overrunBudget.count()));
}

} // namespace

void runChildChaos(const ChildChaosSettings &settings, Failures &failures)
{
    ChildChaos(settings, failures).run();
}

} // namespace SharedChildStress
