// SPDX-License-Identifier: MIT
// Child::stopped(): stop and continue are seen, never taken for an exit, and
// the stop report is peeked, not consumed.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>

using namespace SharedChild;
using namespace SharedChildTest;

TEST(Stopped, ReportsTheStopSignalUntilContinued)
{
    // Its own process group: the kernel discards SIGTSTP sent to an orphaned
    // process group, which ours is when the test runs without a shell (CI).
    auto child = Child::spawn(helper({"sleep", "1000"}).setNewProcessGroup(true));
    const ScopeExit killOnFailure([&] { child->kill(); });
    EXPECT_FALSE(child->stopped());
    for (const int signal : {SIGSTOP, SIGTSTP}) {
        child->sendSignal(signal);
        ASSERT_TRUE(pollUntil([&] { return child->stopped().has_value(); }));
        EXPECT_EQ(*child->stopped(), signal);
        EXPECT_EQ(*child->stopped(), signal); // peeked: still there
        EXPECT_FALSE(child->tryWait());
        // The report is still there for someone else to collect.
        siginfo_t info{};
        ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child->id()), &info,
                           WSTOPPED | WNOHANG | WNOWAIT),
                  0);
        EXPECT_EQ(info.si_code, CLD_STOPPED);
        child->sendSignal(SIGCONT);
        ASSERT_TRUE(pollUntil([&] { return !child->stopped().has_value(); }));
    }
    child->kill();
    EXPECT_EQ(child->wait().signalNumber(), SIGKILL);
    EXPECT_FALSE(child->stopped()); // exited
}
