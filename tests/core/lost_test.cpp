// SPDX-License-Identifier: MIT
// A child reaped behind the library's back: every wait ends promptly with the
// same ECHILD error, never a hang and never a made-up status.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

using ErrorResult = std::optional<CaughtError>;

// Runs `call` on another thread and fails the test if it does not return.
ErrorResult promptError(const std::function<void()> &call, const char *name)
{
    auto result = runDetached([call] { return systemErrorFrom(call); });
    if (result.wait_for(generousTimeout) != std::future_status::ready) {
        ADD_FAILURE() << name << " hung on a child reaped elsewhere";
        return std::nullopt;
    }
    ErrorResult error = result.get();
    EXPECT_TRUE(error.has_value()) << name << " made up a status for a child reaped elsewhere";
    return error;
}

// wait(), tryWait() and waitFor() all throw the same ECHILD error (the first
// of them in the order given by `first`); signalling afterwards is harmless.
void expectStatusLost(const std::shared_ptr<Child> &child, int first)
{
    const std::vector<std::pair<const char *, std::function<void()>>> calls = {
            {"wait()", [child] { child->wait(); }},
            {"tryWait()", [child] { (void)child->tryWait(); }},
            {"waitFor()", [child] { (void)child->waitFor(std::chrono::hours(1)); }},
    };
    std::vector<CaughtError> errors;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto &[name, call] = calls[(i + first) % calls.size()];
        const ErrorResult error = promptError(call, name);
        if (!error)
            return;
        EXPECT_EQ(error->code(), errnoCode(ECHILD)) << name << ": " << error->what();
        EXPECT_NE(std::string(error->what()).find(std::to_string(child->id())), std::string::npos)
                << name << " does not say which child: " << error->what();
        errors.push_back(*error);
    }
    for (const CaughtError &error : errors) {
        EXPECT_EQ(error.code(), errors.front().code());
        EXPECT_STREQ(error.what(), errors.front().what());
    }
    EXPECT_NO_THROW(child->kill());
    EXPECT_NO_THROW(child->terminate());
    EXPECT_NO_THROW(child->sendSignal(SIGTERM));
}

class IgnoredSigchld
{
public:
    IgnoredSigchld()
    {
        struct sigaction ignore = {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        ::sigaction(SIGCHLD, &ignore, &m_saved);
    }
    ~IgnoredSigchld() { ::sigaction(SIGCHLD, &m_saved, nullptr); }
    IgnoredSigchld(const IgnoredSigchld &) = delete;
    IgnoredSigchld &operator=(const IgnoredSigchld &) = delete;

private:
    struct sigaction m_saved = {};
};

struct ForeignReap
{
    pid_t result = 0;
    int status = 0;
};

std::future<ForeignReap> reapForeignly(pid_t pid)
{
    return runDetached([pid] {
        ForeignReap reap;
        while ((reap.result = ::waitpid(pid, &reap.status, 0)) < 0 && errno == EINTR) { }
        return reap;
    });
}

} // namespace

TEST(LostStatus, ForeignWaitpidReapsFirst)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const auto pid = static_cast<pid_t>(child->id());
    auto foreign = reapForeignly(pid);
    child->kill();
    ASSERT_EQ(foreign.wait_for(generousTimeout), std::future_status::ready);
    const ForeignReap reap = foreign.get();
    ASSERT_EQ(reap.result, pid) << "the foreign waitpid() should have reaped the child";
    EXPECT_TRUE(WIFSIGNALED(reap.status) && WTERMSIG(reap.status) == SIGKILL);
    expectStatusLost(child, 0);
}

TEST(LostStatus, ForeignWaitpidRacingABlockedWaiter)
{
    for (int round = 0; round < 20; ++round) {
        SCOPED_TRACE(round);
        const auto child = Child::spawn(helper({"sleep", "60"}));
        const auto pid = static_cast<pid_t>(child->id());
        auto waiter = startInBackground([child] {
            std::optional<ExitStatus> status;
            const ErrorResult error = systemErrorFrom([&] { status = child->wait(); });
            return std::pair(status, error);
        });
        ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));
        auto foreign = reapForeignly(pid);
        ASSERT_EQ(::kill(pid, SIGKILL), 0);

        ASSERT_EQ(foreign.wait_for(generousTimeout), std::future_status::ready);
        ASSERT_TRUE(waiter.finishesWithin()) << "wait() hung after a foreign reap";
        const ForeignReap reap = foreign.get();
        const auto [status, error] = waiter.get();
        if (reap.result == pid) {
            // The foreign reaper won: the library must not invent a status.
            EXPECT_FALSE(status.has_value()) << "made-up status: " << status->toString();
            ASSERT_TRUE(error.has_value());
            EXPECT_EQ(error->code(), errnoCode(ECHILD)) << error->what();
            expectStatusLost(child, 1);
        } else {
            // The library won: it has the real status, the foreign waitpid() found nothing.
            EXPECT_EQ(reap.result, -1);
            ASSERT_TRUE(status.has_value()) << (error ? error->what() : "");
            EXPECT_EQ(status->signalNumber(), SIGKILL);
        }
    }
}

TEST(LostStatus, IgnoredSigchldMakesWaitsThrowEchild)
{
    const IgnoredSigchld ignored;
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const auto pid = static_cast<pid_t>(child->id());
    child->kill();
    ASSERT_TRUE(pollUntil([&] { return !isChildProcess(pid); })) << "the kernel did not auto-reap";
    expectStatusLost(child, 1);
}

TEST(LostStatus, IgnoredSigchldEndsABlockedWaitPromptly)
{
    const IgnoredSigchld ignored;
    for (const bool timed : {false, true}) {
        SCOPED_TRACE(timed ? "waitFor()" : "wait()");
        const auto child = Child::spawn(helper({"sleep", "60"}));
        auto waiter = startInBackground([child, timed] {
            return systemErrorFrom([&] {
                timed ? (void)child->waitFor(std::chrono::hours(1)) : (void)child->wait();
            });
        });
        ASSERT_TRUE(pollUntil([&] { return waiter.isBlocked(); }));
        child->kill();
        ASSERT_TRUE(waiter.finishesWithin()) << "the wait hung on an auto-reaped child";
        const ErrorResult error = waiter.get();
        ASSERT_TRUE(error.has_value()) << "made up a status for an auto-reaped child";
        EXPECT_EQ(error->code(), errnoCode(ECHILD)) << error->what();
        expectStatusLost(child, 2);
    }
}
