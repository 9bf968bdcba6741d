// SPDX-License-Identifier: MIT
// Linux: every watched pidfd sits in one epoll set, and one QSocketNotifier on
// the epoll descriptor wakes the waiter thread. Ten thousand children cost one
// descriptor in the event loop, not ten thousand.

#include "../exitwatcher.h"

#include <QObject>
#include <QSocketNotifier>
#include <QtGlobal>

#include <array>
#include <mutex>
#include <sys/epoll.h>
#include <system_error>
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

    void release(const std::shared_ptr<Run> &run) override
    {
        const int pidfd = run->child()->pollDescriptor();
        std::lock_guard lock(m_mutex);
        const auto found = m_runs.find(pidfd);
        if (found == m_runs.end() || found->second.run != run || --found->second.holds > 0)
            return;
        if (run->outcome()) {
            m_runs.erase(found);
        } else if (!addToSet(pidfd)) {
            // Readable at once if the child has exited: drain() delivers. Only
            // ENOMEM could stop that; a thread of its own watches it instead.
            m_runs.erase(found);
            try {
                watchWithBlockingThread(run);
            } catch (const std::system_error &error) {
                qWarning("SharedChildProcess (pid %lld): cannot watch the child any more: %s",
                         static_cast<long long>(run->child()->id()), error.what());
            }
        }
    }

private:
    struct Watched
    {
        std::shared_ptr<Run> run;
        int holds = 0; // threads blocked in a wait on it; not polled while > 0
    };

    bool addToSet(int pidfd)
    {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = pidfd;
        return ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, pidfd, &event) == 0;
    }

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
                run = found->second.run;
            }
            // A readable pidfd means the child has exited, so this has an outcome.
            const auto outcome = observeOutcome([&run] { return run->child()->tryWait(); });
            if (!outcome)
                continue;
            {
                std::lock_guard lock(m_mutex);
                ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, pidfd, nullptr);
                m_runs.erase(pidfd);
            }
            run->deliver(*outcome);
        }
    }

    const int m_epoll;
    QSocketNotifier m_notifier;
    std::mutex m_mutex;
    std::unordered_map<int, Watched> m_runs; // by pidfd; guarded by m_mutex
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
