// SPDX-License-Identifier: MIT
#include "waitidhandle.h"

#include "faultinjection.h"
#include "spawnplan.h"
#include "waitstatus.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <mutex>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

namespace SharedChild::Detail {

namespace {

[[noreturn]] void throwErrno(const char *what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

// Sleeps at most `duration`; a signal ends the sleep early instead of resuming
// it. std::this_thread::sleep_for() resumes with the time the kernel says is
// left, so a steady stream of signals would stretch it (and the deadline of a
// timed wait) without bound; the caller's loop measures against its deadline.
void sleepAtMost(std::chrono::steady_clock::duration duration)
{
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
    const timespec request{static_cast<time_t>(seconds.count()),
                           static_cast<long>(std::chrono::nanoseconds(duration - seconds).count())};
    ::nanosleep(&request, nullptr);
}

void reapBlocking(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
}

// Orphans let go of while no thread could start to reap them (the process
// limit). Never destroyed: detached reaping threads may use it during exit.
struct StrandedOrphans
{
    std::mutex mutex; // lock order: see src/LOCKING.md
    std::vector<pid_t> pids; // guarded by mutex
};

StrandedOrphans &strandedOrphans()
{
    static auto *const orphans = new StrandedOrphans;
    return *orphans;
}

// One stranded orphan, or 0 when there is none.
pid_t takeStrandedOrphan()
{
    StrandedOrphans &orphans = strandedOrphans();
    std::lock_guard lock(orphans.mutex);
    if (orphans.pids.empty())
        return 0;
    const pid_t pid = orphans.pids.back();
    orphans.pids.pop_back();
    return pid;
}

class WaitidHandle final : public ProcessHandle
{
public:
    explicit WaitidHandle(pid_t pid) : m_pid(pid) { }

    std::int64_t pid() const override { return m_pid; }

    bool waitForExitWithoutReaping(Deadline deadline) override
    {
        if (!deadline) {
            for (;;) {
                siginfo_t info{};
                if (!injectedFault(FaultPoint::Wait)
                    && ::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOWAIT) == 0) {
                    if (exitStatusFrom(info))
                        return true;
                } else if (errno != EINTR) {
                    throwErrno("waitid");
                }
            }
        }
        // No POSIX wait takes a timeout: poll, backing off from 1 ms to 20 ms.
        auto pause = std::chrono::milliseconds(1);
        for (;;) {
            if (peekExitStatus())
                return true;
            const auto now = std::chrono::steady_clock::now();
            if (now >= *deadline)
                return false;
            sleepAtMost(std::min<std::chrono::steady_clock::duration>(pause, *deadline - now));
            pause = std::min(pause * 2, std::chrono::milliseconds(20));
        }
    }

    std::optional<ExitStatus> peekExitStatus() override
    {
        for (;;) {
            siginfo_t info{};
            if (!injectedFault(FaultPoint::Peek)
                && ::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOWAIT | WNOHANG)
                        == 0)
                return exitStatusFrom(info);
            if (errno != EINTR)
                throwErrno("waitid");
        }
    }

    ExitStatus reap() override
    {
        for (;;) {
            int status = 0;
            struct rusage usage
            { };
            const pid_t reaped
                    = injectedFault(FaultPoint::Reap) ? -1 : ::wait4(m_pid, &status, 0, &usage);
            if (reaped == m_pid)
                return exitStatusFromWaitStatus(status, resourceUsageFrom(usage));
            if (reaped < 0 && errno != EINTR)
                throwErrno("wait4");
        }
    }

    std::optional<int> peekStopSignal() override
    {
        for (;;) {
            siginfo_t info{};
            if (::waitid(P_PID, static_cast<id_t>(m_pid), &info,
                         WSTOPPED | WCONTINUED | WNOWAIT | WNOHANG)
                == 0)
                return stopSignalFrom(info);
            if (errno != EINTR)
                throwErrno("waitid");
        }
    }

    void signal(int signal) override
    {
        if (::kill(m_pid, signal) != 0 && errno != ESRCH)
            throwErrno("kill");
    }
    void signalGroup(int signal) override
    {
        if (::kill(-m_pid, signal) != 0 && errno != ESRCH)
            throwErrno("kill");
    }
    void kill() override { signal(SIGKILL); }
    void terminate() override { signal(SIGTERM); }

