// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

namespace Bench {

/// What this process holds right now, as the kernel reports it in /proc/self.
struct ProcessStats
{
    int threads = 0;
    int fds = 0; ///< open file descriptors
    qint64 rssBytes = 0; ///< resident set size (VmRSS)
    qint64 peakRssBytes = 0; ///< high-water mark of the RSS (VmHWM)
};

ProcessStats currentProcessStats();

/// Sets the RSS high-water mark back to the current RSS, so that a later
/// peakRssBytes covers only what happened since.
void resetPeakRss();

/// Raises this process's soft RLIMIT_NOFILE to its hard limit and returns the new soft limit.
qint64 raiseFdLimitToHard();

} // namespace Bench
