// SPDX-License-Identifier: MIT
// PID reuse: once the child is reaped, its PID can go to an unrelated
// process. Signals through the old handle must never reach that process.
//
// The window is forced, not hoped for: inside a fresh PID namespace (the test
// re-runs itself behind pidNamespaceWrapper(), sctest-pidns) we write PID - 1
// to /proc/sys/kernel/ns_last_pid, so the next process created gets the PID.

#include "pidnamespace.h"
#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <unistd.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

constexpr int rounds = 50;

void reuseRound()
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const auto oldPid = static_cast<pid_t>(child->id());

    // The hammer kills the child and goes on signalling through the reap,
    // the reuse and beyond.
    std::atomic<bool> stop{false};
    std::atomic<long> hammered{0};
    std::thread hammer([&] {
        for (long i = 0; !stop; ++i) {
            i % 2 ? child->kill() : child->sendSignal(i % 4 ? SIGUSR2 : SIGKILL);
            ++hammered;
        }
    });
    const auto stopHammer = [&] {
        stop = true;
        if (hammer.joinable())
            hammer.join();
    };
    const ScopeExit cleanup(stopHammer);

    const int signal = child->wait().signalNumber();
    EXPECT_TRUE(signal == SIGKILL || signal == SIGUSR2) << "killed by " << signal;
    ASSERT_FALSE(isChildProcess(oldPid)) << "not reaped";

    // No thread may start between these two lines: threads take PIDs too.
    giveNextPid(oldPid);
    Stranger stranger(SCTEST_HELPER);
    ASSERT_EQ(stranger.pid(), oldPid) << "the PID was not reused; the test would prove nothing";

    const long before = hammered;
    ASSERT_TRUE(pollUntil([&] { return hammered - before >= 2000; }));
    child->kill();
    child->terminate();
    child->sendSignal(SIGKILL);
    child->sendSignal(SIGUSR2);
    stopHammer();

    ASSERT_TRUE(stranger.stopsOnSigstop()) << "a signal for the old child reached the new process";
    EXPECT_EQ(stranger.terminateAndReap(), SIGTERM);
}

} // namespace

TEST(PidReuse, SignalsNeverReachAProcessThatReusedThePid)
{
    if (!isInnerRun()) {
        const int error = pidNamespaceError();
        if (error == EPERM)
            GTEST_SKIP() << "creating a PID namespace is not permitted here (EPERM)";
        ASSERT_EQ(error, 0) << "unshare(CLONE_NEWPID): " << std::strerror(error);
        InnerRun run;
        try {
            run = runCurrentTestInSubprocess(pidNamespaceWrapper());
        } catch (const std::system_error &spawnError) {
            FAIL() << "cannot run " << pidNamespaceWrapper().front() << ": " << spawnError.what();
        }
        EXPECT_TRUE(run.status.success())
                << "inner run in a PID namespace: " << run.status.toString();
        EXPECT_TRUE(run.passed) << "the inner run did not reach its checks";
        return;
    }
    ASSERT_EQ(::getpid(), 1) << "the inner run must be the first process of a new PID namespace";
    for (int round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        ASSERT_NO_FATAL_FAILURE(reuseRound());
    }
    if (!::testing::Test::HasFailure())
        markInnerRunPassed();
}
