// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace SharedChildStress {

/// The command line of sharedchild-stress. Defaults are the full sizes; ctest
/// passes smaller ones.
struct StressOptions
{
    int children = 2000; // children per `children` run
    int runs = 2000; // SharedChildProcess runs per `processes` run
    int rounds = 1000; // forced PID reuses per `pid-reuse` run
    int threads = 8; // threads issuing calls at random
    int signalsAfterReuse = 200; // calls through the stale handle once its PID is reused
    double minutes = 1.0; // length of `soak`
    double reportSeconds = 5.0; // `soak` prints its figures this often
    std::uint64_t seed = 0;
    std::string helper; // the child program (sctest-helper)
    std::vector<std::string> parts;
};

/// The parsed options, or empty after printing what is wrong.
std::optional<StressOptions> parseStressOptions(const std::vector<std::string> &arguments);

/// The options as arguments again, for running this program in a subprocess.
std::vector<std::string> toArguments(const StressOptions &options, const std::string &part);

} // namespace SharedChildStress
