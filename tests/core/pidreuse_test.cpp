// SPDX-License-Identifier: MIT
// PID reuse: once the child is reaped, its PID can go to an unrelated
// process. Signals through the old handle must never reach that process.
//
// The window is forced, not hoped for: inside a fresh PID namespace (the test
// re-runs itself under `unshare --pid --fork --mount-proc`) we write PID - 1
// to /proc/sys/kernel/ns_last_pid, so the next process created gets the PID.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

constexpr int rounds = 50;

// 0 when this process may create PID namespaces, else the errno.
int pidNamespaceError()
{
    const pid_t probe = ::fork();
    if (probe == 0)
        ::_exit(::unshare(CLONE_NEWPID | CLONE_NEWNS) == 0 ? 0 : errno);
    int status = 0;
    if (probe < 0 || ::waitpid(probe, &status, 0) != probe)
        return errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : EINVAL;
}

// An unrelated process started without the library; killed and reaped on
// destruction unless the test reaped it.
class Stranger
{
public:
    Stranger()
    {
        const char *argv[] = {SCTEST_HELPER, "sleep", "60", nullptr};
        if (::posix_spawn(&m_pid, SCTEST_HELPER, nullptr, nullptr, const_cast<char **>(argv),
                          environ)
            != 0)
            m_pid = -1;
    }
    ~Stranger()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    Stranger(const Stranger &) = delete;
    Stranger &operator=(const Stranger &) = delete;

    pid_t pid() const { return m_pid; }
    // Sends SIGTERM and reaps: the signal that killed it.
    int terminateAndReap()
    {
        int status = 0;
        ::kill(m_pid, SIGTERM);
        const pid_t reaped = ::waitpid(m_pid, &status, 0);
        m_pid = -1;
        return reaped > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }

private:
    pid_t m_pid = -1;
};

void reuseRound()
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const auto oldPid = static_cast<pid_t>(child->id());

    // The hammer kills the child and goes on signalling through the reap,
    // the reuse and beyond.
    std::atomic<bool> stop{false};
    std::atomic<long> hammered{0};
    std::thread hammer([&] {
        for (long i = 0; !stop; ++i) {
            i % 2 ? child->kill() : child->sendSignal(i % 4 ? SIGUSR2 : SIGKILL);
            ++hammered;
        }
    });
    const auto stopHammer = [&] {
        stop = true;
        if (hammer.joinable())
            hammer.join();
    };
    const ScopeExit cleanup(stopHammer);

    const int signal = child->wait().signalNumber();
    EXPECT_TRUE(signal == SIGKILL || signal == SIGUSR2) << "killed by " << signal;
    ASSERT_FALSE(isChildProcess(oldPid)) << "not reaped";

    // No thread may start between these two lines: threads take PIDs too.
    writeFile("/proc/sys/kernel/ns_last_pid", std::to_string(oldPid - 1));
    Stranger stranger;
    ASSERT_EQ(stranger.pid(), oldPid) << "the PID was not reused; the test would prove nothing";

    const long before = hammered;
    ASSERT_TRUE(pollUntil([&] { return hammered - before >= 2000; }));
    child->kill();
    child->terminate();
    child->sendSignal(SIGKILL);
    child->sendSignal(SIGUSR2);
    stopHammer();

    // A fatal signal sent before our SIGSTOP would have doomed the process:
    // it could then never stop. Stopping proves that none reached it.
    ASSERT_EQ(::kill(stranger.pid(), SIGSTOP), 0);
    ASSERT_TRUE(pollUntil([&] {
        const char state = processState(stranger.pid());
        return state == 'T' || state == 'Z' || state == 0;
    }));
    ASSERT_EQ(processState(stranger.pid()), 'T')
            << "a signal for the old child reached the new process";
    ASSERT_EQ(::kill(stranger.pid(), SIGCONT), 0);
    EXPECT_EQ(stranger.terminateAndReap(), SIGTERM);
}

} // namespace

TEST(PidReuse, SignalsNeverReachAProcessThatReusedThePid)
{
    if (!isInnerRun()) {
        const int error = pidNamespaceError();
        if (error == EPERM)
            GTEST_SKIP() << "creating a PID namespace is not permitted here (EPERM)";
        ASSERT_EQ(error, 0) << "unshare(CLONE_NEWPID): " << std::strerror(error);
        InnerRun run;
        try {
            run = runCurrentTestInSubprocess({"unshare", "--pid", "--fork", "--mount-proc"});
        } catch (const std::system_error &spawnError) {
            if (spawnError.code() == errnoCode(ENOENT))
                GTEST_SKIP() << "unshare(1) is not installed: " << spawnError.what();
            throw;
        }
        EXPECT_TRUE(run.status.success()) << "inner run under unshare: " << run.status.toString();
        EXPECT_TRUE(run.passed) << "the inner run did not reach its checks";
        return;
    }
    ASSERT_EQ(::getpid(), 1) << "the inner run must be the first process of a new PID namespace";
    for (int round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        ASSERT_NO_FATAL_FAILURE(reuseRound());
    }
    if (!::testing::Test::HasFailure())
        markInnerRunPassed();
}
