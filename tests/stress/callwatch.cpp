// SPDX-License-Identifier: MIT
#include "callwatch.h"

namespace SharedChildStress {

using Clock = std::chrono::steady_clock;

CallWatch::CallWatch(int threads) : m_threads(threads), m_inFlight(new InFlight[threads]) { }

CallWatch::Scope::Scope(CallWatch &watch, int thread, const char *call, std::int64_t pid)
    : m_watch(watch), m_thread(thread)
{
    InFlight &slot = m_watch.m_inFlight[thread];
    slot.call = call;
    slot.pid = pid;
    slot.since = Clock::now().time_since_epoch().count();
}

CallWatch::Scope::~Scope()
{
    m_watch.m_inFlight[m_thread].since = 0;
}

std::optional<std::string> CallWatch::stuckLongerThan(std::chrono::milliseconds limit) const
{
    const auto now = Clock::now().time_since_epoch().count();
    std::optional<std::string> oldest;
    Clock::rep longest = 0;
    for (int i = 0; i < m_threads; ++i) {
        const InFlight &slot = m_inFlight[i];
        const auto since = slot.since.load();
        if (since == 0 || now - since <= longest)
            continue;
        const auto running = Clock::duration(now - since);
        if (running <= limit)
            continue;
        longest = now - since;
        oldest = std::string(slot.call.load()) + " on pid " + std::to_string(slot.pid.load())
                + " has not returned for "
                + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(running).count())
                + " s";
    }
    return oldest;
}

} // namespace SharedChildStress
