// SPDX-License-Identifier: MIT
// Spawning, waiting, polling and killing one child from one thread, and what
// the ExitStatus says about it.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <poll.h>
#include <sys/wait.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// Blocks until the kernel reports `pid` as exited, without reaping it.
void awaitExitWithoutReaping(std::int64_t pid)
{
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    ASSERT_EQ(info.si_pid, pid);
}

} // namespace

TEST(Basics, TrueExitsWithZero)
{
    const auto child = Child::spawn(Command("true"));
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
    EXPECT_TRUE(status.resourceUsage().valid);
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
    const ExitStatus raised = Child::spawn(helper({"raise", "9"}))->wait();

    EXPECT_TRUE(code9.exitedNormally());
    EXPECT_EQ(code9.exitCode(), 9);
    EXPECT_EQ(code9.signalNumber(), 0);
    EXPECT_EQ(code9.toString(), "exit code 9");

    for (const ExitStatus &status : {killed, raised}) {
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

TEST(Basics, PollDescriptorBecomesReadableOnExit)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    if (Child::backend() != Child::Backend::Pidfd) {
        EXPECT_EQ(child->pollDescriptor(), -1);
        child->kill();
        child->wait();
        return;
    }
    pollfd entry{child->pollDescriptor(), POLLIN, 0};
    ASSERT_GE(entry.fd, 0);
    EXPECT_EQ(::poll(&entry, 1, 0), 0) << "readable while the child runs";
    child->kill();
    EXPECT_EQ(::poll(&entry, 1, static_cast<int>(generousTimeout.count())), 1);
    const auto status = child->tryWait();
    ASSERT_TRUE(status.has_value()) << "readable pollDescriptor(), yet tryWait() says running";
    EXPECT_EQ(status->signalNumber(), SIGKILL);
}
