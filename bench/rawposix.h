// SPDX-License-Identifier: MIT
#pragma once

// The baseline the library is measured against: what a careful program does
// with plain system calls, without any of SharedChild's guarantees.

#include <sys/types.h>

namespace Bench {

/// A child started with posix_spawn() and its pidfd (pidfd_open()).
class RawChild
{
public:
    /// posix_spawn(argv[0], argv, environ), then pidfd_open(). Fatal on failure.
    /// With `stdoutFd` ≥ 0, the child's stdout is that descriptor (a pipe's write end).
    explicit RawChild(char *const argv[], int stdoutFd = -1);
    /// Closes the pidfd; the child must have been waited for by then.
    ~RawChild();
    RawChild(RawChild &&other) noexcept;
    RawChild &operator=(RawChild &&) = delete;
    RawChild(const RawChild &) = delete;
    RawChild &operator=(const RawChild &) = delete;

    /// Blocks in waitid(P_PIDFD, WEXITED) and returns the wait status (the
    /// exit code, or the signal number for a killed child).
    int wait() const;
    /// pidfd_send_signal(SIGKILL).
    void kill() const;

private:
    pid_t m_pid = -1;
    int m_pidfd = -1;
};

} // namespace Bench
