// SPDX-License-Identifier: MIT
#include "pidnamespace.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

extern char **environ;

namespace SharedChildTest {

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

std::vector<std::string> pidNamespaceWrapper()
{
    return {SCTEST_PIDNS};
}

void giveNextPid(pid_t pid)
{
    const std::string last = std::to_string(pid - 1);
    const int fd = ::open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "open ns_last_pid");
    const ssize_t written = ::write(fd, last.data(), last.size());
    const int error = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(last.size()))
        throw std::system_error(error, std::generic_category(), "write ns_last_pid");
}

Stranger::Stranger(const std::string &helper)
{
    const char *argv[] = {helper.c_str(), "sleep", "60", nullptr};
    if (::posix_spawn(&m_pid, helper.c_str(), nullptr, nullptr, const_cast<char **>(argv), environ)
        != 0)
        m_pid = -1;
}

Stranger::~Stranger()
{
    if (m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
}

bool Stranger::stopsOnSigstop()
{
    if (m_pid <= 0 || ::kill(m_pid, SIGSTOP) != 0)
        return false;
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(m_pid), &info, WSTOPPED | WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR)
            return false;
    }
    const bool stopped = info.si_code == CLD_STOPPED;
    if (stopped)
        ::kill(m_pid, SIGCONT);
    return stopped;
}

int Stranger::terminateAndReap()
{
    int status = 0;
    ::kill(m_pid, SIGTERM);
    ::kill(m_pid, SIGCONT); // in case it is still stopped
    pid_t reaped = -1;
    while ((reaped = ::waitpid(m_pid, &status, 0)) < 0 && errno == EINTR) { }
    m_pid = -1;
    return reaped > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

} // namespace SharedChildTest
