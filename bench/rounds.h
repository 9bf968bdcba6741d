// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <functional>
#include <vector>

namespace Bench {

/// Wall and CPU times of variants that take turns: each round runs every
/// variant once, the order rotated from round to round, so that load from
/// elsewhere falls on all of them alike. A round's ratio compares two variants
/// of that round. The CPU time is this whole process's (every thread, user and
/// system), which load from elsewhere barely moves.
class Rounds
{
public:
    /// Runs one untimed round (warm-up), then `rounds` timed ones.
    Rounds(const std::vector<std::function<void()>> &variants, int rounds);

    enum Clock { Wall, Cpu };

    /// The median time of `variant` on `clock`, in nanoseconds.
    double medianNs(std::size_t variant, Clock clock = Wall) const;
    /// `ours` ÷ `peer` on `clock`, round by round.
    std::vector<double> ratios(std::size_t ours, std::size_t peer, Clock clock = Wall) const;

private:
    struct Time
    {
        double wall = 0;
        double cpu = 0;
        double on(Clock clock) const { return clock == Wall ? wall : cpu; }
    };
    std::vector<std::vector<Time>> m_times; // [round][variant]
};

/// "median of N per-round ratios; range a–b, middle half c–d"
QString ratioSpread(const std::vector<double> &ratios);

} // namespace Bench
