// SPDX-License-Identifier: MIT
#include "rawposix.h"

#include <QtGlobal>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace Bench {

RawChild::RawChild(char *const argv[], int stdoutFd)
{
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    if (stdoutFd >= 0)
        ::posix_spawn_file_actions_adddup2(&actions, stdoutFd, STDOUT_FILENO);
    // No file actions at all for the other scenarios, as before this option existed.
    const int error = ::posix_spawn(&m_pid, argv[0], stdoutFd >= 0 ? &actions : nullptr, nullptr,
                                    argv, environ);
    ::posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
        qFatal("posix_spawn %s: %s", argv[0], std::strerror(error));
    // glibc 2.36 has no pidfd_spawn; a benchmark need not close the reuse window.
    m_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, m_pid, 0));
    if (m_pidfd < 0)
        qFatal("pidfd_open: %s", std::strerror(errno));
}

RawChild::~RawChild()
{
    if (m_pidfd >= 0)
        ::close(m_pidfd);
}

RawChild::RawChild(RawChild &&other) noexcept : m_pid(other.m_pid), m_pidfd(other.m_pidfd)
{
    other.m_pidfd = -1;
}

int RawChild::wait() const
{
    siginfo_t info{};
    while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(m_pidfd), &info, WEXITED)
           != 0) {
        if (errno != EINTR)
            qFatal("waitid(P_PIDFD): %s", std::strerror(errno));
    }
    return info.si_status;
}

void RawChild::kill() const
{
    if (::syscall(SYS_pidfd_send_signal, m_pidfd, SIGKILL, nullptr, 0) != 0)
        qFatal("pidfd_send_signal: %s", std::strerror(errno));
}

} // namespace Bench
