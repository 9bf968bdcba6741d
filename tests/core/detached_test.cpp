// SPDX-License-Identifier: MIT
// Child::spawnDetached() (QProcess::startDetached()): the program runs on its
// own, is never this process's child, and the call returns its real PID. It
// honours the Command's context and reports start failures as spawn() does,
// leaving nothing behind.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

#ifndef _WIN32
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// Once a detached program has ended, whoever inherited it reaps it; a PID 1
// that reaps nothing (some containers) leaves a zombie, which is not ours.
bool hasEnded(std::int64_t pid)
{
    const char state = processState(static_cast<pid_t>(pid));
    return state == 0 || state == 'Z';
}

// Kills a detached program that a test leaves running, and waits for its end.
class DetachedProcess
{
public:
    explicit DetachedProcess(std::int64_t pid) : m_pid(pid) { }
    ~DetachedProcess()
    {
        if (!hasEnded(m_pid))
            killBehindTheLibrarysBack(m_pid);
        EXPECT_TRUE(pollUntil([this] { return hasEnded(m_pid); }));
    }
    DetachedProcess(const DetachedProcess &) = delete;
    DetachedProcess &operator=(const DetachedProcess &) = delete;

    std::int64_t pid() const { return m_pid; }

private:
    std::int64_t m_pid;
};

// What the process holds that a failed or finished detached start must not change.
struct Census
{
    int fds = openFdCount();
    int threads = threadCount();
    std::size_t children = childProcesses().size();
};

void expectUnchanged(const Census &before)
{
    EXPECT_EQ(openFdCount(), before.fds);
    EXPECT_EQ(threadCount(), before.threads);
    EXPECT_EQ(childProcesses().size(), before.children);
}

// Runs `command` detached with stdout to a file and returns what it printed.
std::string detachedOutput(Command command, const TempDir &dir)
{
    const std::string out = dir.file("detached-out");
    command.setStdout(Stdio::file(out));
    const std::int64_t pid = Child::spawnDetached(command);
    EXPECT_GT(pid, 0);
    EXPECT_TRUE(pollUntil([pid] { return hasEnded(pid); }));
    return readFile(out);
}

} // namespace

TEST(Detached, ReturnsThePidOfTheRunningProgram)
{
    const TempDir dir;
    const std::string ready = dir.file("ready");
    const Census before;
    const DetachedProcess detached(Child::spawnDetached(helper({"--ready", ready, "sleep", "60"})));
    ASSERT_TRUE(waitForFile(ready));
    EXPECT_NE(processState(static_cast<pid_t>(detached.pid())), 0);
    EXPECT_NE(processState(static_cast<pid_t>(detached.pid())), 'Z');
    EXPECT_EQ(openFdCount(), before.fds); // Windows: no handle of it is kept
    EXPECT_EQ(threadCount(), before.threads);
#ifndef _WIN32
    // Windows keeps the creator's ID as the parent's of a running process:
    // there it is counted among childProcesses() until it ends.
    EXPECT_EQ(childProcesses().size(), before.children);
    EXPECT_NE(readFile("/proc/" + std::to_string(detached.pid()) + "/cmdline").find(ready),
              std::string::npos);
#endif
}

TEST(Detached, HonoursWorkingDirectoryEnvironmentAndOutputFiles)
{
    const TempDir dir;
    const TempDir workingDirectory;
    Command cwd = helper({"cwd"});
    cwd.setWorkingDirectory(workingDirectory.path());
    EXPECT_EQ(detachedOutput(cwd, dir),
              std::filesystem::canonical(workingDirectory.path()).string() + '\n');

    Command env = helper({"env", "SCTEST_DETACHED"});
    env.setEnvironment(environmentWith({"SCTEST_DETACHED=from the command"}));
    EXPECT_EQ(detachedOutput(env, dir), "from the command\n");

    const std::string log = dir.file("log");
    writeFile(log, "before\n");
    Command appended = helper({"env", "SCTEST_DETACHED"});
    appended.setEnvironment(environmentWith({"SCTEST_DETACHED=appended"}));
    appended.setStdout(Stdio::appendFile(log));
    const std::int64_t pid = Child::spawnDetached(appended);
    ASSERT_TRUE(pollUntil([pid] { return hasEnded(pid); }));
    EXPECT_EQ(readFile(log), "before\nappended\n");
}

