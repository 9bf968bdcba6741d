// SPDX-License-Identifier: MIT
#pragma once

#include "run.h"

#include <memory>

namespace SharedChild::QtDetail {

/// For a child the exit watcher cannot take, or whose status a check could
/// not read (ENOMEM): one thread blocked in Child::wait(), ending with it.
/// Throws std::system_error (EAGAIN) when no thread can start.
void watchWithBlockingThread(const std::shared_ptr<Run> &run);

} // namespace SharedChild::QtDetail
