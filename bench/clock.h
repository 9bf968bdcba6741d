// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>

namespace Bench {

/// Nanoseconds on the steady clock (CLOCK_MONOTONIC on Linux), which every
/// thread and every process on the machine shares: a child's timestamp and
/// the parent's can be subtracted.
inline std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

} // namespace Bench