TEST(Detached, StartErrorsAreSpawnsErrorsAndLeaveNothingBehind)
{
    const TempDir dir;
    std::vector<Command> bad = {
            Command("sctest-no-such-program"),
            Command(dir.file("missing")),
            helper({"exit", "0"}).setWorkingDirectory(dir.file("missing-directory")),
            Command(dir.path()), // a directory
            helper({"exit", "0"}).setStdout(Stdio::file(dir.file("no/such/dir/out"))),
    };
#ifndef _WIN32
    // These fail only in the program's own process, after the fork.
    writeFile(dir.file("not-executable"), "data\n");
    bad.push_back(Command(dir.file("not-executable")));
    bad.push_back(helper({"exit", "0"}).setWorkingDirectory(dir.file("not-executable")));
#endif
    for (const Command &command : bad) {
        SCOPED_TRACE(command.program());
        const auto spawnError = systemErrorFrom([&] { Child::spawn(command); });
        ASSERT_TRUE(spawnError);
        const Census before;
        const auto detachedError = systemErrorFrom([&] { Child::spawnDetached(command); });
        ASSERT_TRUE(detachedError);
        EXPECT_EQ(detachedError->code(), spawnError->code());
        EXPECT_STREQ(detachedError->what(), spawnError->what());
        EXPECT_NE(std::string(detachedError->what()).find(command.program()), std::string::npos);
        expectUnchanged(before);
    }
}

TEST(Detached, RefusesPipesAndKillOnParentDeath)
{
    // Under Wine the first refused spawn in a process leaves two handles and a
    // thread of Wine's own behind, once (the test passes when repeated in one
    // process): one refusal before the census, as StartErrorsAre... does.
    ASSERT_TRUE(systemErrorFrom([] {
        Child::spawnDetached(helper({"exit", "0"}).setKillOnParentDeath(true));
    }));
    const Census before;
    for (int stream = 0; stream < 3; ++stream) {
        Command command = helper({"exit", "0"});
        const char *name = stream == 0 ? "stdin" : stream == 1 ? "stdout" : "stderr";
        if (stream == 0)
            command.setStdin(Stdio::pipe());
        else if (stream == 1)
            command.setStdout(Stdio::pipe());
        else
            command.setStderr(Stdio::pipe());
        const auto error = systemErrorFrom([&] { Child::spawnDetached(command); });
        ASSERT_TRUE(error) << name;
        EXPECT_EQ(error->code(), errnoCode(EINVAL));
        const std::string what = error->what();
        EXPECT_NE(what.find(name), std::string::npos) << what;
        EXPECT_NE(what.find("pipe"), std::string::npos) << what;
        EXPECT_NE(what.find(SCTEST_HELPER), std::string::npos) << what;
    }
    Command command = helper({"exit", "0"});
    command.setKillOnParentDeath(true);
    const auto error = systemErrorFrom([&] { Child::spawnDetached(command); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), errnoCode(EINVAL));
    expectUnchanged(before);
}

TEST(Detached, ManyThreadsEachGetTheirProgramsPid)
{
    const TempDir dir;
    struct Started
    {
        std::string ready;
        std::int64_t pid = 0;
    };
    std::vector<std::future<std::vector<Started>>> results;
    for (int thread = 0; thread < 4; ++thread) {
        results.push_back(runDetached([&dir, thread] {
            std::vector<Started> started;
            for (int i = 0; i < 5; ++i) {
                const std::string ready
                        = dir.file(std::to_string(thread) + '-' + std::to_string(i));
                started.push_back(
                        {ready, Child::spawnDetached(helper({"--ready", ready, "sleep", "60"}))});
            }
            return started;
        }));
    }
    std::vector<std::unique_ptr<DetachedProcess>> detached;
    std::vector<Started> all;
    for (auto &result : results) {
        ASSERT_EQ(result.wait_for(generousTimeout), std::future_status::ready);
        for (const Started &started : result.get()) {
            detached.push_back(std::make_unique<DetachedProcess>(started.pid));
            all.push_back(started);
        }
    }
    for (const Started &started : all) {
        ASSERT_TRUE(waitForFile(started.ready));
        EXPECT_NE(processState(static_cast<pid_t>(started.pid)), 0);
#ifndef _WIN32
        // Each PID is that of the helper given this ready file.
        EXPECT_NE(readFile("/proc/" + std::to_string(started.pid) + "/cmdline").find(started.ready),
                  std::string::npos);
#endif
    }
    std::set<std::int64_t> pids;
    for (const Started &started : all)
        pids.insert(started.pid);
    EXPECT_EQ(pids.size(), all.size());
}

#ifndef _WIN32

