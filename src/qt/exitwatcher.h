// SPDX-License-Identifier: MIT
#pragma once

#include "run.h"

#include <memory>

class QObject;

namespace SharedChild::QtDetail {

/// Watches the pollable descriptors (pidfds) of many children from the waiter
/// thread with one notifier, and delivers each run's outcome when its child
/// exits. Created and destroyed in the waiter thread; add() is thread-safe.
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
    /// when the run's outcome has been recorded meanwhile.
    virtual void release(const std::shared_ptr<Run> &run) = 0;
};

/// The platform's descriptor watcher living in `waiterContext`'s thread, or
/// null where the platform has none.
std::unique_ptr<DescriptorWatcher> createDescriptorWatcher(QObject *waiterContext);

/// For children without a pollable descriptor (the waitid backend): one
/// thread blocked in Child::wait() per child, ending with it.
void watchWithBlockingThread(const std::shared_ptr<Run> &run);

} // namespace SharedChild::QtDetail
