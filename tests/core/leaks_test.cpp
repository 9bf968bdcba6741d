// SPDX-License-Identifier: MIT
// Nothing is left behind: no descriptor, thread or zombie after many children,
// and a child whose last owner let go is reaped once it exits (not killed).

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// Reaps through each path in turn: wait(), waitFor(), polling tryWait().
ExitStatus reap(Child &child, int path)
{
    switch (path % 3) {
    case 0:
        return child.wait();
    case 1:
        if (const auto status = child.waitFor(generousTimeout))
            return *status;
        return {};
    default:
        std::optional<ExitStatus> status;
        pollUntil([&] { return (status = child.tryWait()).has_value(); });
        return status.value_or(ExitStatus());
    }
}

} // namespace

TEST(Leaks, ManyChildrenLeaveNoDescriptorThreadOrZombie)
{
    // A thousand; under Wine two hundred, which took 76 s for a thousand on a
    // loaded machine. A leak per child still shows as two hundred of a kind.
    const int batches = runsUnderWine() ? 20 : 100;
    const int fds = openFdCount();
    const int threads = threadCount();
    const std::size_t children = childProcesses().size();
    int spawned = 0;
    for (int batch = 0; batch < batches; ++batch) {
        std::vector<std::shared_ptr<Child>> running;
        for (int i = 0; i < 10; ++i, ++spawned)
            running.push_back(Child::spawn(trueCommand()));
        for (std::size_t i = 0; i < running.size(); ++i)
            ASSERT_TRUE(reap(*running[i], batch + static_cast<int>(i)).success());
    }
    EXPECT_EQ(spawned, batches * 10);
    EXPECT_EQ(openFdCount(), fds);
    EXPECT_EQ(threadCount(), threads);
    EXPECT_EQ(childProcesses().size(), children);
}

TEST(Leaks, DroppedRunningChildIsNeitherKilledNorLeftAZombie)
{
    const TempDir dir;
    const std::string go = dir.file("go");
    const std::string out = dir.file("out");
    pid_t pid = 0;
    {
        const auto child = Child::spawn(helper({"--out", out, "wait-file", go}));
        pid = static_cast<pid_t>(child->id());
    }
    EXPECT_TRUE(isChildProcess(pid));
    EXPECT_NE(processState(pid), 'Z');
    writeFile(go, "");
    ASSERT_TRUE(pollUntil([&] { return !isChildProcess(pid); }))
            << "the dropped child was left a zombie (state " << processState(pid) << ')';
    EXPECT_EQ(readFile(out), "exiting\n") << "the child did not exit on its own";
}

TEST(Leaks, DroppedExitedChildrenAreReapedInTheBackground)
{
    std::vector<pid_t> pids;
    for (int i = 0; i < 20; ++i) {
        const auto child = Child::spawn(helper({"exit", "0"}));
        pids.push_back(static_cast<pid_t>(child->id()));
        // Braced: ASSERT_* expands to an if/else of its own (gcc's -Wdangling-else).
        if (i % 2 == 0) { // a zombie before the last owner lets go
            ASSERT_NO_FATAL_FAILURE(awaitExitWithoutReaping(pids.back()));
        }
    }
    for (const pid_t pid : pids)
        EXPECT_TRUE(pollUntil([pid] { return !isChildProcess(pid); })) << "zombie " << pid;
}
