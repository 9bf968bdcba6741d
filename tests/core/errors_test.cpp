// SPDX-License-Identifier: MIT
// Bad input makes spawn() throw a std::system_error naming the program and the
// reason, and leaks nothing; an unknown backend name is a clear error.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

struct BadInput
{
    std::string description;
    Command command;
    int error; // the errno spawn() must report
    std::vector<std::string> mentions; // what what() must contain
};

std::vector<BadInput> badInputs(const TempDir &dir)
{
    const std::string notExecutable = dir.file("not-executable");
    writeFile(notExecutable, "#!/bin/sh\nexit 0\n");
    ::chmod(notExecutable.c_str(), 0644);
    const std::string missingDirectory = dir.file("missing-directory");
    const std::string helperPath = SCTEST_HELPER;
    const auto reason = [](int error) { return std::generic_category().message(error); };

    return {
            {"missing program (absolute path)",
             Command("/nonexistent-sctest/program"),
             ENOENT,
             {"/nonexistent-sctest/program", reason(ENOENT)}},
            {"missing program (PATH)",
             Command("sctest-no-such-program"),
             ENOENT,
             {"sctest-no-such-program", reason(ENOENT)}},
            {"a directory", Command(dir.path()), EACCES, {dir.path(), "directory", reason(EACCES)}},
            {"no execute permission",
             Command(notExecutable),
             EACCES,
             {notExecutable, reason(EACCES)}},
            {"no execute permission (PATH)",
             Command("not-executable").setEnvironment({"PATH=" + dir.path()}),
             EACCES,
             {"not-executable", reason(EACCES)}},
            {"empty program", Command(""), ENOENT, {"empty program name", reason(ENOENT)}},
            {"NUL in an argument",
             helper({"exit", std::string("0\0tail", 6)}),
             EINVAL,
             {helperPath, "NUL", reason(EINVAL)}},
            {"missing working directory",
             helper({"exit", "0"}).setWorkingDirectory(missingDirectory),
             ENOENT,
             {helperPath, missingDirectory, reason(ENOENT)}},
    };
}

} // namespace

TEST(SpawnErrors, BadInputThrowsNamingTheProgramAndTheReason)
{
    const TempDir dir;
    for (const BadInput &input : badInputs(dir)) {
        SCOPED_TRACE(input.description);
        const auto error = systemErrorFrom([&] { Child::spawn(input.command); });
        ASSERT_TRUE(error.has_value()) << "spawn() succeeded";
        EXPECT_EQ(error->code(), errnoCode(input.error)) << error->what();
        for (const std::string &mention : input.mentions) {
            EXPECT_NE(std::string(error->what()).find(mention), std::string::npos)
                    << '"' << error->what() << "\" does not mention \"" << mention << '"';
        }
    }
}

TEST(SpawnErrors, HundredFailuresLeakNothing)
{
    const TempDir dir;
    const std::vector<BadInput> inputs = badInputs(dir);
    const int fds = openFdCount();
    const int threads = threadCount();
    const std::size_t children = childProcesses().size();
    for (std::size_t i = 0; i < 100; ++i)
        EXPECT_THROW(Child::spawn(inputs[i % inputs.size()].command), std::system_error);
    EXPECT_EQ(openFdCount(), fds);
    EXPECT_EQ(threadCount(), threads);
    EXPECT_EQ(childProcesses().size(), children) << "a failed spawn left a process behind";
    EXPECT_TRUE(Child::spawn(helper({"exit", "0"}))->wait().success()) << "spawning still works";
}

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

TEST(Backend, UnknownNameIsAClearError)
{
    if (isInnerRun()) {
        const auto error = systemErrorFrom([] { Child::spawn(helper({"exit", "0"})); });
        ASSERT_TRUE(error.has_value()) << "spawn() accepted SHAREDCHILD_BACKEND=bogus";
        EXPECT_EQ(error->code(), errnoCode(EINVAL));
        const std::string what = error->what();
        EXPECT_NE(what.find("SHAREDCHILD_BACKEND"), std::string::npos) << what;
        EXPECT_NE(what.find("bogus"), std::string::npos) << what;
        const auto backendError = systemErrorFrom([] { (void)Child::backend(); });
        ASSERT_TRUE(backendError.has_value());
        EXPECT_STREQ(backendError->what(), error->what());
        EXPECT_TRUE(childProcesses().empty()) << "a child was started anyway";
        if (!::testing::Test::HasFailure())
            markInnerRunPassed();
        return;
    }
    const InnerRun run = runCurrentTestInSubprocess({}, {"SHAREDCHILD_BACKEND=bogus"});
    EXPECT_TRUE(run.status.success()) << "inner run: " << run.status.toString();
    EXPECT_TRUE(run.passed) << "the inner run did not reach its checks";
}
