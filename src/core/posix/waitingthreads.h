// SPDX-License-Identifier: MIT
#pragma once

// For ExitWatcher on children that have no descriptor to watch (the waitid
// backend): one thread per child blocks in Child::wait() and hands the
// child's token to the loop. POSIX can only wait for a PID by blocking on it.

#include "../exitsource.h"

#include <functional>
#include <memory>
#include <vector>

namespace SharedChild::Detail {

class WaitingThreads
{
public:
    /// `wakeLoop` runs on a waiting thread once its child has exited, under a
    /// lock that the destructor takes too: it never runs after destruction.
    explicit WaitingThreads(std::function<void()> wakeLoop);
    /// Threads still waiting end by themselves once their child exits (the
    /// wait reaps it), reporting to nobody.
    ~WaitingThreads();
    WaitingThreads(const WaitingThreads &) = delete;
    WaitingThreads &operator=(const WaitingThreads &) = delete;

    /// Reports `token` once `child` has exited: starts a thread that waits
    /// for it, unless one does already (a child watched again after
    /// forget() costs no second thread). Throws std::system_error (EAGAIN)
    /// when no thread can start.
    void start(const std::shared_ptr<Child> &child, WatchToken token);
    /// Does not report `token` after all; the child's thread, if any, keeps
    /// waiting (a blocked wait cannot be called off) and ends with the child.
    void forget(const Child &child, WatchToken token);
    /// Moves the tokens of the children that have exited into `into`.
    void takeExited(std::vector<WatchToken> &into);

private:
    struct Handoff;
    std::shared_ptr<Handoff> m_handoff;
};

} // namespace SharedChild::Detail
