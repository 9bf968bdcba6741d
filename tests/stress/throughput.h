// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>

namespace SharedChildStress {

/// Children started by every part so far; the soak reports its rate.
std::atomic<long> &childrenStarted();

} // namespace SharedChildStress
