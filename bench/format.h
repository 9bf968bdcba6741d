// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace Bench {

/// "850 ns", "612 µs", "12.3 ms", "1.23 s"
QString formatDuration(double nanoseconds);
/// "812 B", "1.8 KiB", "3.2 MiB", "2.00 GiB"
QString formatBytes(double bytes);
/// "10,000"; one decimal for fractional values below 100 ("1.0")
QString formatCount(double count);
/// "0.87×"; "—" for NaN
QString formatRatio(double ratio);

} // namespace Bench
