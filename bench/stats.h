// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

namespace Bench {

/// The middle value (the mean of the two middle ones for an even count); NaN when empty.
double median(std::vector<double> values);

/// The nearest-rank percentile, `fraction` in [0, 1]; NaN when empty.
double percentile(std::vector<double> values, double fraction);

} // namespace Bench
