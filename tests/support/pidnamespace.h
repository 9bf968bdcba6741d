// SPDX-License-Identifier: MIT
#pragma once

// Forcing PID reuse (Linux). Inside a PID namespace of our own (a program
// re-runs itself behind pidNamespaceWrapper(), so that it is the namespace's
// init), writing PID - 1 to /proc/sys/kernel/ns_last_pid makes the
// next process created get PID. A Stranger, started without the library,
// then takes over a PID that a Child has released, and proves afterwards that
// no signal meant for the old child reached it.

#include <string>
#include <sys/types.h>
#include <vector>

namespace SharedChildTest {

/// 0 when this process may create PID namespaces, else the errno (EPERM in
/// most containers).
int pidNamespaceError();

/// The command to put before a program to run it as PID 1 of a new PID
/// namespace with its own /proc: sctest-pidns, which does what `unshare --pid
/// --fork --mount-proc` does but also works in a chroot whose "/" is no mount
/// point.
std::vector<std::string> pidNamespaceWrapper();

/// Makes `pid` the PID of the next process or thread this namespace creates.
/// Nothing may create a task between this call and the one meant to get it.
/// Throws std::system_error when ns_last_pid cannot be written.
void giveNextPid(pid_t pid);

/// An unrelated process, `helper sleep 60` started with posix_spawn() (not
/// through the library). Killed and reaped on destruction.
class Stranger
{
public:
    explicit Stranger(const std::string &helper);
    ~Stranger();
    Stranger(const Stranger &) = delete;
    Stranger &operator=(const Stranger &) = delete;

    /// Its PID, or -1 when it could not be started.
    pid_t pid() const { return m_pid; }

    /// True when no fatal signal has reached it so far. It is sent SIGSTOP:
    /// a process that a fatal signal has already doomed can no longer stop, so
    /// stopping (seen with waitid(WSTOPPED), no polling) proves that none came.
    /// It is continued afterwards.
    bool stopsOnSigstop();

    /// Sends SIGTERM and reaps it: the signal that ended it (0 if none did).
    int terminateAndReap();

private:
    pid_t m_pid = -1;
};

} // namespace SharedChildTest
