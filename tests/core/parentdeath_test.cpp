// SPDX-License-Identifier: MIT
// Command::setKillOnParentDeath(): the child survives the exit of the thread
// that spawned it, and dies with the process; its own children do not (Linux:
// PR_SET_PDEATHSIG; Windows: a job object that ends its processes with us).

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <system_error>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

bool isAlive(std::int64_t pid)
{
    const char state = processState(static_cast<pid_t>(pid));
    return state != 0 && state != 'Z' && state != 'X';
}

// The PID that pdeath_parent wrote to `report`, once it has written it.
std::int64_t reportedPid(const std::string &report)
{
    if (!pollUntil([&] { return readFile(report).find("thread-ended") != std::string::npos; }))
        return 0;
    return std::stoll(readFile(report));
}

} // namespace

TEST(ParentDeath, ChildSurvivesTheSpawningThreadAndDiesWithTheProcess)
{
    const TempDir dir;
    const std::string report = dir.file("report");
    auto parent = Child::spawn(Command(SCTEST_PDEATH_PARENT, {report}));
    const ScopeExit endParent([&] { parent->kill(); });
    const std::int64_t grandchild = reportedPid(report);
    ASSERT_GT(grandchild, 0);
    const ScopeExit cleanup([&] {
        if (isAlive(grandchild))
            killBehindTheLibrarysBack(grandchild);
    });
    EXPECT_TRUE(isAlive(grandchild)); // the spawning thread is gone, the child is not

    parent->kill();
    EXPECT_EQ(parent->wait().signalNumber(), Child::killSignal);
    EXPECT_TRUE(pollUntil([&] { return !isAlive(grandchild); })) << "the child outlived its parent";
}

// Only the child itself is tied to its parent's life: a process it starts
// lives on (on Windows the job lets the child's children break away).
TEST(ParentDeath, TheChildsOwnChildrenAreNotKilled)
{
    const TempDir dir;
    const std::string report = dir.file("report");
    auto parent = Child::spawn(Command(SCTEST_PDEATH_PARENT, {report, "chain"}));
    const ScopeExit endParent([&] { parent->kill(); });
    const std::int64_t child = reportedPid(report);
    ASSERT_GT(child, 0);
    const std::int64_t childsChild = reportedPid(report + ".chained");
    ASSERT_GT(childsChild, 0);
    const ScopeExit cleanup([&] {
        if (isAlive(childsChild))
            killBehindTheLibrarysBack(childsChild);
    });

    parent->kill();
    parent->wait();
    EXPECT_TRUE(pollUntil([&] { return !isAlive(child); })) << "the child outlived its parent";
    // A kill may lag behind the one before it: the child's child is watched
    // for a while before it counts as spared.
    EXPECT_FALSE(pollUntil([&] { return !isAlive(childsChild); }, std::chrono::seconds(1)))
            << "the child's own child was killed too";
}

// A child killed on parent death may ask the same for its own child (a
// supervisor started by a supervisor): the deaths follow one another down
// (on Windows each process has its own job, and jobs nest).
TEST(ParentDeath, ItsOwnChildKilledOnParentDeathDiesInTurn)
{
    const TempDir dir;
    const std::string report = dir.file("report");
    auto parent = Child::spawn(Command(SCTEST_PDEATH_PARENT, {report, "nested"}));
    const ScopeExit endParent([&] { parent->kill(); });
    const std::int64_t child = reportedPid(report);
    ASSERT_GT(child, 0);
    const std::int64_t childsChild = reportedPid(report + ".chained");
    ASSERT_GT(childsChild, 0);
    const ScopeExit cleanup([&] {
        for (const std::int64_t pid : {child, childsChild}) {
            if (isAlive(pid))
                killBehindTheLibrarysBack(pid);
        }
    });
    EXPECT_TRUE(isAlive(child));
    EXPECT_TRUE(isAlive(childsChild));

    parent->kill();
    parent->wait();
    EXPECT_TRUE(pollUntil([&] { return !isAlive(child); })) << "the child outlived its parent";
    EXPECT_TRUE(pollUntil([&] { return !isAlive(childsChild); }))
            << "the child's child outlived the child";
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
