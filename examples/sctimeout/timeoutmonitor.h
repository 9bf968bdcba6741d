// SPDX-License-Identifier: MIT
#pragma once

#include "timeoutoptions.h"

#include <sharedchild/child.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

/// Keeps the deadline and decides what to send, like coreutils timeout's
/// cleanup(): the deadline passing and a SIGALRM sent to sctimeout both mean
/// "time is up" (send the -s signal, exit 124); any other signal sctimeout
/// handles is passed on as it is. The first of either starts the -k delay,
/// after which KILL is sent and the run counts as timed out.
///
/// Without --foreground the command shares sctimeout's new process group, and
/// each signal goes to the command through the Child (which cannot reach a
/// process that reused its PID) and then to the whole group with kill(0),
/// whose ID is sctimeout's own PID, so it cannot have been reused either. A
/// KILL to the group ends sctimeout too, as with coreutils: its parent sees
/// death by SIGKILL. Every signal but KILL and CONT is followed by CONT, so
/// that a stopped process can act on it. With --foreground only the command
/// is signalled, and never continued: a stop there is the TTY's job control.
///
/// Any thread; one timer thread of its own.
class TimeoutMonitor
{
public:
    TimeoutMonitor(const TimeoutOptions &options, std::string programName,
                   std::shared_ptr<SharedChild::Child> child);
    ~TimeoutMonitor();
    TimeoutMonitor(const TimeoutMonitor &) = delete;
    TimeoutMonitor &operator=(const TimeoutMonitor &) = delete;

    /// A signal sent to sctimeout (SIGALRM: time is up).
    void handleSignal(int signal);
    /// The command has been reaped: nothing more is sent; the timer thread ends
    /// before this returns. Later handleSignal() calls do nothing.
    void childExited();
    bool timedOut() const;

private:
    void runTimer();
    void actLocked(int signal);
    void sendLocked(int signal, bool toGroup);

    const TimeoutOptions m_options;
    const std::string m_programName;
    const std::shared_ptr<SharedChild::Child> m_child;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed; // deadline moved, or the child exited
    std::optional<std::chrono::steady_clock::time_point> m_deadline; // guarded by m_mutex
    std::chrono::nanoseconds m_killAfter; // guarded by m_mutex; 0 once started
    int m_timeoutSignal; // guarded by m_mutex; KILL once the -k delay started
    bool m_timedOut = false; // guarded by m_mutex
    bool m_childExited = false; // guarded by m_mutex
    std::thread m_timer;
};
