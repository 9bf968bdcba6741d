// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace SharedChildStress {

/// What each worker thread of a run is calling right now. A call that never
/// returns then ends the run as a failure that names the call and the child,
/// instead of hanging until ctest's timeout kills the program.
class CallWatch
{
public:
    explicit CallWatch(int threads);

    /// Marks `call` on child `pid` as running in thread `thread` until destroyed.
    class Scope
    {
    public:
        Scope(CallWatch &watch, int thread, const char *call, std::int64_t pid);
        ~Scope();
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        CallWatch &m_watch;
        int m_thread;
    };

    /// "waitFor on pid 1234 has not returned for 61 s" for the oldest call
    /// running longer than `limit`, if any.
    std::optional<std::string> stuckLongerThan(std::chrono::milliseconds limit) const;

private:
    struct InFlight
    {
        std::atomic<std::int64_t> since{0}; // steady_clock ticks; 0 when idle
        std::atomic<const char *> call{nullptr};
        std::atomic<std::int64_t> pid{0};
    };
    const int m_threads;
    std::unique_ptr<InFlight[]> m_inFlight;
};

} // namespace SharedChildStress
