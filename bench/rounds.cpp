// SPDX-License-Identifier: MIT
#include "rounds.h"

#include "clock.h"
#include "format.h"
#include "stats.h"

#include <QCoreApplication>

#include <sys/resource.h>

namespace Bench {

namespace {

// User and system time of every thread of this process so far.
double processCpuNs()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto ns = [](const timeval &time) {
        return double(time.tv_sec) * 1e9 + double(time.tv_usec) * 1e3;
    };
    return ns(usage.ru_utime) + ns(usage.ru_stime);
}

} // namespace

Rounds::Rounds(const std::vector<std::function<void()>> &variants, int rounds)
{
    for (const auto &variant : variants)
        variant();
    const std::size_t count = variants.size();
    for (int round = 0; round < rounds; ++round) {
        std::vector<Time> times(count);
        for (std::size_t step = 0; step < count; ++step) {
            const std::size_t variant = (std::size_t(round) + step) % count;
            const double cpuStart = processCpuNs();
            const std::int64_t start = nowNs();
            variants[variant]();
            times[variant].wall = double(nowNs() - start);
            times[variant].cpu = processCpuNs() - cpuStart;
            // Events this variant left posted are handled outside the next one's time.
            QCoreApplication::sendPostedEvents();
        }
        m_times.push_back(std::move(times));
    }
}

double Rounds::medianNs(std::size_t variant, Clock clock) const
{
    std::vector<double> values;
    values.reserve(m_times.size());
    for (const auto &round : m_times)
        values.push_back(round[variant].on(clock));
    return median(values);
}

std::vector<double> Rounds::ratios(std::size_t ours, std::size_t peer, Clock clock) const
{
    std::vector<double> values;
    values.reserve(m_times.size());
    for (const auto &round : m_times)
        values.push_back(round[ours].on(clock) / round[peer].on(clock));
    return values;
}

QString ratioSpread(const std::vector<double> &ratios)
{
    return QStringLiteral("median of %1 per-round ratios; range %2–%3, middle half %4–%5")
            .arg(ratios.size())
            .arg(formatRatio(percentile(ratios, 0)), formatRatio(percentile(ratios, 1)),
                 formatRatio(percentile(ratios, 0.25)), formatRatio(percentile(ratios, 0.75)));
}

} // namespace Bench
