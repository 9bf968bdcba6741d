// SPDX-License-Identifier: MIT
// Signals: what they do to the child, no-ops after exit, stopped children,
// and signals interrupting the waiting thread (EINTR).

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <pthread.h>
#include <sys/wait.h>

using namespace SharedChild;
using namespace SharedChildTest;
using Clock = std::chrono::steady_clock;

namespace {

// Sends `signal` once the helper is ready (it has turned core dumps off by then).
ExitStatus statusAfter(int signal)
{
    const TempDir dir;
    const auto child = Child::spawn(helper({"--ready", dir.file("ready"), "sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    if (!waitForFile(dir.file("ready")))
        return {};
    child->sendSignal(signal);
    return child->wait();
}

std::atomic<int> interruptions{0};

extern "C" void countInterruption(int)
{
    interruptions.fetch_add(1, std::memory_order_relaxed);
}

// SIGUSR1 handled WITHOUT SA_RESTART, so it makes blocking calls fail with EINTR.
class InterruptingHandler
{
public:
    InterruptingHandler()
    {
        struct sigaction action = {};
        action.sa_handler = countInterruption;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;
        ::sigaction(SIGUSR1, &action, &m_saved);
    }
    ~InterruptingHandler() { ::sigaction(SIGUSR1, &m_saved, nullptr); }
    InterruptingHandler(const InterruptingHandler &) = delete;
    InterruptingHandler &operator=(const InterruptingHandler &) = delete;

private:
    struct sigaction m_saved = {};
};

// Sends SIGUSR1 to one thread over and over until stopped. The target must
// stay joinable until the storm has stopped.
class SignalStorm
{
public:
    explicit SignalStorm(pthread_t target)
        : m_thread([this, target] {
              while (!m_stop) {
                  ::pthread_kill(target, SIGUSR1);
                  std::this_thread::yield();
              }
          })
    { }
    ~SignalStorm() { stop(); }
    SignalStorm(const SignalStorm &) = delete;
    SignalStorm &operator=(const SignalStorm &) = delete;

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace

TEST(Signals, SendSignalAndTerminateKillWithThatSignal)
{
    const ExitStatus aborted = statusAfter(SIGABRT);
    EXPECT_EQ(aborted.signalNumber(), SIGABRT);
    EXPECT_EQ(aborted.toString().rfind("killed by signal 6 (SIGABRT)", 0), 0u)
            << aborted.toString();
    EXPECT_EQ(statusAfter(SIGUSR2).signalNumber(), SIGUSR2);

    const auto child = Child::spawn(helper({"sleep", "60"}));
    child->terminate();
    const ExitStatus terminated = child->wait();
    EXPECT_EQ(terminated.signalNumber(), SIGTERM);
    EXPECT_EQ(terminated.toString(), "killed by signal 15 (SIGTERM)");
}

TEST(Signals, InvalidSignalNumbersThrowEinval)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    for (const int signal : {-1, 1000, NSIG}) {
        SCOPED_TRACE(signal);
        const auto error = systemErrorFrom([&] { child->sendSignal(signal); });
        ASSERT_TRUE(error.has_value()) << "sendSignal() accepted an invalid signal";
        EXPECT_EQ(error->code(), errnoCode(EINVAL)) << error->what();
    }
    EXPECT_FALSE(child->tryWait().has_value()) << "an invalid signal must not reach the child";
}

TEST(Signals, SignalsAfterExitAreNoOps)
{
    const auto child = Child::spawn(helper({"exit", "7"}));
    const ExitStatus status = child->wait();
    EXPECT_NO_THROW(child->kill());
    EXPECT_NO_THROW(child->terminate());
    EXPECT_NO_THROW(child->sendSignal(SIGKILL));
    EXPECT_EQ(child->tryWait(), status);
    EXPECT_EQ(child->wait(), status);
    EXPECT_EQ(status.exitCode(), 7);
}

TEST(Signals, SignalsToAnExitedButUnreapedChildAreNoOps)
{
    const auto child = Child::spawn(helper({"exit", "7"}));
    ASSERT_NO_FATAL_FAILURE(awaitExitWithoutReaping(child->id()));
    EXPECT_NO_THROW(child->kill());
    EXPECT_NO_THROW(child->terminate());
    EXPECT_NO_THROW(child->sendSignal(SIGKILL));
    const auto status = child->tryWait();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->exitCode(), 7) << status->toString();
    EXPECT_NO_THROW(child->kill());
    EXPECT_EQ(child->wait(), *status);
}

TEST(Signals, StoppedChildIsNotReportedAsExited)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    const auto pid = static_cast<pid_t>(child->id());
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));

