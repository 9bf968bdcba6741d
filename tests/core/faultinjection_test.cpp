// SPDX-License-Identifier: MIT
// A transient error of the OS is not a lost child: only ECHILD says that
// something else reaped it. Built against a copy of the core with the fault
// seam of src/core/posix/faultinjection.h, which this file drives: an armed
// failure makes the next wait, peek or reap system call fail with a chosen
// errno instead of being made.

#include "../../src/core/posix/faultinjection.h"
#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <mutex>
#include <sys/wait.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

struct ArmedFault
{
    std::mutex mutex;
    Detail::FaultPoint point = Detail::FaultPoint::Wait; // guarded by mutex
    int error = 0; // guarded by mutex
    int remaining = 0; // guarded by mutex
};

ArmedFault &armedFault()
{
    static ArmedFault fault;
    return fault;
}

// The next `count` calls at `point` fail with `error`.
void arm(Detail::FaultPoint point, int error, int count = 1)
{
    ArmedFault &fault = armedFault();
    std::lock_guard lock(fault.mutex);
    fault.point = point;
    fault.error = error;
    fault.remaining = count;
}

// How many armed failures have not happened yet (0: all were injected).
int pendingFaults()
{
    ArmedFault &fault = armedFault();
    std::lock_guard lock(fault.mutex);
    return fault.remaining;
}

class FaultInjection : public ::testing::Test
{
protected:
    void TearDown() override { arm(Detail::FaultPoint::Wait, 0, 0); }
};

// A child that runs until killed, and a guard that kills it behind the
// library's back should a check return early with a thread still waiting.
struct SleepingChild
{
    std::shared_ptr<Child> child = Child::spawn(helper({"sleep", "1000"}));
    ScopeExit cleanup{[pid = child->id()] {
        if (kernelView(pid) == KernelView::Running)
            killBehindTheLibrarysBack(pid);
    }};
};

// The error that a failed call must pass on, unchanged.
void expectInjectedError(const std::optional<CaughtError> &error, int expected)
{
    ASSERT_TRUE(error.has_value()) << "the injected failure was swallowed";
    EXPECT_EQ(error->code(), errnoCode(expected)) << error->what();
}

// After a failed call the child is still ours: a signal reaches it, and a
// later wait() gets its status and reaps it.
void expectStillKillableAndReaped(const std::shared_ptr<Child> &child)
{
    ASSERT_EQ(kernelView(child->id()), KernelView::Running);
    child->kill();
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(waiter.finishesWithin()) << "kill() was a no-op or wait() hangs";
    EXPECT_EQ(waiter.get().signalNumber(), SIGKILL);
    EXPECT_EQ(kernelView(child->id()), KernelView::Reaped) << "left a zombie";
}

} // namespace

namespace SharedChild::Detail {
bool injectedFault(FaultPoint point)
{
    ArmedFault &fault = armedFault();
    std::lock_guard lock(fault.mutex);
    if (fault.remaining == 0 || fault.point != point)
        return false;
    --fault.remaining;
    errno = fault.error;
    return true;
}
} // namespace SharedChild::Detail

TEST_F(FaultInjection, FailedWaitReachesTheCallerAndTheChildIsStillOurs)
{
    SleepingChild sleeping;
    arm(Detail::FaultPoint::Wait, ENOMEM);
    expectInjectedError(systemErrorFrom([&] { sleeping.child->wait(); }), ENOMEM);
    EXPECT_EQ(pendingFaults(), 0);
    expectStillKillableAndReaped(sleeping.child);
}

TEST_F(FaultInjection, FailedTimedWaitReachesTheCallerAndTheChildIsStillOurs)
{
    SleepingChild sleeping;
    // The waitid backend has no timed wait in the OS: it polls with peeks.
    arm(Child::backend() == Child::Backend::Pidfd ? Detail::FaultPoint::Wait
                                                  : Detail::FaultPoint::Peek,
        ENOMEM);
    expectInjectedError(systemErrorFrom([&] { sleeping.child->waitFor(generousTimeout); }), ENOMEM);
    EXPECT_EQ(pendingFaults(), 0);
    EXPECT_FALSE(sleeping.child->waitFor(1ms)) << "the role of the waiter was not handed back";
    expectStillKillableAndReaped(sleeping.child);
}

TEST_F(FaultInjection, FailedPeekReachesTheCallerAndTheChildIsStillOurs)
{
    SleepingChild sleeping;
    arm(Detail::FaultPoint::Peek, ENOMEM);
    expectInjectedError(systemErrorFrom([&] { sleeping.child->tryWait(); }), ENOMEM);
    EXPECT_EQ(pendingFaults(), 0);
    EXPECT_FALSE(sleeping.child->tryWait());
    expectStillKillableAndReaped(sleeping.child);
}

TEST_F(FaultInjection, FailedPeekLeavesTheWaitingThreadWaiting)
{
    SleepingChild sleeping;
    auto child = sleeping.child;
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked() || waiter.isDone(); }));
    arm(Detail::FaultPoint::Peek, ENOMEM);
    expectInjectedError(systemErrorFrom([&] { child->tryWait(); }), ENOMEM);
    EXPECT_EQ(pendingFaults(), 0);
    EXPECT_FALSE(waiter.isDone());
    child->kill();
    ASSERT_TRUE(waiter.finishesWithin()) << "kill() was a no-op or the waiter hangs";
    EXPECT_EQ(waiter.get().signalNumber(), SIGKILL);
    EXPECT_EQ(kernelView(child->id()), KernelView::Reaped) << "left a zombie";
}

