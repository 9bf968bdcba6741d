// SPDX-License-Identifier: MIT
// killProcessGroup(): the child and its descendants in one call, never after
// the leader's reap (when the group ID could be reused).

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

std::vector<pid_t> pidsIn(const std::string &text)
{
    std::vector<pid_t> pids;
    std::istringstream stream(text);
    pid_t pid = 0;
    while (stream >> pid)
        pids.push_back(pid);
    return pids;
}

bool isDead(pid_t pid)
{
    const char state = processState(pid);
    return state == 0 || state == 'Z' || state == 'X';
}

} // namespace

TEST(ProcessGroup, GroupKillLeavesNoGrandchild)
{
    const TempDir dir;
    const std::string pidFile = dir.file("grandchildren");
    // A shell that starts two background grandchildren, records their PIDs and waits.
    const std::string script = "sleep 1000 & echo $! >> " + pidFile + "; sleep 1000 & echo $! >> "
            + pidFile + "; echo done >> " + pidFile + "; wait";
    auto child = Child::spawn(Command("sh", {"-c", script}).setNewProcessGroup(true));
    ASSERT_TRUE(pollUntil([&] { return readFile(pidFile).find("done") != std::string::npos; }));
    const std::vector<pid_t> grandchildren = pidsIn(readFile(pidFile));
    ASSERT_EQ(grandchildren.size(), 2u);
    for (const pid_t pid : grandchildren)
        ASSERT_FALSE(isDead(pid));

    child->killProcessGroup(SIGKILL);
    EXPECT_EQ(child->wait().signalNumber(), SIGKILL);
    for (const pid_t pid : grandchildren)
        EXPECT_TRUE(pollUntil([pid] { return isDead(pid); }))
                << "grandchild " << pid << " survived";
}

TEST(ProcessGroup, PlainKillLeavesGrandchildrenRunning)
{
    // The control case: without the group kill the grandchild outlives the shell.
    const TempDir dir;
    const std::string pidFile = dir.file("grandchild");
    const std::string script = "sleep 1000 & echo $! > " + pidFile + "; wait";
    auto child = Child::spawn(Command("sh", {"-c", script}).setNewProcessGroup(true));
    ASSERT_TRUE(pollUntil([&] { return pidsIn(readFile(pidFile)).size() == 1; }));
    const pid_t grandchild = pidsIn(readFile(pidFile)).front();
    child->kill();
    child->wait();
    EXPECT_FALSE(isDead(grandchild));
    ::kill(grandchild, SIGKILL);
}

TEST(ProcessGroup, RequiresANewProcessGroup)
{
    auto child = Child::spawn(helper({"sleep", "1000"}));
    const auto error = systemErrorFrom([&] { child->killProcessGroup(SIGTERM); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), errnoCode(EINVAL));
    EXPECT_NE(std::string(error->what()).find("setNewProcessGroup"), std::string::npos);
    child->kill();
    child->wait();
}

TEST(ProcessGroup, NoOpOnceTheLeaderIsReaped)
{
    auto child = Child::spawn(helper({"exit", "0"}).setNewProcessGroup(true));
    EXPECT_TRUE(child->wait().success());
    EXPECT_NO_THROW(child->killProcessGroup(SIGKILL));
    const auto invalid = systemErrorFrom([&] { child->killProcessGroup(-5); });
    ASSERT_TRUE(invalid);
    EXPECT_EQ(invalid->code(), errnoCode(EINVAL));
}
