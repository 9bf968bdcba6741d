// SPDX-License-Identifier: MIT
#include "orphanreaper.h"

#include "../librarythread.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace SharedChild::Detail {

namespace {

// True once the child behind `pidfd` is reaped (by us or, if the program
// reaps behind our back, by someone else).
bool tryReap(int pidfd)
{
    for (;;) {
        siginfo_t info{};
        if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info,
                     WEXITED | WNOHANG)
            == 0)
            return info.si_pid != 0;
        if (errno != EINTR)
            return true;
    }
}

void reapBlocking(int pidfd)
{
    pollfd entry{pidfd, POLLIN, 0};
    while (!tryReap(pidfd)) {
        ::poll(&entry, 1, -1);
    }
    ::close(pidfd);
}

class OrphanReaper
{
public:
    OrphanReaper() : m_epoll(::epoll_create1(EPOLL_CLOEXEC)) { }

    // Never throws: it runs in ~Child(). At the process limit no thread can
    // start; the orphan then waits in the epoll set, and the thread, started
    // with the next orphan, reaps it too.
    void adopt(int pidfd)
    {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = pidfd;
        if (m_epoll < 0 || ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, pidfd, &event) != 0) {
            // Out of memory for epoll: fall back to a thread of its own.
            try {
                std::thread(reapBlocking, pidfd).detach();
            } catch (const std::system_error &) {
                // No thread either: the child stays a zombie until this program ends.
            }
            return;
        }
        std::lock_guard lock(m_startMutex);
        if (m_started)
            return;
        try {
            std::thread([this] { run(); }).detach();
            m_started = true;
        } catch (const std::system_error &) {
            // Retried with the next orphan; see above.
        }
    }

private:
    [[noreturn]] void run() const
    {
        keepSignalsAwayFromThisThread();
        std::array<epoll_event, 64> events{};
        for (;;) {
            const int ready
                    = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), -1);
            for (int i = 0; i < ready; ++i) {
                const int pidfd = events[static_cast<std::size_t>(i)].data.fd;
                if (tryReap(pidfd)) {
                    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, pidfd, nullptr);
                    ::close(pidfd);
                }
            }
        }
    }

    const int m_epoll; // set before the object is shared
    std::mutex m_startMutex; // lock order: see src/LOCKING.md
    bool m_started = false; // guarded by m_startMutex
};

} // namespace

void reapOrphanInBackground(int pidfd)
{
    // Never destroyed: the thread may still be inside epoll_wait() during exit.
    static auto *const reaper = new OrphanReaper;
    reaper->adopt(pidfd);
}

} // namespace SharedChild::Detail
