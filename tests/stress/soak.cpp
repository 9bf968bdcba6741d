// SPDX-License-Identifier: MIT
#include "soak.h"

#include "childchaos.h"
#include "leakcheck.h"
#include "processcensus.h"
#include "processchaos.h"
#include "throughput.h"

#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace SharedChildStress {

namespace {

using Clock = std::chrono::steady_clock;
using SharedChildTest::ProcessCensus;

double mebibytes(std::int64_t bytes)
{
    return static_cast<double>(bytes) / (1024 * 1024);
}

// Prints the figures every `interval` from a thread of its own, so that they
// come on time whatever the rounds are doing.
class Reporter
{
public:
    explicit Reporter(std::chrono::duration<double> interval)
        : m_interval(std::chrono::duration_cast<Clock::duration>(interval)),
          m_thread([this] { run(); })
    { }
    ~Reporter()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_stopped.notify_all();
        m_thread.join();
    }
    Reporter(const Reporter &) = delete;
    Reporter &operator=(const Reporter &) = delete;

private:
    void run()
    {
        long lastChildren = childrenStarted().load();
        auto last = m_start;
        std::unique_lock lock(m_mutex);
        while (!m_stopped.wait_for(lock, m_interval, [this] { return m_stop; })) {
            const auto now = Clock::now();
            const long children = childrenStarted().load();
            const double seconds = std::chrono::duration<double>(now - last).count();
            const ProcessCensus census = ProcessCensus::take();
            std::printf("soak %6.0f s  %8ld children  %6.0f/s  fds %3d  threads %3d  "
                        "children alive %3d  rss %6.1f MiB\n",
                        std::chrono::duration<double>(now - m_start).count(), children,
                        static_cast<double>(children - lastChildren) / seconds, census.openFds,
                        census.threads, census.childProcesses, mebibytes(census.residentBytes));
            std::fflush(stdout);
            lastChildren = children;
            last = now;
        }
    }

    const Clock::time_point m_start = Clock::now();
    const Clock::duration m_interval;
    std::mutex m_mutex;
    std::condition_variable m_stopped;
    bool m_stop = false; // guarded by m_mutex
    std::thread m_thread;
};

} // namespace

void runSoak(const StressOptions &options, Failures &failures)
{
    const auto start = Clock::now();
    const auto end = start
            + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double, std::ratio<60>>(options.minutes));
    const long childrenBefore = childrenStarted().load();
    std::printf("soak: rounds of %d children and %d SharedChildProcess runs for %g min, "
                "figures every %.0f s\n",
                std::max(1, options.children / 10), std::max(1, options.runs / 10), options.minutes,
                options.reportSeconds);
    std::fflush(stdout);
    const Reporter reporter{std::chrono::duration<double>(options.reportSeconds)};

    ProcessCensus first;
    ProcessCensus last;
    int rounds = 0;
    do {
        ChildChaosSettings children;
        children.children = std::max(1, options.children / 10);
        children.threads = options.threads;
        children.helper = options.helper;
        children.seed = options.seed + static_cast<std::uint64_t>(rounds);
        children.quiet = true;
        runChildChaos(children, failures);

        ProcessChaosSettings processes;
        processes.runs = std::max(1, options.runs / 10);
        processes.threads = options.threads;
        processes.helper = options.helper;
        processes.seed = options.seed + static_cast<std::uint64_t>(rounds);
        processes.quiet = true;
        runProcessChaos(processes, failures);

        // Against the first round's figures, given the moment that every
        // other leak check gives: a child reaped in the background, and the
        // thread and descriptors that went with it, may still be on their
        // way out. An instant sample failed on such a descriptor (ASan run).
        if (rounds == 0)
            first = ProcessCensus::take();
        else
            expectNothingLeft(first, failures, "after round " + std::to_string(rounds + 1),
                              [] { QCoreApplication::processEvents(); });
        last = ProcessCensus::take();
        ++rounds;
    } while (Clock::now() < end && failures.count() == 0);

    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const long children = childrenStarted().load() - childrenBefore;
    std::printf("soak: %d rounds in %.0f s, %ld children (%.0f/s); between rounds: fds %d -> %d, "
                "threads %d -> %d, rss %.1f -> %.1f MiB\n",
                rounds, seconds, children, static_cast<double>(children) / seconds, first.openFds,
                last.openFds, first.threads, last.threads, mebibytes(first.residentBytes),
                mebibytes(last.residentBytes));
}

} // namespace SharedChildStress
