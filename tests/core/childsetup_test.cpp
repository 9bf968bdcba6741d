// SPDX-License-Identifier: MIT
// Command::setChildSetup(): a function run in the child between fork and exec
// (QProcess::setChildProcessModifier()). POSIX runs it after the standard
// streams, the process group and the working directory are set up; Windows
// refuses it. The hooks below keep to the documented restrictions: only
// async-signal-safe calls, no allocation.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>

#ifndef _WIN32
#include <csignal>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace SharedChild;
using namespace SharedChildTest;

#ifdef _WIN32

TEST(ChildSetup, IsRefusedOnWindows)
{
    Command command = helper({"exit", "0"});
    command.setChildSetup([] {});
    // Under Wine the first refused spawn in a process leaves two handles of
    // Wine's own behind, once (the test passes when repeated in one process).
    ASSERT_TRUE(systemErrorFrom([&] { Child::spawn(command); }));
    const int fds = openFdCount();
    const auto error = systemErrorFrom([&] { Child::spawn(command); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), errnoCode(ENOTSUP));
    EXPECT_NE(std::string(error->what()).find("setup"), std::string::npos) << error->what();
    const auto detachedError = systemErrorFrom([&] { Child::spawnDetached(command); });
    ASSERT_TRUE(detachedError);
    EXPECT_EQ(detachedError->code(), errnoCode(ENOTSUP));
    EXPECT_EQ(openFdCount(), fds);
}

#else

namespace {

// What a hook may do to report: write() a fixed text, or a number formatted
// by hand, to a descriptor.
void writeText(int fd, const char *text)
{
    (void)!::write(fd, text, std::strlen(text));
}

void writeNumber(int fd, long number)
{
    char digits[24];
    char *end = digits + sizeof digits;
    char *begin = end;
    *--begin = '\n';
    do {
        *--begin = static_cast<char>('0' + number % 10);
        number /= 10;
    } while (number > 0);
    (void)!::write(fd, begin, static_cast<std::size_t>(end - begin));
}

// The output of `command` on a pipe, and its exit status.
HelperRun runWithOutputPipe(Command command)
{
    command.setStdout(Stdio::pipe());
    const auto child = Child::spawn(command);
    std::string output = readAll(child->takeStdout());
    return {child->wait(), std::move(output)};
}

unsigned long long signalBit(int signal)
{
    return 1ULL << (signal - 1);
}

} // namespace

TEST(ChildSetup, RunsInTheChildWithItsStandardStreamsInPlace)
{
    // The hook's getpid() is the child's, and its fd 1 already the pipe; the
    // program's own output follows.
    Command command = helper({"cwd"});
    command.setChildSetup([] { writeNumber(1, ::getpid()); });
    command.setStdout(Stdio::pipe());
    const auto child = Child::spawn(command);
    const std::string output = readAll(child->takeStdout());
    EXPECT_EQ(child->wait().exitCode(), 0);
    EXPECT_EQ(output,
              std::to_string(child->id()) + '\n' + std::filesystem::current_path().string() + '\n');
}

