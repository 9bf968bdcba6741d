// SPDX-License-Identifier: MIT
#include "pidfdhandle.h"

#include "../posix/faultinjection.h"
#include "../posix/spawnplan.h"
#include "../posix/waitstatus.h"
#include "clonespawn.h"
#include "orphanreaper.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <string>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

namespace SharedChild::Detail {

namespace {

[[noreturn]] void throwErrno(const char *what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

// System calls, not glibc 2.36's wrappers: its <sys/pidfd.h> lacks extern "C".
int pidfdOpenWithFlags(pid_t pid, unsigned int flags)
{
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, flags));
}

int pidfdSendSignal(int pidfd, int signal)
{
    return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0));
}

// glibc's waitid() has no rusage argument; the system call does.
int waitidWithUsage(int pidfd, siginfo_t *info, int options, struct rusage *usage)
{
    return static_cast<int>(::syscall(SYS_waitid, P_PIDFD, pidfd, info, options, usage));
}

timespec remainingTime(std::chrono::steady_clock::time_point deadline)
{
    const auto left = std::max(deadline - std::chrono::steady_clock::now(),
                               std::chrono::steady_clock::duration::zero());
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    return {static_cast<time_t>(seconds.count()),
            static_cast<long>(std::chrono::nanoseconds(left - seconds).count())};
}

class PidfdHandle final : public ProcessHandle
{
public:
    PidfdHandle(pid_t pid, int pidfd) : m_pid(pid), m_pidfd(pidfd) { }
    ~PidfdHandle() override
    {
        if (m_pidfd >= 0)
            ::close(m_pidfd);
    }
    PidfdHandle(const PidfdHandle &) = delete;
    PidfdHandle &operator=(const PidfdHandle &) = delete;

    std::int64_t pid() const override { return m_pid; }

    bool waitForExitWithoutReaping(Deadline deadline) override
    {
        // The pidfd turns readable when the child exits; the zombie keeps its PID.
        pollfd entry{m_pidfd, POLLIN, 0};
        for (;;) {
            timespec timeout{};
            if (deadline)
                timeout = remainingTime(*deadline);
            const int ready = injectedFault(FaultPoint::Wait)
                    ? -1
                    : ::ppoll(&entry, 1, deadline ? &timeout : nullptr, nullptr);
            if (ready > 0)
                return true;
            if (ready == 0 && std::chrono::steady_clock::now() >= *deadline)
                return false;
            if (ready < 0 && errno != EINTR)
                throwErrno("poll");
        }
    }

    std::optional<ExitStatus> peekExitStatus() override
    {
        for (;;) {
            siginfo_t info{};
            if (!injectedFault(FaultPoint::Peek)
                && ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(m_pidfd), &info,
                            WEXITED | WNOHANG | WNOWAIT)
                        == 0)
                return exitStatusFrom(info);
            if (errno != EINTR)
                throwErrno("waitid");
        }
    }

    ExitStatus reap() override
    {
        for (;;) {
            siginfo_t info{};
            struct rusage usage
            { };
            if (!injectedFault(FaultPoint::Reap)
                && waitidWithUsage(m_pidfd, &info, WEXITED, &usage) == 0) {
                if (auto status = exitStatusFrom(info, resourceUsageFrom(usage)))
                    return *status;
            } else if (errno != EINTR) {
                throwErrno("waitid");
            }
        }
    }

    std::optional<int> peekStopSignal() override
    {
        for (;;) {
            siginfo_t info{};
            if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(m_pidfd), &info,
                         WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT)
                == 0)
                return stopSignalFrom(info);
            if (errno != EINTR)
                throwErrno("waitid");
        }
    }

    void signalGroup(int signal) override
    {
        // The group ID is the child's PID, which the unreaped child still holds.
        if (::kill(-m_pid, signal) != 0 && errno != ESRCH)
            throwErrno("kill");
    }

    void signal(int signal) override
    {
        if (pidfdSendSignal(m_pidfd, signal) != 0 && errno != ESRCH)
            throwErrno("pidfd_send_signal");
    }
    void kill() override { signal(SIGKILL); }
    void terminate() override { signal(SIGTERM); }

    int pollDescriptor() const override { return m_pidfd; }

    FileDescriptor openExitNotifier() const override
    {
        const int copy = ::fcntl(m_pidfd, F_DUPFD_CLOEXEC, 0);
        if (copy < 0)
            throw std::system_error(errno, std::generic_category(),
                                    "pid " + std::to_string(m_pid) + ": duplicating its pidfd");
        return FileDescriptor(copy);
    }
    bool reapDoesNotDisturbWaiter() const override { return true; }

    void reapInBackground() override
    {
        reapOrphanInBackground(m_pidfd);
        m_pidfd = -1;
    }

