// SPDX-License-Identifier: MIT
#pragma once

#include "run.h"

#include <memory>

namespace SharedChild::QtDetail {

/// Watches the pollable descriptors (pidfds) of many children for the waiter
/// thread, and delivers each run's outcome when its child exits. The waiter
/// thread blocks in waitOnce(); everything else is thread-safe.
class DescriptorWatcher
{
public:
    virtual ~DescriptorWatcher() = default;
    /// Watches run->child()->pollDescriptor(); false if it cannot.
    virtual bool add(const std::shared_ptr<Run> &run) = 0;
    /// Any thread, before blocking in a wait on `run`'s child: stops watching
    /// it until the matching release(). The waiting thread learns the outcome
    /// first; a second thread woken by the same exit would only meet it on the
    /// child's lock and delay its return.
    virtual void hold(const std::shared_ptr<Run> &run) = 0;
    /// Any thread, after that wait: watches the child again, or forgets it
    /// when the run's outcome had been `recorded` by then. Never throws.
    virtual void release(const std::shared_ptr<Run> &run, bool recorded) = 0;
    /// The waiter thread: blocks until watched children exit (and delivers
    /// their outcomes), wake() is called, or `timeoutMsecs` pass (-1: never).
    virtual void waitOnce(int timeoutMsecs) = 0;
    /// Any thread: makes the current or the next waitOnce() return.
    virtual void wake() = 0;
};

/// The platform's descriptor watcher; throws std::system_error when it cannot
/// make one (e.g. at the descriptor limit).
std::unique_ptr<DescriptorWatcher> createDescriptorWatcher();

/// For children without a pollable descriptor (the waitid backend): one
/// thread blocked in Child::wait() per child, ending with it.
void watchWithBlockingThread(const std::shared_ptr<Run> &run);

} // namespace SharedChild::QtDetail
