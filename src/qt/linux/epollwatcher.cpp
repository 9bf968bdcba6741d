// SPDX-License-Identifier: MIT
// Linux: every watched pidfd sits in one epoll set, next to an eventfd that
// wakes the waiter thread for other work. The waiter thread blocks in
// epoll_wait() itself, so a child's exit reaches it without a trip through
// an event dispatcher, and ten thousand children cost one descriptor more
// than ten thousand pidfds.

#include "../exitwatcher.h"

#include <QtGlobal>

#include <array>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <unordered_map>

namespace SharedChild::QtDetail {

namespace {

// When epoll cannot watch a child, a thread of its own does, else a later
// wait or tryWait must.
void watchOnThreadOfItsOwn(const std::shared_ptr<Run> &run)
{
    try {
        watchWithBlockingThread(run);
    } catch (...) {
        qWarning("SharedChildProcess (pid %lld): cannot watch the child any more",
                 static_cast<long long>(run->child()->id()));
    }
}

class EpollWatcher final : public DescriptorWatcher
{
public:
    EpollWatcher()
        : m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
          m_wakeUp(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = m_wakeUp;
        if (m_epoll < 0 || m_wakeUp < 0
            || ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeUp, &event) != 0) {
            const int error = errno;
            closeDescriptors();
            throw std::system_error(error, std::generic_category(),
                                    "cannot create the SharedChild waiter's epoll set");
        }
    }
    ~EpollWatcher() override { closeDescriptors(); }
    EpollWatcher(const EpollWatcher &) = delete;
    EpollWatcher &operator=(const EpollWatcher &) = delete;

    bool add(const std::shared_ptr<Run> &run) override
    {
        const int pidfd = run->child()->pollDescriptor();
        std::lock_guard lock(m_mutex);
        m_runs[pidfd] = Watched{run, 0};
        if (addToSet(pidfd))
            return true;
        m_runs.erase(pidfd);
        return false;
    }

    void hold(const std::shared_ptr<Run> &run) override
    {
        const int pidfd = run->child()->pollDescriptor();
        std::lock_guard lock(m_mutex);
        const auto found = m_runs.find(pidfd);
        if (found == m_runs.end() || found->second.run != run)
            return; // delivered already, or not watched here
        // Out of the set rather than masked: epoll reports EPOLLHUP whatever
        // the mask, and a pidfd reports it once the waiting thread has reaped.
        if (found->second.holds++ == 0)
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, pidfd, nullptr);
    }

    void release(const std::shared_ptr<Run> &run, bool recorded) override
    {
        const int pidfd = run->child()->pollDescriptor();
        std::lock_guard lock(m_mutex);
        const auto found = m_runs.find(pidfd);
        if (found == m_runs.end() || found->second.run != run || --found->second.holds > 0)
            return;
        // Readable at once if the child has exited: waitOnce() delivers.
        if (recorded || addToSet(pidfd)) {
            if (recorded)
                m_runs.erase(found);
            return;
        }
        // Out of memory or of epoll watches (ENOMEM, ENOSPC).
        m_runs.erase(found);
        watchOnThreadOfItsOwn(run);
    }

    void waitOnce(int timeoutMsecs) override
    {
        std::array<epoll_event, 256> events; // not zeroed: epoll_wait fills what it reports
        const int ready = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                                       timeoutMsecs);
        for (int i = 0; i < ready; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == m_wakeUp) {
                std::uint64_t count = 0;
                while (::read(m_wakeUp, &count, sizeof count) < 0 && errno == EINTR) { }
            } else {
                deliverExit(fd);
            }
        }
    }

    void wake() override
    {
        const std::uint64_t one = 1;
        while (::write(m_wakeUp, &one, sizeof one) < 0 && errno == EINTR) { }
    }

private:
    struct Watched
    {
        std::shared_ptr<Run> run;
        int holds = 0; // threads blocked in a wait on it; out of the set while > 0
    };

    void deliverExit(int pidfd)
    {
        std::shared_ptr<Run> run;
        {
            std::lock_guard lock(m_mutex);
            const auto found = m_runs.find(pidfd);
            if (found == m_runs.end())
                return;
            run = found->second.run;
        }
        // A readable pidfd means the child has exited, so this has an outcome
        // unless the check failed (ENOMEM): then a thread of its own takes
        // over, which tries again without holding up the other children.
        const auto outcome
                = observeOutcome(*run->child(), [&run] { return run->child()->tryWait(); });
        if (!outcome) {
            {
                std::lock_guard lock(m_mutex);
                ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, pidfd, nullptr);
                m_runs.erase(pidfd);
            }
            watchOnThreadOfItsOwn(run);
            return;
        }
        // Delivered first: the owner waits for it, nobody for the cleanup.
        run->deliver(*outcome);
        std::lock_guard lock(m_mutex);
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, pidfd, nullptr);
        m_runs.erase(pidfd);
    }

    bool addToSet(int pidfd)
    {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = pidfd;
        return ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, pidfd, &event) == 0;
    }

    void closeDescriptors()
    {
        if (m_epoll >= 0)
            ::close(m_epoll);
        if (m_wakeUp >= 0)
            ::close(m_wakeUp);
    }

    const int m_epoll;
    const int m_wakeUp;
    std::mutex m_mutex; // lock order: see src/LOCKING.md
    std::unordered_map<int, Watched> m_runs; // by pidfd; guarded by m_mutex
};

} // namespace

std::unique_ptr<DescriptorWatcher> createDescriptorWatcher()
{
    return std::make_unique<EpollWatcher>();
}

} // namespace SharedChild::QtDetail
