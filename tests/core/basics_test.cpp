// SPDX-License-Identifier: MIT
// Spawning, waiting, polling and killing one child from one thread, and what
// the ExitStatus says about it.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>

using namespace SharedChild;
using namespace SharedChildTest;

TEST(Basics, TrueExitsWithZero)
{
    const auto child = Child::spawn(trueCommand());
    EXPECT_GT(child->id(), 0);
    const ExitStatus status = child->wait();
    EXPECT_TRUE(status.isValid());
    EXPECT_TRUE(status.success());
    EXPECT_TRUE(status.exitedNormally());
    EXPECT_EQ(status.exitCode(), 0);
    EXPECT_EQ(status.signalNumber(), 0);
    EXPECT_GT(child->id(), 0) << "the PID stays readable after exit";
}

TEST(Basics, ExitCodeIsReported)
{
    const auto child = Child::spawn(helper({"exit", "3"}));
    const ExitStatus status = child->wait();
    EXPECT_FALSE(status.success());
    EXPECT_EQ(status.exitCode(), 3);
    EXPECT_EQ(status.toString(), "exit code 3");
    EXPECT_TRUE(status.resourceUsage().isValid());
}

TEST(Basics, KillThenWait)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    child->kill();
    const ExitStatus status = child->wait();
    EXPECT_TRUE(status.isValid());
    EXPECT_FALSE(status.success());
    EXPECT_FALSE(status.exitedNormally());
    EXPECT_EQ(status.signalNumber(), SIGKILL);
}

TEST(Basics, TryWaitIsEmptyWhileRunningAndGivesTheStatusAfterKill)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    EXPECT_FALSE(child->tryWait().has_value());
    EXPECT_FALSE(child->tryWait().has_value());
    child->kill();
    std::optional<ExitStatus> status;
    ASSERT_TRUE(pollUntil([&] { return (status = child->tryWait()).has_value(); }));
    EXPECT_EQ(status->signalNumber(), SIGKILL);
    EXPECT_EQ(child->tryWait(), status) << "later calls return the same status";
    EXPECT_EQ(child->wait(), *status);
}

TEST(Basics, WaitingTwiceOnAnExitedChildDoesNotHang)
{
    const auto child = Child::spawn(helper({"exit", "5"}));
    ASSERT_NO_FATAL_FAILURE(awaitExitWithoutReaping(child->id()));
    auto first = runDetached([child] { return child->wait(); });
    ASSERT_EQ(first.wait_for(generousTimeout), std::future_status::ready) << "first wait() hung";
    auto second = runDetached([child] { return child->wait(); });
    ASSERT_EQ(second.wait_for(generousTimeout), std::future_status::ready) << "second wait() hung";
    const ExitStatus a = first.get();
    EXPECT_EQ(a.exitCode(), 5);
    EXPECT_EQ(second.get(), a);
    EXPECT_FALSE(isChildProcess(static_cast<pid_t>(child->id()))) << "no zombie after wait()";
}

TEST(Basics, ExitCodeNineAndSigkillAreToldApart)
{
    const ExitStatus code9 = Child::spawn(helper({"exit", "9"}))->wait();
    const auto victim = Child::spawn(helper({"sleep", "60"}));
    victim->kill();
    const ExitStatus killed = victim->wait();
    std::vector<ExitStatus> deaths = {killed};
#ifndef _WIN32 // the helper cannot raise signals where there are none
    deaths.push_back(Child::spawn(helper({"raise", "9"}))->wait());
#endif

    EXPECT_TRUE(code9.exitedNormally());
    EXPECT_EQ(code9.exitCode(), 9);
    EXPECT_EQ(code9.signalNumber(), 0);
    EXPECT_EQ(code9.toString(), "exit code 9");

    for (const ExitStatus &status : deaths) {
        EXPECT_FALSE(status.exitedNormally());
        EXPECT_EQ(status.exitCode(), -1);
        EXPECT_EQ(status.signalNumber(), SIGKILL);
        EXPECT_EQ(status.toString(), "killed by signal 9 (SIGKILL)");
        EXPECT_NE(status, code9);
    }
    EXPECT_NE(ExitStatus::exited(9), ExitStatus::signaled(9));
    EXPECT_EQ(ExitStatus::signaled(9), ExitStatus::signaled(9));
    EXPECT_FALSE(ExitStatus().isValid());
    EXPECT_EQ(ExitStatus().toString(), "no exit status");
}

// A segmentation fault on POSIX, an access violation on Windows (whose exact
// status tests/core/windows_test.cpp checks): a crash on every OS.
TEST(Basics, ACrashingChildReadsAsCrashed)
{
    const ExitStatus status = Child::spawn(helper({"crash"}))->wait();
    EXPECT_TRUE(status.crashed()) << status.toString();
    EXPECT_FALSE(status.success());
    EXPECT_FALSE(Child::spawn(helper({"exit", "3"}))->wait().crashed());
}