    void reapInBackground() override
    {
        // No descriptor to watch on plain POSIX: one blocked thread per orphan.
        // Never throws (it runs in ~Child()): at the process limit no thread
        // can start, and the orphan waits for the next orphan's thread.
        try {
            std::thread([pid = m_pid] {
                reapBlocking(pid);
                while (const pid_t stranded = takeStrandedOrphan())
                    reapBlocking(stranded);
            }).detach();
        } catch (const std::system_error &) {
            StrandedOrphans &orphans = strandedOrphans();
            std::lock_guard lock(orphans.mutex);
            orphans.pids.push_back(m_pid);
        }
    }

private:
    pid_t m_pid;
};

class SpawnAttributes
{
public:
    explicit SpawnAttributes(const SpawnPlan &plan)
    {
        check(posix_spawnattr_init(&m_attributes));
        if (const int error = posix_spawn_file_actions_init(&m_actions); error != 0) {
            posix_spawnattr_destroy(&m_attributes);
            check(error);
        }
        try {
            describe(plan);
        } catch (...) {
            posix_spawn_file_actions_destroy(&m_actions);
            posix_spawnattr_destroy(&m_attributes);
            throw;
        }
    }
    ~SpawnAttributes()
    {
        posix_spawn_file_actions_destroy(&m_actions);
        posix_spawnattr_destroy(&m_attributes);
    }
    SpawnAttributes(const SpawnAttributes &) = delete;
    SpawnAttributes &operator=(const SpawnAttributes &) = delete;

    const posix_spawnattr_t *attributes() const { return &m_attributes; }
    const posix_spawn_file_actions_t *actions() const { return &m_actions; }

private:
    void describe(const SpawnPlan &plan)
    {
        // Every signal back to SIG_DFL. Not sigfillset(): glibc leaves its
        // internal signals (32, 33) out of that set, and its posix_spawn() then
        // sets them to SIG_IGN in the child, which survives the exec.
        sigset_t all;
        std::memset(&all, 0xff, sizeof all);
        sigdelset(&all, SIGKILL);
        sigdelset(&all, SIGSTOP);
        sigset_t none;
        sigemptyset(&none);
        short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
        if (plan.command->newProcessGroup())
            flags |= POSIX_SPAWN_SETPGROUP;
        check(posix_spawnattr_setsigdefault(&m_attributes, &all));
        check(posix_spawnattr_setsigmask(&m_attributes, &none));
        check(posix_spawnattr_setpgroup(&m_attributes, 0));
        check(posix_spawnattr_setflags(&m_attributes, flags));
        for (int stream = 0; stream < 3; ++stream) {
            const int source = plan.childEnds[static_cast<std::size_t>(stream)].get();
            if (source >= 0)
                check(posix_spawn_file_actions_adddup2(&m_actions, source, stream));
        }
        if (plan.mergeStderrIntoStdout)
            check(posix_spawn_file_actions_adddup2(&m_actions, 1, 2));
        if (plan.workingDirectory)
            check(posix_spawn_file_actions_addchdir_np(&m_actions, plan.workingDirectory));
    }

    static void check(int error)
    {
        if (error != 0)
            throw std::system_error(error, std::generic_category(), "posix_spawn setup");
    }
    posix_spawnattr_t m_attributes{};
    posix_spawn_file_actions_t m_actions{};
};

// posix_spawn() reports only an errno; tell which step it came from.
SpawnStage failedStage(const SpawnPlan &plan)
{
    struct stat info
    { };
    if (plan.workingDirectory
        && (::stat(plan.workingDirectory, &info) != 0 || !S_ISDIR(info.st_mode)))
        return SpawnStage::WorkingDirectory;
    return SpawnStage::Exec;
}

} // namespace

std::unique_ptr<ProcessHandle> makeWaitidHandle(pid_t pid)
{
    return std::make_unique<WaitidHandle>(pid);
}

std::unique_ptr<ProcessHandle> adoptWithWaitid(pid_t pid)
{
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | WNOHANG) != 0) {
        if (errno != EINTR) {
            throw std::system_error(errno, std::generic_category(),
                                    "pid " + std::to_string(pid) + ": cannot adopt");
        }
    }
    return makeWaitidHandle(pid);
}

SpawnedProcess spawnWithWaitid(const Command &command)
{
    if (command.killOnParentDeath()) {
        throw std::system_error(ENOTSUP, std::generic_category(),
                                command.program() + ": kill on parent death");
    }
    if (command.childSetup()) {
        throw std::system_error(ENOTSUP, std::generic_category(),
                                command.program() + ": a child setup hook with posix_spawn()");
    }
    SpawnPlan plan = makeSpawnPlan(command);
    const SpawnAttributes attributes(plan);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, plan.executable.c_str(), attributes.actions(),
                                  attributes.attributes(), plan.argv.data(), plan.envp.data());
    if (error != 0)
        throwSpawnError(plan, error, failedStage(plan));
    return {std::make_unique<WaitidHandle>(pid), std::move(plan.parentEnds)};
}

} // namespace SharedChild::Detail
