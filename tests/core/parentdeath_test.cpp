// SPDX-License-Identifier: MIT
// Command::setKillOnParentDeath(): the child survives the exit of the thread
// that spawned it, and dies with the process.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>

using namespace SharedChild;
using namespace SharedChildTest;

TEST(ParentDeath, ChildSurvivesTheSpawningThreadAndDiesWithTheProcess)
{
    const TempDir dir;
    const std::string report = dir.file("report");
    auto parent = Child::spawn(Command(SCTEST_PDEATH_PARENT, {report}));
    ASSERT_TRUE(
            pollUntil([&] { return readFile(report).find("thread-ended") != std::string::npos; }));
    const pid_t grandchild = std::stoi(readFile(report));
    ASSERT_GT(grandchild, 0);
    auto alive = [grandchild] {
        const char state = processState(grandchild);
        return state != 0 && state != 'Z' && state != 'X';
    };
    EXPECT_TRUE(alive()); // the spawning thread is gone, the child is not

    parent->kill();
    EXPECT_EQ(parent->wait().signalNumber(), SIGKILL);
    EXPECT_TRUE(pollUntil([&] { return !alive(); })) << "the child outlived its parent";
}
