// SPDX-License-Identifier: MIT
// What the child starts with, POSIX only: inherited descriptors, signal state
// and process group (Windows has no descriptors to list, no signals and no
// process groups of this kind).

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
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
