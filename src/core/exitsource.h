// SPDX-License-Identifier: MIT
#pragma once

// The seam between ExitWatcher's portable bookkeeping (exitwatcher.cpp: which
// child has which callback, holds, the loop thread) and the OS facility that
// tells which watched children have exited. One implementation per OS:
//
// - linux/epollexitsource.cpp: pidfds in an epoll set; children without a
//   pidfd (the waitid backend) get a waiting thread each
//   (posix/waitingthreads.cpp).
// - windows/threadpoolexitsource.cpp: RegisterWaitForSingleObject() on a
//   duplicate of each process handle; the pool's callbacks queue the token
//   and set an event that the loop waits on.
// - kqueue (macOS, the BSDs; not written, since it cannot be built or tested
//   here): one kqueue; add() registers EVFILT_PROC with NOTE_EXIT on the
//   child's PID (udata = the token), plus an EVFILT_USER event for wake().
//   The PID stays reserved until the child is reaped and the watcher holds a
//   shared_ptr to the Child, so the registration cannot name a reused PID.
//   A child that exited before add() may be refused (ESRCH for a zombie on
//   some systems): add() then reports the token at once, as the Windows
//   source does for a child already reaped.
//   pause()/resume() are EV_DISABLE/EV_ENABLE; remove() is EV_DELETE
//   (ENOENT after the exit already removed it is not an error).
//
// Every call but wait() and wake() is made under the watcher's lock, so
// add(), remove(), pause() and resume() never run concurrently; wait() runs
// on the loop thread without it. Tokens are never reused, so a token that
// reaches wait() after its child was removed is simply ignored by the caller.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace SharedChild {
class Child;
}

namespace SharedChild::Detail {

using WatchToken = std::uint64_t;

class ExitSource
{
public:
    virtual ~ExitSource() = default;

    /// Starts watching `child`: its token comes out of wait() once it has
    /// exited (or its status was lost). Throws std::system_error when the OS
    /// refuses; nothing is watched then.
    virtual void add(const std::shared_ptr<Child> &child, WatchToken token) = 0;
    /// Stops watching; the token may still come out of a wait() already under
    /// way. Never throws.
    virtual void remove(const Child &child, WatchToken token) = 0;
    /// While a thread blocks in a wait on the child: stop reporting it if that
    /// costs a wake-up (epoll), else do nothing. Never throws.
    virtual void pause(const Child &child, WatchToken token) = 0;
    /// Reports the child again after pause(). Never throws: when the OS
    /// refuses, the source watches the child some other way; false when it
    /// has no way left, and the caller reports the child at once (tryWait()
    /// then tells whether it has exited).
    virtual bool resume(const std::shared_ptr<Child> &child, WatchToken token) = 0;

    /// Blocks until a watched child exits, wake() is called, or `timeout`
    /// passes (empty: no limit), then appends the tokens of exited children.
    virtual void wait(std::optional<std::chrono::milliseconds> timeout,
                      std::vector<WatchToken> &exited)
            = 0;
    /// Any thread: makes the current or the next wait() return.
    virtual void wake() = 0;
};

/// The OS's exit source; throws std::system_error when it cannot make one.
std::unique_ptr<ExitSource> createExitSource();

} // namespace SharedChild::Detail