TEST(ChildSetup, RunsInTheWorkingDirectory)
{
    const TempDir dir;
    std::filesystem::remove("sctest-setup-marker"); // a failed run's
    Command command = helper({"exit", "0"});
    command.setWorkingDirectory(dir.path());
    // A relative name: the file lands wherever the hook runs.
    command.setChildSetup([] {
        const int fd = ::open("sctest-setup-marker", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    });
    EXPECT_EQ(Child::spawn(command)->wait().exitCode(), 0);
    EXPECT_TRUE(fileExists(dir.file("sctest-setup-marker")));
    EXPECT_FALSE(fileExists("sctest-setup-marker"));
}

TEST(ChildSetup, RunsAfterTheNewProcessGroupIsMade)
{
    Command command = helper({"exit", "0"});
    command.setNewProcessGroup(true);
    command.setChildSetup([] { writeText(1, ::getpgid(0) == ::getpid() ? "leader" : "member"); });
    EXPECT_EQ(runWithOutputPipe(command).output, "leader");
    command.setNewProcessGroup(false);
    EXPECT_EQ(runWithOutputPipe(command).output, "member");
}

TEST(ChildSetup, TheProgramInheritsWhatItChanges)
{
    // Signals are unblocked and at their defaults before the hook runs, not
    // after: what it blocks or ignores, and its umask, reach the program.
    const TempDir dir;
    Command command = helper({"signal-state"});
    command.setWorkingDirectory(dir.path());
    command.setChildSetup([] {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        ::sigprocmask(SIG_BLOCK, &set, nullptr);
        struct sigaction ignore
        { };
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGUSR2, &ignore, nullptr);
        ::umask(077);
    });
    const HelperRun run = runWithOutputPipe(command);
    ASSERT_EQ(run.status.exitCode(), 0);
    std::istringstream fields(run.output);
    std::string blocked;
    std::string ignored;
    fields >> blocked >> ignored;
    ASSERT_EQ(blocked.rfind("blocked=", 0), 0U) << run.output;
    ASSERT_EQ(ignored.rfind("ignored=", 0), 0U) << run.output;
    EXPECT_EQ(std::stoull(blocked.substr(8), nullptr, 16), signalBit(SIGUSR1)) << run.output;
    EXPECT_EQ(std::stoull(ignored.substr(8), nullptr, 16), signalBit(SIGUSR2)) << run.output;

    // The umask, seen in a file the program creates (--out: the helper opens it).
    command.setArguments({"--out", dir.file("created"), "exit", "0"});
    EXPECT_EQ(Child::spawn(command)->wait().exitCode(), 0);
    struct stat info
    { };
    ASSERT_EQ(::stat(dir.file("created").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
}

TEST(ChildSetup, ExitingInTheHookEndsTheStartedChild)
{
    Command command = helper({"cwd"});
    command.setChildSetup([] { ::_exit(42); });
    const HelperRun run = runWithOutputPipe(command);
    EXPECT_EQ(run.status.exitCode(), 42);
    EXPECT_EQ(run.output, ""); // the program never ran
}

TEST(ChildSetup, AnExceptionFromTheHookEndsTheChildWith127)
{
    Command command = helper({"cwd"});
    command.setChildSetup([] { throw std::runtime_error("from the hook"); });
    const HelperRun run = runWithOutputPipe(command);
    EXPECT_EQ(run.status.exitCode(), 127);
    EXPECT_EQ(run.output, "");
}

TEST(ChildSetup, AnExecFailureAfterTheHookIsStillReported)
{
    const TempDir dir;
    const std::string notExecutable = dir.file("not-executable");
    writeFile(notExecutable, "data\n");
    const std::string marker = dir.file("marker");
    Command command(notExecutable);
    command.setChildSetup([path = marker.c_str()] {
        const int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    });
    const std::size_t children = childProcesses().size();
    const auto error = systemErrorFrom([&] { Child::spawn(command); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), errnoCode(EACCES));
    EXPECT_NE(std::string(error->what()).find(notExecutable), std::string::npos) << error->what();
    EXPECT_TRUE(fileExists(marker)); // the hook ran, then execve() failed
    EXPECT_EQ(childProcesses().size(), children);
}

TEST(ChildSetup, RunsForChildrenKilledOnParentDeath)
{
    // Those are started from the library's spawner thread, on both backends.
    Command command = helper({"exit", "0"});
    command.setKillOnParentDeath(true);
    command.setChildSetup([] { writeNumber(1, ::getpid()); });
    command.setStdout(Stdio::pipe());
    const auto child = Child::spawn(command);
    const std::string output = readAll(child->takeStdout());
    EXPECT_EQ(child->wait().exitCode(), 0);
    EXPECT_EQ(output, std::to_string(child->id()) + '\n');
}

TEST(ChildSetup, OneCommandStartsManyChildrenFromManyThreads)
{
    Command command = helper({"exit", "0"});
    command.setChildSetup([] { writeNumber(1, ::getpid()); });
    command.setStdout(Stdio::pipe());
    std::vector<std::future<bool>> results;
    for (int thread = 0; thread < 4; ++thread) {
        results.push_back(runDetached([command] {
            for (int i = 0; i < 10; ++i) {
                const auto child = Child::spawn(command);
                const std::string output = readAll(child->takeStdout());
                if (child->wait().exitCode() != 0 || output != std::to_string(child->id()) + '\n')
                    return false;
            }
            return true;
        }));
    }
    for (auto &result : results) {
        ASSERT_EQ(result.wait_for(generousTimeout), std::future_status::ready);
        EXPECT_TRUE(result.get());
    }
}

TEST(ChildSetup, AnEmptyFunctionIsNone)
{
    Command command = helper({"cwd"});
    command.setChildSetup([] { ::_exit(42); });
    command.setChildSetup({});
    EXPECT_FALSE(command.childSetup());
    EXPECT_EQ(runWithOutputPipe(command).status.exitCode(), 0);
}

#endif
