// SPDX-License-Identifier: MIT
// The exit status carries the child's CPU time and peak memory, taken at reap.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <iostream>

using namespace SharedChild;
using namespace SharedChildTest;
using namespace std::chrono_literals;

namespace {

// The upper bound on the busy child's peak memory only catches a wrong unit.
// Under ThreadSanitizer the (instrumented) child also holds shadow memory,
// several bytes for each byte it touches.
#if defined(__SANITIZE_THREAD__)
constexpr std::int64_t mostPeakRss = std::int64_t{1024} * 1024 * 1024;
#else
constexpr std::int64_t mostPeakRss = std::int64_t{256} * 1024 * 1024;
#endif

} // namespace

TEST(ResourceUsage, CpuTimeAndPeakMemoryOfABusyChild)
{
    auto child = Child::spawn(helper({"burn", "200", "64"}));
    const ExitStatus status = child->wait();
    ASSERT_TRUE(status.success());
    const ResourceUsage &usage = status.resourceUsage();
    ASSERT_TRUE(usage.isValid());
    const auto cpu = usage.userTime() + usage.systemTime();
    EXPECT_LT(cpu, 2000ms) << cpu.count() << " us";
    if (!usageOfExitedChildIsReported()) {
        std::cout << "CPU time and peak memory not checked: this OS does not report them\n";
        return;
    }
    EXPECT_GE(cpu, 180ms) << cpu.count() << " us";
    EXPECT_GE(usage.peakRssBytes(), 64 * 1024 * 1024) << usage.peakRssBytes();
    EXPECT_LT(usage.peakRssBytes(), mostPeakRss) << usage.peakRssBytes();
}

TEST(ResourceUsage, AnIdleChildUsesLittle)
{
    const ExitStatus status = Child::spawn(helper({"exit", "0"}))->wait();
    ASSERT_TRUE(status.resourceUsage().isValid());
    EXPECT_LT(status.resourceUsage().userTime() + status.resourceUsage().systemTime(), 100ms);
    // Beyond what Linux counts of the spawning process in it: the test
    // process is past 32 MiB under ASan, which failed this in CI.
    EXPECT_LT(status.resourceUsage().peakRssBytes(), inheritedPeakRssBytes() + 32 * 1024 * 1024);
}
