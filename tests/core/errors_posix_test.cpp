// SPDX-License-Identifier: MIT
// Running out of file descriptors makes spawn() fail cleanly or succeed, per
// backend. POSIX only: it works with RLIMIT_NOFILE and the pidfd probe.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// Whether the pidfd backend should be in use. Read from the environment ctest
// sets rather than from Child::backend(): asking the library first would hide
// a backend probe that goes wrong when its first use happens under EMFILE.
bool pidfdExpected()
{
    const char *requested = std::getenv("SHAREDCHILD_BACKEND");
    if (requested)
        return std::string(requested) == "pidfd";
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0));
    if (pidfd < 0)
        return false;
    ::close(pidfd);
    return true;
}

} // namespace

// The waitid backend needs no new file descriptor to spawn; the pidfd backend
// needs one for the pidfd. Either way: an error or a child, never a crash, and
// the backend in use stays the one requested.
TEST(SpawnErrors, FileDescriptorExhaustionIsAnError)
{
    std::vector<int> fillers;
    for (int fd; fillers.size() < 100000 && (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;)
        fillers.push_back(fd);
    ASSERT_FALSE(fillers.empty());
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    rlimit limited = saved;
    limited.rlim_cur = static_cast<rlim_t>(*std::max_element(fillers.begin(), fillers.end()) + 1);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limited), 0);
    const auto restore = [&] {
        ::setrlimit(RLIMIT_NOFILE, &saved);
        for (const int fd : fillers)
            ::close(fd);
        fillers.clear();
    };
    const ScopeExit restoreOnReturn(restore);
    ASSERT_LT(::open("/dev/null", O_RDONLY | O_CLOEXEC), 0) << "a descriptor is still free";

    std::shared_ptr<Child> child;
    const auto error = systemErrorFrom([&] { child = Child::spawn(helper({"exit", "0"})); });
    restore();
    if (pidfdExpected()) {
        ASSERT_TRUE(error.has_value()) << "a pidfd without a free descriptor?";
        EXPECT_EQ(error->code(), errnoCode(EMFILE)) << error->what();
        EXPECT_EQ(Child::backend(), Child::Backend::Pidfd) << "EMFILE changed the backend";
    } else {
        ASSERT_FALSE(error.has_value()) << error->what();
        EXPECT_TRUE(child->wait().success());
    }
    EXPECT_TRUE(Child::spawn(helper({"exit", "0"}))->wait().success()) << "spawning works again";
}
