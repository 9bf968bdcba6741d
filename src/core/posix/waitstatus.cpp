// SPDX-License-Identifier: MIT
#include "waitstatus.h"

#include <sys/wait.h>

#include <utility>

namespace SharedChild::Detail {

namespace {
std::chrono::microseconds toMicroseconds(const timeval &time)
{
    return std::chrono::seconds(time.tv_sec) + std::chrono::microseconds(time.tv_usec);
}

#ifdef __APPLE__
constexpr std::int64_t maxRssUnit = 1; // bytes
#else
constexpr std::int64_t maxRssUnit = 1024; // KiB
#endif
} // namespace

ResourceUsage resourceUsageFrom(const struct rusage &usage)
{
    return {toMicroseconds(usage.ru_utime), toMicroseconds(usage.ru_stime),
            static_cast<std::int64_t>(usage.ru_maxrss) * maxRssUnit};
}

std::optional<ExitStatus> exitStatusFrom(const siginfo_t &info, ResourceUsage usage)
{
    if (info.si_pid == 0)
        return std::nullopt;
    switch (info.si_code) {
    case CLD_EXITED:
        return ExitStatus::exited(info.si_status, std::move(usage));
    case CLD_KILLED:
        return ExitStatus::signaled(info.si_status, false, std::move(usage));
    case CLD_DUMPED:
        return ExitStatus::signaled(info.si_status, true, std::move(usage));
    default:
        return std::nullopt;
    }
}

std::optional<int> stopSignalFrom(const siginfo_t &info)
{
    if (info.si_pid == 0 || (info.si_code != CLD_STOPPED && info.si_code != CLD_TRAPPED))
        return std::nullopt;
    return info.si_status;
}

ExitStatus exitStatusFromWaitStatus(int status, ResourceUsage usage)
{
    if (WIFSIGNALED(status))
        return ExitStatus::signaled(WTERMSIG(status), WCOREDUMP(status), std::move(usage));
    return ExitStatus::exited(WEXITSTATUS(status), std::move(usage));
}

} // namespace SharedChild::Detail
