// SPDX-License-Identifier: MIT
// Many threads waiting on, polling and killing the same child.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

template<typename Calls>
bool allBlocked(const Calls &calls)
{
    for (const auto &call : calls) {
        if (!call.isBlocked())
            return false;
    }
    return true;
}

} // namespace

TEST(Concurrency, SixteenWaitersAllGetTheStatusWhenAnotherThreadKills)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    std::vector<BackgroundCall<ExitStatus>> waiters;
    for (int i = 0; i < 16; ++i)
        waiters.push_back(startInBackground([child] { return child->wait(); }));
    ASSERT_TRUE(pollUntil([&] { return allBlocked(waiters); }));
    for (const auto &waiter : waiters)
        EXPECT_FALSE(waiter.isDone()) << "wait() returned while the child runs";

    std::thread([child] { child->kill(); }).join();

    std::vector<ExitStatus> statuses;
    for (auto &waiter : waiters) {
        ASSERT_TRUE(waiter.finishesWithin()) << "a waiter hung after the kill";
        statuses.push_back(waiter.get());
    }
    EXPECT_EQ(statuses.front().signalNumber(), SIGKILL);
    for (const ExitStatus &status : statuses)
        EXPECT_EQ(status, statuses.front());
    EXPECT_EQ(child->wait(), statuses.front()) << "a later wait() returns the same status";
}

TEST(Concurrency, WaitWaitForAndTryWaitLoopsAgreeOnTheStatus)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    std::vector<BackgroundCall<ExitStatus>> waiters;
    std::vector<BackgroundCall<ExitStatus>> pollers;
    for (int i = 0; i < 6; ++i) {
        waiters.push_back(startInBackground([child] { return child->wait(); }));
        pollers.push_back(startInBackground([child] {
            std::optional<ExitStatus> status;
            while (!status)
                status = child->waitFor(2ms);
            return *status;
        }));
        pollers.push_back(startInBackground([child] {
            std::optional<ExitStatus> status;
            while (!status) {
                status = child->tryWait();
                std::this_thread::yield();
            }
            return *status;
        }));
    }
    ASSERT_TRUE(pollUntil([&] { return allBlocked(waiters); }));
    for (const auto &poller : pollers)
        EXPECT_FALSE(poller.isDone()) << "a poller saw an exit while the child runs";
    child->kill();

    std::vector<BackgroundCall<ExitStatus>> calls = std::move(waiters);
    for (auto &poller : pollers)
        calls.push_back(std::move(poller));
    std::vector<ExitStatus> statuses;
    for (auto &call : calls) {
        ASSERT_TRUE(call.finishesWithin()) << "a thread never saw the exit";
        statuses.push_back(call.get());
    }
    EXPECT_EQ(statuses.front().signalNumber(), SIGKILL);
    for (const ExitStatus &status : statuses)
        EXPECT_EQ(status, statuses.front());
}

TEST(Concurrency, KillFromManyThreadsWhileOthersWait)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));
    std::vector<std::thread> killers;
    for (int i = 0; i < 8; ++i) {
        killers.emplace_back([child, i] {
            for (int round = 0; round < 200; ++round)
                i % 2 ? child->kill() : child->sendSignal(SIGKILL);
        });
    }
    for (std::thread &killer : killers)
        killer.join();
    ASSERT_TRUE(waiter.finishesWithin());
    EXPECT_EQ(waiter.get().signalNumber(), SIGKILL);
}
