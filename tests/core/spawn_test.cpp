// SPDX-License-Identifier: MIT
// What the child starts with: inherited descriptors, signal state, working
// directory, environment, PATH lookup and process group.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <pthread.h>
#include <sstream>
#include <unistd.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// The descriptors of this process that a child inherits (no FD_CLOEXEC).
std::set<int> inheritableFds()
{
    std::set<int> fds;
    for (const int fd : openFds()) {
        const int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC))
            fds.insert(fd);
    }
    return fds;
}

// The descriptors only the library opens here: pidfds and its epoll instance
// ("anon_inode:[pidfd]", "anon_inode:[eventpoll]"; "pidfd:[...]" on pidfs).
std::set<int> libraryFds()
{
    std::set<int> fds;
    for (const int fd : openFds()) {
        std::error_code error;
        const std::string target
                = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), error);
        if (target.rfind("anon_inode:", 0) == 0 || target.rfind("pidfd:", 0) == 0)
            fds.insert(fd);
    }
    return fds;
}

std::set<int> parseFds(const std::string &text)
{
    std::set<int> fds;
    std::istringstream lines(text);
    for (int fd; lines >> fd;)
        fds.insert(fd);
    return fds;
}

} // namespace

TEST(ChildContext, NoLibraryDescriptorLeaksIntoTheChild)
{
    std::vector<std::shared_ptr<Child>> others;
    for (int i = 0; i < 4; ++i)
        others.push_back(Child::spawn(helper({"sleep", "60"})));
    const ScopeExit cleanup([&] {
        for (const auto &child : others)
            child->kill();
    });
    // An orphan: the pidfd backend hands it to its background reaper (an epoll fd).
    const pid_t orphan = static_cast<pid_t>(Child::spawn(helper({"exit", "0"}))->id());
    ASSERT_TRUE(pollUntil([&] { return !isChildProcess(orphan); }));

    // Descriptors the test opens itself: inherited unless close-on-exec.
    const int inherited = ::open("/dev/null", O_RDONLY);
    const int closeOnExec = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const ScopeExit closeBoth([&] {
        ::close(inherited);
        ::close(closeOnExec);
    });

    std::set<int> expected = inheritableFds();
    expected.insert({0, 1, 2});
    EXPECT_TRUE(expected.count(inherited));
    EXPECT_FALSE(expected.count(closeOnExec));
    // Every descriptor of the library is close-on-exec, or it would count as
    // one of ours above and be inherited.
    const std::set<int> library = libraryFds();
    if (Child::backend() == Child::Backend::Pidfd) {
        EXPECT_GE(library.size(), others.size() + 1) << "four pidfds and the reaper's epoll";
        for (const auto &child : others)
            EXPECT_TRUE(library.count(child->pollDescriptor()));
    }
    for (const int fd : library)
        EXPECT_FALSE(expected.count(fd)) << "library descriptor " << fd << " is inheritable";

    const HelperRun run = runHelper({"list-fds"});
    ASSERT_TRUE(run.status.success()) << run.status.toString();
    EXPECT_EQ(parseFds(run.output), expected) << "the child's descriptors:\n" << run.output;
}

TEST(ChildContext, StartsWithEmptySignalMaskAndNoIgnoredSignals)
{
    struct sigaction ignore = {};
    struct sigaction savedPipe = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &savedPipe), 0);
    sigset_t usr1;
    sigset_t savedMask;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &usr1, &savedMask), 0);
    const ScopeExit restore([&] {
        ::pthread_sigmask(SIG_SETMASK, &savedMask, nullptr);
        ::sigaction(SIGPIPE, &savedPipe, nullptr);
    });

    const HelperRun run = runHelper({"signal-state"});
    ASSERT_TRUE(run.status.success()) << run.status.toString();
    EXPECT_EQ(run.output, "blocked=0000000000000000 ignored=0000000000000000\n");
}

