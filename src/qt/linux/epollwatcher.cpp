// SPDX-License-Identifier: MIT
// Linux: every watched pidfd sits in one epoll set, and one QSocketNotifier on
// the epoll descriptor wakes the waiter thread. Ten thousand children cost one
// descriptor in the event loop, not ten thousand.

#include "../exitwatcher.h"

#include <QObject>
#include <QSocketNotifier>

#include <array>
#include <mutex>
#include <sys/epoll.h>
#include <unistd.h>
#include <unordered_map>

namespace SharedChild::QtDetail {

namespace {

class EpollWatcher final : public DescriptorWatcher
{
public:
    EpollWatcher(int epoll, QObject *context)
        : m_epoll(epoll), m_notifier(epoll, QSocketNotifier::Read)
    {
        QObject::connect(&m_notifier, &QSocketNotifier::activated, context, [this] { drain(); });
    }
    ~EpollWatcher() override { ::close(m_epoll); }
    EpollWatcher(const EpollWatcher &) = delete;
    EpollWatcher &operator=(const EpollWatcher &) = delete;

    bool add(const std::shared_ptr<Run> &run) override
    {
        const int pidfd = run->child()->pollDescriptor();
        std::lock_guard lock(m_mutex);
        m_runs[pidfd] = run;
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = pidfd;
        if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, pidfd, &event) == 0)
            return true;
        m_runs.erase(pidfd);
        return false;
    }

private:
    void drain()
    {
        std::array<epoll_event, 256> events{};
        const int ready = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), 0);
        for (int i = 0; i < ready; ++i) {
            const int pidfd = events[static_cast<std::size_t>(i)].data.fd;
            std::shared_ptr<Run> run;
            {
                std::lock_guard lock(m_mutex);
                const auto found = m_runs.find(pidfd);
                if (found == m_runs.end())
                    continue;
                run = found->second;
            }
            // A readable pidfd means the child has exited, so this has an outcome.
            const auto outcome = observeOutcome([&run] { return run->child()->tryWait(); });
            if (!outcome)
                continue;
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, pidfd, nullptr);
            {
                std::lock_guard lock(m_mutex);
                m_runs.erase(pidfd);
            }
            run->deliver(*outcome);
        }
    }

    const int m_epoll;
    QSocketNotifier m_notifier;
    std::mutex m_mutex;
    std::unordered_map<int, std::shared_ptr<Run>> m_runs; // by pidfd; guarded by m_mutex
};

} // namespace

std::unique_ptr<DescriptorWatcher> createDescriptorWatcher(QObject *waiterContext)
{
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll < 0)
        return nullptr;
    return std::make_unique<EpollWatcher>(epoll, waiterContext);
}

} // namespace SharedChild::QtDetail
