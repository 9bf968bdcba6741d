// SPDX-License-Identifier: MIT
// tryWait() is never stale, even while another thread is blocked in wait():
// once the kernel reports the exit, tryWait() must report it too.
//
// This file is also built into sharedchild_stale_trywait_test, linked against
// a copy of the core compiled with SHAREDCHILD_TEST_STALE_TRYWAIT (a tryWait()
// that trusts the waiting thread instead of looking): there the test must fail.
//
// SCTEST_RACE_SECONDS sets how long to keep racing (default 2 s).

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

using namespace SharedChild;
using namespace SharedChildTest;
using Clock = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds raceDuration()
{
    const char *text = std::getenv("SCTEST_RACE_SECONDS");
    const double seconds = text ? std::atof(text) : 0.0;
    return std::chrono::milliseconds(seconds > 0 ? static_cast<long>(seconds * 1000) : 2000);
}

} // namespace

TEST(TryWaitRace, NeverStaleWhileAnotherThreadWaits)
{
    const auto end = Clock::now() + raceDuration();
    int rounds = 0;
    int zombiesSeen = 0; // rounds in which tryWait() ran before the waiter reaped
    while (rounds < 50 || Clock::now() < end) {
        ++rounds;
        const auto child = Child::spawn(helper({"sleep", "60"}));
        const ScopeExit cleanup([child] { child->kill(); });
        const std::int64_t pid = child->id();
        auto waiter = startInBackground([child] { return child->wait(); });
        ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));

        // Behind the library's back; not reaped yet.
        ASSERT_NO_FATAL_FAILURE(killBehindTheLibrarysBack(pid));
        // Spin (no sleeping: that would let the waiter win every time).
        const auto deadline = Clock::now() + generousTimeout;
        KernelView view = KernelView::Running;
        while ((view = kernelView(pid)) == KernelView::Running)
            ASSERT_LT(Clock::now(), deadline) << "the child did not die";
        const auto status = child->tryWait();

        ASSERT_TRUE(status.has_value())
                << "round " << rounds << ": tryWait() said the child runs although the kernel "
                << (view == KernelView::Zombie ? "reported its exit" : "says it was reaped");
        EXPECT_TRUE(isForeignKill(*status)) << status->toString();
        ASSERT_TRUE(waiter.finishesWithin());
        EXPECT_EQ(waiter.get(), *status);
        zombiesSeen += view == KernelView::Zombie;
    }
    std::cout << rounds << " rounds, " << zombiesSeen << " with tryWait() before the reap\n";
    EXPECT_GT(zombiesSeen, 0) << "the race window was never exercised";
}
