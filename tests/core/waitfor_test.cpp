// SPDX-License-Identifier: MIT
// waitFor() and waitUntil(): deadlines, polling at least once, and handing the
// waiting role back on timeout.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>

using namespace SharedChild;
using namespace SharedChildTest;
using Clock = std::chrono::steady_clock;

TEST(WaitFor, ZeroTimeoutOnAnExitedChildGivesItsStatus)
{
    const auto child = Child::spawn(helper({"exit", "4"}));
    ASSERT_NO_FATAL_FAILURE(awaitExitWithoutReaping(child->id()));
    const auto status = child->waitFor(0ms);
    ASSERT_TRUE(status.has_value()) << "waitFor(0) must poll at least once";
    EXPECT_EQ(status->exitCode(), 4);
}

TEST(WaitFor, ShortTimeoutOnASleeperGivesNothing)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    const auto start = Clock::now();
    EXPECT_FALSE(child->waitFor(10ms).has_value());
    EXPECT_GE(Clock::now() - start, 10ms);
    EXPECT_FALSE(child->waitFor(0ms).has_value());
}

TEST(WaitFor, ShortTimeoutWhileAnotherThreadIsBlockedInWait)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));

    const auto start = Clock::now();
    EXPECT_FALSE(child->waitFor(10ms).has_value());
    EXPECT_GE(Clock::now() - start, 10ms);
    EXPECT_FALSE(child->waitFor(0ms).has_value());
    EXPECT_FALSE(child->waitUntil(Clock::now() + 10ms).has_value());
    EXPECT_FALSE(waiter.isDone());

    child->kill();
    ASSERT_TRUE(waiter.finishesWithin());
    const ExitStatus status = waiter.get();
    EXPECT_EQ(status.signalNumber(), SIGKILL);
    EXPECT_EQ(child->waitFor(0ms), status);
}

TEST(WaitFor, GivesTheStatusAfterKill)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    child->kill();
    const auto status = child->waitFor(1s);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->signalNumber(), SIGKILL);
}

TEST(WaitFor, GivesTheStatusWhenTheChildExitsDuringTheWait)
{
    const TempDir dir;
    const auto child = Child::spawn(helper({"wait-file", dir.file("go")}));
    const ScopeExit cleanup([child] { child->kill(); });
    auto timed = startInBackground([child] { return child->waitFor(60s); });
    ASSERT_TRUE(pollUntil([&] { return timed.isBlocked(); }));
    writeFile(dir.file("go"), "");
    ASSERT_TRUE(timed.finishesWithin());
    const auto status = timed.get();
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->success());
}

TEST(WaitUntil, PastDeadlinesPollOnceAndFutureDeadlinesWait)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    EXPECT_FALSE(child->waitUntil(Clock::now() - 1s).has_value());
    EXPECT_FALSE(child->waitUntil(Clock::time_point()).has_value());
    const auto start = Clock::now();
    EXPECT_FALSE(child->waitUntil(start + 20ms).has_value());
    EXPECT_GE(Clock::now() - start, 20ms);

    child->kill();
    const auto status = child->waitUntil(Clock::now() + generousTimeout);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->signalNumber(), SIGKILL);

    const auto exited = Child::spawn(helper({"exit", "6"}));
    ASSERT_NO_FATAL_FAILURE(awaitExitWithoutReaping(exited->id()));
    const auto polled = exited->waitUntil(Clock::time_point());
    ASSERT_TRUE(polled.has_value()) << "a past deadline still polls once";
    EXPECT_EQ(polled->exitCode(), 6);
}

// The timed waiter holds the waiting role first; when it gives up, the thread
// sleeping in wait() must take the role over, or nobody sees the exit.
TEST(WaitFor, TimedOutWaiterHandsTheWaitingRoleBack)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    auto timed = startInBackground([child] { return child->waitFor(300ms); });
    ASSERT_TRUE(pollUntil([&] { return timed.isBlocked(); }));
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));

    ASSERT_TRUE(timed.finishesWithin());
    EXPECT_FALSE(timed.get().has_value());
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));
    EXPECT_FALSE(waiter.isDone());

    child->kill(); // no tryWait() here: only the waiter may notice the exit
    ASSERT_TRUE(waiter.finishesWithin()) << "wait() hung: the waiting role was not handed back";
    EXPECT_EQ(waiter.get().signalNumber(), SIGKILL);
}

TEST(WaitFor, LongTimedWaiterAndWaiterBothFinishOnceKilled)
{
    for (const bool timedFirst : {true, false}) {
        SCOPED_TRACE(timedFirst ? "waitFor() first" : "wait() first");
        const auto child = Child::spawn(helper({"sleep", "60"}));
        const ScopeExit cleanup([child] { child->kill(); });
        auto startTimed
                = [child] { return startInBackground([child] { return child->waitFor(60s); }); };
        auto startWaiter = [child] { return startInBackground([child] { return child->wait(); }); };

        std::optional<BackgroundCall<std::optional<ExitStatus>>> timed;
        std::optional<BackgroundCall<ExitStatus>> waiter;
        if (timedFirst) {
            timed = startTimed();
            ASSERT_TRUE(pollUntil([&] { return timed->isBlocked(); }));
        }
        waiter = startWaiter();
        ASSERT_TRUE(pollUntil([&] { return waiter->isBlocked(); }));
        if (!timedFirst) {
            timed = startTimed();
            ASSERT_TRUE(pollUntil([&] { return timed->isBlocked(); }));
        }

        child->kill();
        ASSERT_TRUE(timed->finishesWithin());
        ASSERT_TRUE(waiter->finishesWithin());
        const auto timedStatus = timed->get();
        ASSERT_TRUE(timedStatus.has_value()) << "waitFor(60s) timed out although the child died";
        const ExitStatus status = waiter->get();
        EXPECT_EQ(status.signalNumber(), SIGKILL);
        EXPECT_EQ(*timedStatus, status);
    }
}
