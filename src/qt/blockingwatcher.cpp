// SPDX-License-Identifier: MIT
#include "blockingwatcher.h"

#include <thread>

namespace SharedChild::QtDetail {

void watchWithBlockingThread(const std::shared_ptr<Run> &run)
{
    std::thread([run] {
        std::optional<Outcome> outcome;
        while (!outcome) // empty only after a transient error
            outcome = observeOutcome(*run->child(),
                                     [&run] { return std::optional(run->child()->wait()); });
        run->deliver(*outcome);
    }).detach();
}

} // namespace SharedChild::QtDetail