private:
    pid_t m_pid;
    int m_pidfd;
};

} // namespace

SpawnedProcess spawnWithPidfd(const Command &command)
{
    SpawnPlan plan = makeSpawnPlan(command);
    const SpawnedChild child = cloneAndExec(plan);
    return {std::make_unique<PidfdHandle>(child.pid, child.pidfd), std::move(plan.parentEnds)};
}

std::unique_ptr<ProcessHandle> adoptWithPidfd(FileDescriptor pidfd)
{
    const std::string what = "pidfd " + std::to_string(pidfd.get()) + ": cannot adopt";
    siginfo_t info{};
    while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &info,
                    WEXITED | WNOHANG | WNOWAIT)
           != 0) {
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(), what);
    }
    // The PID of a pidfd, from the kernel's description of the descriptor.
    std::ifstream fdinfo("/proc/self/fdinfo/" + std::to_string(pidfd.get()));
    std::string line;
    while (std::getline(fdinfo, line)) {
        if (line.rfind("Pid:", 0) == 0) {
            const pid_t pid = std::stoi(line.substr(4));
            return std::make_unique<PidfdHandle>(pid, pidfd.release());
        }
    }
    throw std::system_error(EBADF, std::generic_category(), what + " (not a pidfd)");
}

std::unique_ptr<ProcessHandle> adoptWithPidfd(pid_t pid)
{
    FileDescriptor pidfd(pidfdOpenWithFlags(pid, 0));
    if (!pidfd) {
        // No such process, so no unreaped child of ours: the ECHILD that
        // Child::adopt() promises, and that waitid() gives the other backend.
        const int error = errno == ESRCH ? ECHILD : errno;
        throw std::system_error(error, std::generic_category(),
                                "pid " + std::to_string(pid) + ": cannot adopt");
    }
    try {
        return adoptWithPidfd(std::move(pidfd));
    } catch (const std::system_error &error) {
        throw std::system_error(error.code(), "pid " + std::to_string(pid) + ": cannot adopt");
    }
}

bool pidfdBackendAvailable()
{
    // Probed without opening a descriptor: the answer is kept for the life of
    // the process, so running out of descriptors (EMFILE) at the first spawn
    // must not turn the backend off for good. pidfd_open (5.3, which implies
    // CLONE_PIDFD from 5.2) rejects unknown flags with EINVAL where it exists;
    // waitid(P_PIDFD) (5.4) says EBADF for a descriptor that is not open, where
    // an older kernel rejects the id type itself with EINVAL.
    const bool pidfdOpenExists = pidfdOpenWithFlags(::getpid(), ~0u) < 0 && errno == EINVAL;
    siginfo_t info{};
    const bool waitidTakesPidfd = ::waitid(static_cast<idtype_t>(P_PIDFD),
                                           static_cast<id_t>(INT_MAX), &info, WEXITED | WNOHANG)
                    != 0
            && errno == EBADF;
    return pidfdOpenExists && waitidTakesPidfd;
}

} // namespace SharedChild::Detail
