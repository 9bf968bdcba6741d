// SPDX-License-Identifier: MIT
#include "timeoutmonitor.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <utility>

TimeoutMonitor::TimeoutMonitor(const TimeoutOptions &options, std::string programName,
                               std::shared_ptr<SharedChild::Child> child)
    : m_options(options),
      m_programName(std::move(programName)),
      m_child(std::move(child)),
      m_killAfter(options.killAfter),
      m_timeoutSignal(options.signal)
{
    if (options.duration.count() > 0)
        m_deadline = std::chrono::steady_clock::now() + options.duration;
    m_timer = std::thread([this] { runTimer(); });
}

TimeoutMonitor::~TimeoutMonitor()
{
    childExited();
}

void TimeoutMonitor::handleSignal(int signal)
{
    std::lock_guard lock(m_mutex);
    actLocked(signal);
}

void TimeoutMonitor::childExited()
{
    {
        std::lock_guard lock(m_mutex);
        m_childExited = true;
    }
    m_changed.notify_all();
    if (m_timer.joinable() && m_timer.get_id() != std::this_thread::get_id())
        m_timer.join();
}

bool TimeoutMonitor::timedOut() const
{
    std::lock_guard lock(m_mutex);
    return m_timedOut;
}

void TimeoutMonitor::runTimer()
{
    std::unique_lock lock(m_mutex);
    while (!m_childExited) {
        if (!m_deadline) {
            m_changed.wait(lock);
        } else if (std::chrono::steady_clock::now() >= *m_deadline) {
            m_deadline.reset();
            actLocked(SIGALRM);
        } else {
            m_changed.wait_until(lock, *m_deadline);
        }
    }
}

void TimeoutMonitor::actLocked(int signal)
{
    if (m_childExited)
        return;
    if (signal == SIGALRM) {
        m_timedOut = true;
        signal = m_timeoutSignal;
    }
    if (m_killAfter.count() > 0) {
        m_timeoutSignal = SIGKILL;
        m_deadline = std::chrono::steady_clock::now() + m_killAfter;
        m_killAfter = std::chrono::nanoseconds(0); // later signals do not move it
        m_changed.notify_all();
    }
    if (m_options.verbose) {
        std::fprintf(stderr, "%s: sending signal %s to command '%s'\n", m_programName.c_str(),
                     signalText(signal).c_str(), m_options.program.c_str());
    }
    if (m_options.foreground) {
        // The command may be stopped by the TTY, and its job control is the
        // user's: no CONT.
        sendLocked(signal, false);
        return;
    }
    sendLocked(signal, true);
    if (signal != SIGKILL && signal != SIGCONT)
        sendLocked(SIGCONT, true);
}

void TimeoutMonitor::sendLocked(int signal, bool toGroup)
{
    try {
        m_child->sendSignal(signal);
    } catch (const std::system_error &error) {
        std::fprintf(stderr, "%s: cannot send signal %s to command '%s': %s\n",
                     m_programName.c_str(), signalText(signal).c_str(), m_options.program.c_str(),
                     error.code().message().c_str());
    }
    // Our own copy of it is dropped by the signal relay; a KILL ends us here.
    if (toGroup && ::kill(0, signal) != 0) {
        std::fprintf(stderr, "%s: cannot send signal %s to the process group: %s\n",
                     m_programName.c_str(), signalText(signal).c_str(), std::strerror(errno));
    }
}
