// SPDX-License-Identifier: MIT
// Linux: every watched pidfd sits in one epoll set, next to an eventfd that
// wakes the loop for other work, so ten thousand children cost one
// descriptor more than their ten thousand pidfds, and no thread. Children
// without a pidfd (the waitid backend), and any that epoll refuses (ENOSPC at
// the max_user_watches limit, ENOMEM), get a waiting thread each.

#include "../exitsource.h"
#include "../posix/waitingthreads.h"

#include <sharedchild/child.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>

namespace SharedChild::Detail {

namespace {

class EpollExitSource final : public ExitSource
{
public:
    EpollExitSource()
        : m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
          m_wakeUp(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
          m_threads(std::in_place, [this] { wake(); })
    {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = wakeUpToken;
        if (m_epoll < 0 || m_wakeUp < 0
            || ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeUp, &event) != 0) {
            const int error = errno;
            closeDescriptors();
            throw std::system_error(error, std::generic_category(),
                                    "cannot create the exit watcher's epoll set");
        }
    }
    ~EpollExitSource() override
    {
        // First, so that no waiting thread writes to the eventfd once it is closed.
        m_threads.reset();
        closeDescriptors();
    }
    EpollExitSource(const EpollExitSource &) = delete;
    EpollExitSource &operator=(const EpollExitSource &) = delete;

    void add(const std::shared_ptr<Child> &child, WatchToken token) override
    {
        if (!addToSet(*child, token))
            m_threads->start(child, token);
    }

    void remove(const Child &child, WatchToken token) override
    {
        removeFromSet(child);
        m_threads->forget(child, token);
    }

    // Out of the set rather than masked: epoll reports EPOLLHUP whatever the
    // mask, and a pidfd reports it once the waiting thread has reaped. A
    // child's waiting thread cannot pause, and its wake-up costs the blocked
    // thread nothing: it stays.
    void pause(const Child &child, WatchToken) override { removeFromSet(child); }

    bool resume(const std::shared_ptr<Child> &child, WatchToken token) override
    {
        if (child->pollDescriptor() < 0 || addToSet(*child, token))
            return true;
        try {
            m_threads->start(child, token);
            return true;
        } catch (const std::system_error &) {
            return false;
        }
    }

    void wait(std::optional<std::chrono::milliseconds> timeout,
              std::vector<WatchToken> &exited) override
    {
        std::array<epoll_event, 256> events; // not zeroed: epoll_wait fills what it reports
        const int ready
                = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                               timeout ? static_cast<int>(std::min<std::chrono::milliseconds::rep>(
                                       timeout->count(), 0x7fffffff))
                                       : -1);
        for (int i = 0; i < ready; ++i) {
            const WatchToken token = events[static_cast<std::size_t>(i)].data.u64;
            if (token == wakeUpToken) {
                std::uint64_t count = 0;
                while (::read(m_wakeUp, &count, sizeof count) < 0 && errno == EINTR) { }
            } else {
                exited.push_back(token);
            }
        }
        m_threads->takeExited(exited);
    }

    void wake() override
    {
        const std::uint64_t one = 1;
        while (::write(m_wakeUp, &one, sizeof one) < 0 && errno == EINTR) { }
    }

private:
    // Tokens count up from 1 (exitwatcher.cpp), so this one is never a child's.
    static constexpr WatchToken wakeUpToken = 0;

    bool addToSet(const Child &child, WatchToken token)
    {
        const int pidfd = child.pollDescriptor();
        if (pidfd < 0)
            return false;
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = token;
        return ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, pidfd, &event) == 0;
    }

    void removeFromSet(const Child &child)
    {
        if (const int pidfd = child.pollDescriptor(); pidfd >= 0)
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, pidfd, nullptr);
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
    std::optional<WaitingThreads> m_threads; // reset first in the destructor
};

} // namespace

std::unique_ptr<ExitSource> createExitSource()
{
    return std::make_unique<EpollExitSource>();
}

} // namespace SharedChild::Detail
