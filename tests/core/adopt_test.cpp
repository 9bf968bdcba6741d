// SPDX-License-Identifier: MIT
// Child::adopt(): children started by other means get the same handling.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <limits>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// Started the way a third-party library would: plain posix_spawn().
pid_t spawnRaw(std::vector<std::string> arguments)
{
    arguments.insert(arguments.begin(), SCTEST_HELPER);
    std::vector<char *> argv;
    for (std::string &argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, SCTEST_HELPER, nullptr, nullptr, argv.data(), environ) != 0)
        return -1;
    return pid;
}

void killWhileAnotherThreadWaits(const std::shared_ptr<Child> &child)
{
    auto waiter = startInBackground([child] { return child->wait(); });
    ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked() || waiter.isDone(); }));
    child->kill();
    ASSERT_TRUE(waiter.finishesWithin());
    EXPECT_EQ(waiter.get().signalNumber(), SIGKILL);
    EXPECT_EQ(child->wait().signalNumber(), SIGKILL);
    EXPECT_FALSE(isChildProcess(static_cast<pid_t>(child->id()))); // reaped, no zombie
}

} // namespace

TEST(Adopt, ByPid)
{
    const pid_t pid = spawnRaw({"sleep", "1000"});
    ASSERT_GT(pid, 0);
    auto child = Child::adopt(std::int64_t{pid});
    EXPECT_EQ(child->id(), pid);
    EXPECT_FALSE(child->tryWait());
    killWhileAnotherThreadWaits(child);
}

TEST(Adopt, ByPidfd)
{
    const pid_t pid = spawnRaw({"sleep", "1000"});
    ASSERT_GT(pid, 0);
    FileDescriptor pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    ASSERT_TRUE(pidfd.isValid());
    const int rawPidfd = pidfd.get();
    auto child = Child::adopt(std::move(pidfd));
    EXPECT_EQ(child->id(), pid);
    EXPECT_EQ(child->pollDescriptor(), rawPidfd); // ownership passed to the Child
    killWhileAnotherThreadWaits(child);
}

TEST(Adopt, AnExitedButUnreapedChild)
{
    const pid_t pid = spawnRaw({"exit", "7"});
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(pollUntil([pid] { return processState(pid) == 'Z'; }));
    auto child = Child::adopt(std::int64_t{pid});
    EXPECT_EQ(child->wait().exitCode(), 7);
}

TEST(Adopt, RefusesProcessesThatAreNotOurChildren)
{
    for (const pid_t notOurs : {::getppid(), pid_t{1}}) {
        const auto error = systemErrorFrom([notOurs] { Child::adopt(std::int64_t{notOurs}); });
        ASSERT_TRUE(error) << notOurs;
        EXPECT_EQ(error->code(), errnoCode(ECHILD)) << error->what();
        EXPECT_NE(std::string(error->what()).find(std::to_string(notOurs)), std::string::npos);
    }
    // An already reaped child is not ours any more either.
    const pid_t pid = spawnRaw({"exit", "0"});
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const auto reaped = systemErrorFrom([pid] { Child::adopt(std::int64_t{pid}); });
    ASSERT_TRUE(reaped);
    EXPECT_EQ(reaped->code(), errnoCode(ECHILD)) << reaped->what();
    EXPECT_NE(std::string(reaped->what()).find(std::to_string(pid)), std::string::npos);
}

TEST(Adopt, RefusesValuesThatAreNoProcessId)
{
    const pid_t pid = spawnRaw({"sleep", "1000"});
    ASSERT_GT(pid, 0);
    const ScopeExit cleanup([pid] {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    });
    // The first would name `pid` if narrowed to pid_t; 0 and -1 name groups
    // of processes in the wait calls.
    const std::int64_t aboveRange = (std::int64_t{1} << 32) + pid;
    for (const std::int64_t notAPid :
         {aboveRange, std::int64_t{0}, std::int64_t{-1}, -std::int64_t{pid},
          std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
        const auto error = systemErrorFrom([notAPid] { Child::adopt(notAPid); });
        ASSERT_TRUE(error) << notAPid << " was adopted";
        EXPECT_EQ(error->code(), errnoCode(EINVAL)) << error->what();
        EXPECT_NE(std::string(error->what()).find(std::to_string(notAPid)), std::string::npos)
                << error->what();
    }
    EXPECT_EQ(kernelView(pid), KernelView::Running) << "the child was adopted and reaped";
}

TEST(Adopt, RefusesADescriptorThatIsNotAPidfd)
{
    FileDescriptor notAPidfd(::dup(0));
    ASSERT_TRUE(notAPidfd.isValid());
    const auto error = systemErrorFrom([&] { Child::adopt(std::move(notAPidfd)); });
    ASSERT_TRUE(error);
}