TEST_F(FaultInjection, FailedReapFromTryWaitLeavesTheZombieForTheNextCall)
{
    auto child = Child::spawn(helper({"exit", "3"}));
    awaitExitWithoutReaping(child->id());
    arm(Detail::FaultPoint::Reap, ENOMEM);
    expectInjectedError(systemErrorFrom([&] { child->tryWait(); }), ENOMEM);
    EXPECT_EQ(pendingFaults(), 0);
    EXPECT_EQ(kernelView(child->id()), KernelView::Zombie);
    const auto status = child->tryWait();
    ASSERT_TRUE(status);
    EXPECT_EQ(status->exitCode(), 3);
    EXPECT_EQ(kernelView(child->id()), KernelView::Reaped) << "left a zombie";
}

TEST_F(FaultInjection, FailedReapFromWaitLeavesTheZombieForTheNextCall)
{
    auto child = Child::spawn(helper({"exit", "3"}));
    arm(Detail::FaultPoint::Reap, ENOMEM);
    expectInjectedError(systemErrorFrom([&] { child->wait(); }), ENOMEM);
    EXPECT_EQ(pendingFaults(), 0);
    EXPECT_EQ(kernelView(child->id()), KernelView::Zombie);
    EXPECT_EQ(child->wait().exitCode(), 3);
    EXPECT_EQ(kernelView(child->id()), KernelView::Reaped) << "left a zombie";
}

// Whoever reaps first, the waiting thread or tryWait() (whose peek may also
// leave the reap to the waiter), gets the error; the other gets the status.
TEST_F(FaultInjection, FailedReapWhileAnotherThreadWaitsReachesOneCaller)
{
    SleepingChild sleeping;
    auto child = sleeping.child;
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked() || waiter.isDone(); }));
    arm(Detail::FaultPoint::Reap, ENOMEM);
    child->kill();
    awaitExitWithoutReaping(child->id());
    const auto peekError = systemErrorFrom([&] {
        const auto status = child->tryWait();
        ASSERT_TRUE(status) << "tryWait() is stale";
        EXPECT_EQ(status->signalNumber(), SIGKILL);
    });
    ASSERT_TRUE(waiter.finishesWithin());
    const auto waitError
            = systemErrorFrom([&] { EXPECT_EQ(waiter.get().signalNumber(), SIGKILL); });
    EXPECT_EQ(pendingFaults(), 0);
    EXPECT_NE(peekError.has_value(), waitError.has_value()) << "one caller must see the error";
    expectInjectedError(peekError ? peekError : waitError, ENOMEM);
    EXPECT_EQ(child->wait().signalNumber(), SIGKILL);
    EXPECT_EQ(kernelView(child->id()), KernelView::Reaped) << "left a zombie";
}

TEST_F(FaultInjection, InterruptedCallsAreRetried)
{
    for (const auto point :
         {Detail::FaultPoint::Wait, Detail::FaultPoint::Peek, Detail::FaultPoint::Reap}) {
        SCOPED_TRACE(static_cast<int>(point));
        auto child = Child::spawn(helper({"exit", "3"}));
        if (point == Detail::FaultPoint::Peek)
            awaitExitWithoutReaping(child->id());
        arm(point, EINTR, 3);
        const auto status = point == Detail::FaultPoint::Peek ? child->tryWait() : child->wait();
        ASSERT_TRUE(status);
        EXPECT_EQ(status->exitCode(), 3);
        EXPECT_EQ(pendingFaults(), 0) << "the seam was not reached";
        EXPECT_EQ(kernelView(child->id()), KernelView::Reaped);
    }
}

TEST_F(FaultInjection, InterruptedTimedWaitIsRetried)
{
    SleepingChild sleeping;
    arm(Child::backend() == Child::Backend::Pidfd ? Detail::FaultPoint::Wait
                                                  : Detail::FaultPoint::Peek,
        EINTR, 3);
    EXPECT_FALSE(sleeping.child->waitFor(50ms));
    EXPECT_EQ(pendingFaults(), 0);
    expectStillKillableAndReaped(sleeping.child);
}

TEST_F(FaultInjection, EchildStillMeansLost)
{
    SleepingChild sleeping;
    arm(Detail::FaultPoint::Peek, ECHILD);
    expectInjectedError(systemErrorFrom([&] { sleeping.child->tryWait(); }), ECHILD);
    expectInjectedError(systemErrorFrom([&] { sleeping.child->wait(); }), ECHILD);
    sleeping.child->kill(); // a no-op: the library believes the PID gone
    const auto pid = static_cast<pid_t>(sleeping.child->id());
    EXPECT_EQ(kernelView(pid), KernelView::Running);
    killBehindTheLibrarysBack(pid);
    EXPECT_EQ(::waitpid(pid, nullptr, 0), pid); // the library will not reap a lost child
}
