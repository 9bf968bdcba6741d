// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <functional>
#include <vector>

namespace Bench {

/// Wall times of variants that take turns: each round runs every variant once,
/// the order rotated from round to round, so that load from elsewhere falls on
/// all of them alike. A round's ratio compares two variants of that round.
class Rounds
{
public:
    /// Runs one untimed round (warm-up), then `rounds` timed ones.
    Rounds(const std::vector<std::function<void()>> &variants, int rounds);

    /// The median wall time of `variant`, in nanoseconds.
    double medianNs(std::size_t variant) const;
    /// `ours` ÷ `peer`, round by round.
    std::vector<double> ratios(std::size_t ours, std::size_t peer) const;

private:
    std::vector<std::vector<double>> m_times; // [round][variant]
};

/// "median of N per-round ratios; range a–b, middle half c–d"
QString ratioSpread(const std::vector<double> &ratios);

} // namespace Bench
