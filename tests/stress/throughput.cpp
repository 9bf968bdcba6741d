// SPDX-License-Identifier: MIT
#include "throughput.h"

namespace SharedChildStress {

std::atomic<long> &childrenStarted()
{
    static std::atomic<long> started{0};
    return started;
}

} // namespace SharedChildStress