    child->sendSignal(SIGSTOP);
    ASSERT_TRUE(pollUntil([&] { return processState(pid) == 'T'; }));
    EXPECT_FALSE(child->tryWait().has_value());
    const auto start = Clock::now();
    EXPECT_FALSE(child->waitFor(100ms).has_value());
    EXPECT_GE(Clock::now() - start, 100ms);
    EXPECT_FALSE(waiter.isDone()) << "wait() returned for a stopped child";

    child->sendSignal(SIGCONT);
    ASSERT_TRUE(pollUntil([&] { return processState(pid) == 'S'; }));
    EXPECT_FALSE(child->tryWait().has_value());
    EXPECT_FALSE(child->waitFor(20ms).has_value());
    EXPECT_FALSE(waiter.isDone());

    child->kill();
    ASSERT_TRUE(waiter.finishesWithin());
    EXPECT_EQ(waiter.get().signalNumber(), SIGKILL);
}

TEST(Signals, EintrStormDoesNotBreakWait)
{
    const InterruptingHandler handler;
    const auto child = Child::spawn(helper({"sleep", "60"}));
    std::atomic<pid_t> tid{0};
    std::atomic<bool> done{false};
    std::optional<ExitStatus> result;
    std::optional<CaughtError> error;
    std::thread waiter([&] {
        tid = ::gettid();
        error = systemErrorFrom([&] { result = child->wait(); });
        done = true;
    });
    const ScopeExit join([&] {
        child->kill();
        waiter.join();
    });
    ASSERT_TRUE(pollUntil([&] { return tid != 0 && threadIsBlocked(tid); }));

    const int before = interruptions;
    SignalStorm storm(waiter.native_handle());
    ASSERT_TRUE(pollUntil([&] { return interruptions - before >= 500 || done; }));
    EXPECT_FALSE(done) << "wait() returned during the storm";
    child->kill();
    ASSERT_TRUE(pollUntil([&] { return done.load(); }));
    storm.stop();
    ASSERT_FALSE(error.has_value()) << "wait() failed: " << error->what();
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(result->signalNumber(), SIGKILL);
}

TEST(Signals, EintrStormDoesNotBreakWaitFor)
{
    const InterruptingHandler handler;
    const auto child = Child::spawn(helper({"sleep", "60"}));

    // Timing out: the deadline holds however often the wait is interrupted.
    std::atomic<bool> timedDone{false};
    std::optional<ExitStatus> timedOut;
    std::optional<CaughtError> timedError;
    Clock::duration elapsed{};
    std::thread timed([&] {
        const auto start = Clock::now();
        timedError = systemErrorFrom([&] { timedOut = child->waitFor(300ms); });
        elapsed = Clock::now() - start;
        timedDone = true;
    });
    const ScopeExit joinTimed([&] {
        child->kill();
        timed.join();
    });
    const int beforeTimed = interruptions;
    {
        SignalStorm storm(timed.native_handle());
        ASSERT_TRUE(pollUntil([&] { return timedDone.load(); }));
    }
    ASSERT_FALSE(timedError.has_value()) << "waitFor() failed: " << timedError->what();
    EXPECT_GE(interruptions - beforeTimed, 20) << "the storm did not reach the waiting thread";
    EXPECT_FALSE(timedOut.has_value());
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 2s) << "the interruptions stretched the deadline";

    // Not timing out: a long waitFor() under the storm still reports the exit.
    std::atomic<bool> longDone{false};
    std::optional<ExitStatus> status;
    std::optional<CaughtError> error;
    std::thread waiting([&] {
        error = systemErrorFrom([&] { status = child->waitFor(60s); });
        longDone = true;
    });
    const ScopeExit joinWaiting([&] {
        child->kill();
        waiting.join();
    });
    {
        SignalStorm storm(waiting.native_handle());
        const int before = interruptions;
        ASSERT_TRUE(pollUntil([&] { return interruptions - before >= 500 || longDone; }));
        EXPECT_FALSE(longDone) << "waitFor() returned during the storm";
        child->kill();
        ASSERT_TRUE(pollUntil([&] { return longDone.load(); }));
    }
    ASSERT_FALSE(error.has_value()) << "waitFor() failed: " << error->what();
    ASSERT_TRUE(status.has_value()) << "waitFor(60s) gave up although the child was killed";
    EXPECT_EQ(status->signalNumber(), SIGKILL);
}
