// SPDX-License-Identifier: MIT
#include "exitwatcher.h"

#include <thread>

namespace SharedChild::QtDetail {

void watchWithBlockingThread(const std::shared_ptr<Run> &run)
{
    std::thread([run] {
        const auto outcome = observeOutcome([&run] { return std::optional(run->child()->wait()); });
        run->deliver(*outcome);
    }).detach();
}

} // namespace SharedChild::QtDetail