TEST(ChildContext, WorkingDirectory)
{
    const TempDir dir;
    const std::string canonical = std::filesystem::canonical(dir.path());
    const HelperRun moved = runHelper(
            {"cwd"}, [&](Command &command) { command.setWorkingDirectory(dir.path()); });
    EXPECT_EQ(moved.output, canonical + '\n');
    const HelperRun stayed = runHelper({"cwd"});
    EXPECT_EQ(stayed.output, std::filesystem::current_path().string() + '\n');
}

TEST(ChildContext, EnvironmentIsUsedAsGiven)
{
    ASSERT_EQ(::setenv("SCTEST_PARENT_ONLY", "from the parent", 1), 0);
    const ScopeExit unset([] { ::unsetenv("SCTEST_PARENT_ONLY"); });
    const auto printed
            = [](const std::string &name, std::optional<std::vector<std::string>> environment) {
                  return runHelper({"env", name},
                                   [&](Command &command) {
                                       if (environment)
                                           command.setEnvironment(*environment);
                                   })
                          .output;
              };

    EXPECT_EQ(printed("SCTEST_PARENT_ONLY", std::nullopt), "from the parent\n");
    const std::vector<std::string> given = {"SCTEST_GIVEN=given value", "SCTEST_EMPTY="};
    EXPECT_EQ(printed("SCTEST_GIVEN", given), "given value\n");
    EXPECT_EQ(printed("SCTEST_EMPTY", given), "\n");
    EXPECT_EQ(printed("SCTEST_PARENT_ONLY", given), "<unset>\n");
    EXPECT_EQ(printed("PATH", given), "<unset>\n");
    EXPECT_EQ(printed("SCTEST_PARENT_ONLY", std::vector<std::string>{}), "<unset>\n");
    EXPECT_EQ(printed("PATH", std::vector<std::string>{}), "<unset>\n");

    Command command = helper({});
    command.setEnvironment({});
    command.inheritEnvironment();
    EXPECT_FALSE(command.environment().has_value());
}

TEST(ChildContext, ProgramIsLookedUpInTheChildsOwnPath)
{
    const TempDir dir;
    const std::string out = dir.file("out");
    ASSERT_EQ(::symlink(SCTEST_HELPER, dir.file("sctest-path-probe").c_str()), 0);

    const auto notInParentPath = systemErrorFrom([] {
        Child::spawn(Command("sctest-path-probe", {"exit", "0"}));
    });
    ASSERT_TRUE(notInParentPath.has_value()) << "the probe must not be in the parent's PATH";
    EXPECT_EQ(notInParentPath->code(), errnoCode(ENOENT));

    Command probe("sctest-path-probe", {"--out", out, "env", "PATH"});
    probe.setEnvironment({"PATH=/nonexistent-sctest:" + dir.path()});
    EXPECT_TRUE(Child::spawn(probe)->wait().success());
    EXPECT_EQ(readFile(out), "/nonexistent-sctest:" + dir.path() + '\n');

    Command inParentPathOnly("true");
    inParentPathOnly.setEnvironment({"PATH=" + dir.path()});
    const auto error = systemErrorFrom([&] { Child::spawn(inParentPathOnly); });
    ASSERT_TRUE(error.has_value()) << "\"true\" was found through the parent's PATH";
    EXPECT_EQ(error->code(), errnoCode(ENOENT));
}

TEST(ChildContext, NewProcessGroup)
{
    const auto groupOf = [](bool newGroup) {
        const HelperRun run = runHelper(
                {"pgid"}, [&](Command &command) { command.setNewProcessGroup(newGroup); });
        std::istringstream fields(run.output);
        pid_t pid = 0;
        pid_t group = 0;
        fields >> pid >> group;
        return std::pair(pid, group);
    };
    const auto [leader, newGroup] = groupOf(true);
    EXPECT_GT(leader, 0);
    EXPECT_EQ(newGroup, leader) << "the child leads its own group";
    const auto [member, sameGroup] = groupOf(false);
    EXPECT_GT(member, 0);
    EXPECT_EQ(sameGroup, ::getpgrp()) << "the child stays in our group";
}
