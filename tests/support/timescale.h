// SPDX-License-Identifier: MIT
#pragma once

// Wall-clock budgets of the tests, scaled for slow builds. A check that is
// about speed rather than correctness ("stop() returns within 100 ms") uses
// scaled(); the sanitizer scripts set SCTEST_TIME_SCALE, since ThreadSanitizer
// makes every memory access and lock several times slower. Deadlines that only
// guard against hangs are generous already and stay as they are.

#include <chrono>
#include <cstdint>
#include <cstdlib>

namespace SharedChildTest {

/// SCTEST_TIME_SCALE (a factor >= 1), or 1 when unset.
inline double timeScale()
{
    const char *text = std::getenv("SCTEST_TIME_SCALE");
    const double scale = text ? std::atof(text) : 1.0;
    return scale >= 1.0 ? scale : 1.0;
}

/// `budget` stretched by timeScale().
template<typename Rep, typename Period>
std::chrono::milliseconds scaled(std::chrono::duration<Rep, Period> budget)
{
    const auto milliseconds = std::chrono::duration<double, std::milli>(budget).count();
    return std::chrono::milliseconds(static_cast<std::int64_t>(milliseconds * timeScale()));
}

} // namespace SharedChildTest
