// SPDX-License-Identifier: MIT
// Command::setKillOnParentDeath(): the child survives the exit of the thread
// that spawned it, and dies with the process.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <system_error>

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

// Such children are started by the library's spawner thread, which hands a
// failure back to the caller: the same error as any spawn gives, named once,
// and never an exception object shared between the two threads (the
// ThreadSanitizer build runs this: it saw the spawner thread free one that
// the caller had read).
TEST(ParentDeath, FailedSpawnReportsTheSameErrorAsAnyOther)
{
    for (int round = 0; round < 50; ++round) {
        Command command("/nonexistent/sctest-pdeath-" + std::to_string(round));
        command.setKillOnParentDeath(true);
        try {
            Child::spawn(command);
            FAIL() << "spawned " << command.program();
        } catch (const std::system_error &error) {
            const std::string what = error.what();
            const std::string reason = error.code().message();
            EXPECT_EQ(error.code(), std::errc::no_such_file_or_directory) << what;
            EXPECT_NE(what.find(command.program()), std::string::npos) << what;
            EXPECT_EQ(what.find(reason), what.size() - reason.size()) << what;
        }
    }
}
