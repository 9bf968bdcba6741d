// SPDX-License-Identifier: MIT
// Command::setKillOnParentDeath(): the child survives the exit of the thread
// that spawned it, and dies with the process; its own children do not (Linux:
// PR_SET_PDEATHSIG; Windows: a job object that ends its processes with us).

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
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

// pdeath_parent in `mode` ("chain" or "nested"), its child and its child's
// child; whatever is still alive at the end is killed.
class ThreeGenerations
{
public:
    explicit ThreeGenerations(const std::string &mode)
        : parent(Child::spawn(Command(SCTEST_PDEATH_PARENT, {m_dir.file("report"), mode}))),
          child(reportedPid(m_dir.file("report"))),
          childsChild(reportedPid(m_dir.file("report") + ".chained"))
    { }
    ~ThreeGenerations()
    {
        parent->kill();
        for (const std::int64_t pid : {child, childsChild}) {
            if (pid > 0 && isAlive(pid))
                killBehindTheLibrarysBack(pid);
        }
    }
    ThreeGenerations(const ThreeGenerations &) = delete;
    ThreeGenerations &operator=(const ThreeGenerations &) = delete;

private:
    const TempDir m_dir;

public:
    const std::shared_ptr<Child> parent;
    const std::int64_t child;
    const std::int64_t childsChild; // 0 when never reported
};

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
    const ThreeGenerations processes("chain");
    ASSERT_GT(processes.child, 0);
    ASSERT_GT(processes.childsChild, 0);

    processes.parent->kill();
    processes.parent->wait();
    EXPECT_TRUE(pollUntil([&] { return !isAlive(processes.child); }))
            << "the child outlived its parent";
    // A kill may lag behind the one before it: the child's child is watched
    // for a while before it counts as spared.
    EXPECT_FALSE(
            pollUntil([&] { return !isAlive(processes.childsChild); }, std::chrono::seconds(1)))
            << "the child's own child was killed too";
}

// A child killed on parent death may ask the same for its own child (a
// supervisor started by a supervisor): the deaths follow one another down
// (on Windows each process has its own job, and jobs nest).
TEST(ParentDeath, ItsOwnChildKilledOnParentDeathDiesInTurn)
{
    const ThreeGenerations processes("nested");
    ASSERT_GT(processes.child, 0);
    ASSERT_GT(processes.childsChild, 0);
    EXPECT_TRUE(isAlive(processes.child));
    EXPECT_TRUE(isAlive(processes.childsChild));

    processes.parent->kill();
    processes.parent->wait();
    EXPECT_TRUE(pollUntil([&] { return !isAlive(processes.child); }))
            << "the child outlived its parent";
    EXPECT_TRUE(pollUntil([&] { return !isAlive(processes.childsChild); }))
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