namespace {

// Fields of /proc/PID/stat after the command name: state ppid pgrp session.
struct ProcStat
{
    pid_t ppid = 0;
    pid_t pgrp = 0;
    pid_t session = 0;
};

ProcStat procStat(std::int64_t pid)
{
    const std::string text = readFile("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream fields(text.substr(text.rfind(')') + 1));
    char state = 0;
    ProcStat stat;
    fields >> state >> stat.ppid >> stat.pgrp >> stat.session;
    return stat;
}

} // namespace

TEST(Detached, IsNeverOurChild)
{
    const TempDir dir;
    const std::string ready = dir.file("ready");
    const Census before;
    const DetachedProcess detached(Child::spawnDetached(helper({"--ready", ready, "sleep", "60"})));
    ASSERT_TRUE(waitForFile(ready));
    const pid_t pid = static_cast<pid_t>(detached.pid());
    int status = 0;
    EXPECT_EQ(::waitpid(pid, &status, WNOHANG | __WALL), -1);
    EXPECT_EQ(errno, ECHILD);
    EXPECT_FALSE(isChildProcess(pid));
    const ProcStat stat = procStat(pid);
    EXPECT_NE(stat.ppid, ::getpid());
    // A session of its own, led by the intermediate child that has exited;
    // its process group is that session's.
    EXPECT_NE(stat.session, ::getsid(0));
    EXPECT_NE(stat.session, pid);
    EXPECT_EQ(stat.pgrp, stat.session);
    expectUnchanged(before);
}

TEST(Detached, ItsEndLeavesNoZombieHere)
{
    const Census before;
    const std::int64_t pid = Child::spawnDetached(helper({"exit", "3"}));
    ASSERT_TRUE(pollUntil([pid] { return hasEnded(pid); }));
    expectUnchanged(before);
    EXPECT_FALSE(isChildProcess(static_cast<pid_t>(pid)));
}

TEST(Detached, NewProcessGroupMakesItTheLeader)
{
    const TempDir dir;
    const std::string ready = dir.file("ready");
    Command command = helper({"--ready", ready, "sleep", "60"});
    command.setNewProcessGroup(true);
    const DetachedProcess detached(Child::spawnDetached(command));
    ASSERT_TRUE(waitForFile(ready));
    const ProcStat stat = procStat(detached.pid());
    EXPECT_EQ(stat.pgrp, detached.pid());
    EXPECT_NE(stat.session, ::getsid(0));
}

TEST(Detached, GivesTheProgramACopyOfADescriptor)
{
    const TempDir dir;
    const std::string out = dir.file("out");
    FileDescriptor file(::open(out.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_TRUE(file);
    Command command = helper({"env", "SCTEST_DETACHED"});
    command.setEnvironment(environmentWith({"SCTEST_DETACHED=through a descriptor"}));
    command.setStdout(Stdio::descriptor(file.get()));
    const Census before;
    const std::int64_t pid = Child::spawnDetached(command);
    ASSERT_TRUE(pollUntil([pid] { return hasEnded(pid); }));
    expectUnchanged(before);
    EXPECT_EQ(readFile(out), "through a descriptor\n");
}

TEST(Detached, RunsTheChildSetupHookInTheProgramsProcess)
{
    const TempDir dir;
    Command command = helper({"cwd"});
    command.setWorkingDirectory(dir.path());
    command.setChildSetup([] {
        // getpid() in decimal, written without allocating.
        char digits[24];
        char *end = digits + sizeof digits;
        char *begin = end;
        *--begin = '\n';
        for (long pid = ::getpid(); pid > 0; pid /= 10)
            *--begin = static_cast<char>('0' + pid % 10);
        (void)!::write(1, begin, static_cast<std::size_t>(end - begin));
    });
    const std::string out = dir.file("out");
    command.setStdout(Stdio::file(out));
    const std::int64_t pid = Child::spawnDetached(command);
    ASSERT_TRUE(pollUntil([pid] { return hasEnded(pid); }));
    EXPECT_EQ(readFile(out),
              std::to_string(pid) + '\n' + std::filesystem::canonical(dir.path()).string() + '\n');
}

TEST(Detached, RaisesNoSigchldHere)
{
    // Nothing of the detached start is reported to an application's SIGCHLD
    // handler, so its waitpid(-1) cannot take the intermediate child from us.
    // In a subprocess: children of other tests may end at any time here.
    if (!isInnerRun()) {
        const InnerRun run = runCurrentTestInSubprocess({});
        EXPECT_TRUE(run.passed);
        return;
    }
    static volatile sig_atomic_t sigchlds = 0;
    struct sigaction count
    { };
    count.sa_handler = [](int) { sigchlds = sigchlds + 1; };
    ASSERT_EQ(::sigaction(SIGCHLD, &count, nullptr), 0);
    for (int i = 0; i < 5; ++i) {
        const std::int64_t pid = Child::spawnDetached(helper({"exit", "0"}));
        ASSERT_TRUE(pollUntil([pid] { return hasEnded(pid); }));
    }
    EXPECT_EQ(sigchlds, 0);
    if (!::testing::Test::HasFailure())
        markInnerRunPassed();
}

#endif
