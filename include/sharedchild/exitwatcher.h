// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::ExitWatcher: one loop told when any of many children exits (no Qt).
#pragma once

#include <sharedchild/sharedchild_core_export.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

namespace SharedChild {

class Child;

/// Tells a program when any of many children exits, with one loop for all of
/// them: the OS's own facility where it has one, so that watching ten
/// thousand children costs no thread per child.
///
/// Each watched child gets its callback exactly once, on the loop's thread,
/// once the child has exited (its Child::tryWait() then returns the status
/// without blocking) or its status was lost (tryWait() throws ECHILD). The
/// watcher does not reap on Linux's pidfd backend or on Windows: the
/// callback, or anyone else, calls tryWait() or wait() on the child for its
/// status. On the waitid backend the child's waiting thread learns of the
/// exit through Child::wait(), which reaps; tryWait() gives the same status
/// either way. The watcher holds a shared_ptr to each child it watches until
/// the callback has run or the child is unwatched.
///
/// How each backend watches:
/// - Linux, pidfd backend: every child's pidfd in one epoll set; the loop
///   blocks in epoll_wait().
/// - POSIX, waitid backend: no descriptor exists to watch, so one thread per
///   child blocks in Child::wait() and hands the exit to the loop. A blocked
///   wait cannot be called off: after unwatch() or the watcher's destruction
///   the thread ends with its child, and watching the child again reuses it.
/// - Windows: RegisterWaitForSingleObject() on a duplicate of each process
///   handle (the OS's thread pool waits, not one thread per child); the loop
///   blocks on an event that the pool's callbacks set.
///
/// The loop runs either on a thread of the watcher's own (LoopThread::Own:
/// the callbacks run there) or on a thread the caller provides, which calls
/// waitOnce() in a loop (LoopThread::Caller), as the Qt layer's waiter thread
/// does.
///
/// Errors are std::system_error. A callback must not throw: an exception
/// leaving it ends the program (std::terminate), as one leaving a thread's
/// function does.
///
/// \threadsafe Every member, except as noted for waitOnce() and the destructor.
class SHAREDCHILD_CORE_EXPORT ExitWatcher
{
public:
    /// Which thread runs the loop, and so the callbacks.
    enum class LoopThread {
        Own, ///< a thread that the watcher starts and joins
        Caller, ///< the thread that calls waitOnce()
    };

    /// Runs once per watched child, on the loop's thread, with no lock of the
    /// library held: it may call any member of this watcher (watch another
    /// child, unwatch one) and of any Child.
    using Callback = std::function<void(const std::shared_ptr<Child> &child)>;

    /// Throws std::system_error when the OS refuses what the loop needs (a
    /// descriptor, an event, the thread for LoopThread::Own).
    explicit ExitWatcher(LoopThread loop = LoopThread::Own);
    /// Stops the loop (joining its own thread, unless the destructor runs on
    /// that thread, inside a callback: then the thread finishes by itself
    /// once the callback returns). Callbacks that have not run by then never
    /// run; the children themselves are left alone (a child whose last
    /// shared_ptr the watcher held is reaped in the background once it
    /// exits, as ~Child() says).
    /// With LoopThread::Caller, no thread may be inside waitOnce() then.
    ~ExitWatcher();
    ExitWatcher(const ExitWatcher &) = delete;
    ExitWatcher &operator=(const ExitWatcher &) = delete;

    /// Watches `child`, which may have exited already (the callback then runs
    /// on the loop's next pass). Throws std::system_error: EEXIST when this
    /// watcher already watches it, EINVAL for a null child or callback, and
    /// the OS's error when it cannot watch (e.g. EMFILE or EAGAIN when no
    /// thread can start for the waitid backend); nothing is watched then.
    void watch(std::shared_ptr<Child> child, Callback onExit);

    /// Stops watching `child`. Returns true when its callback had not run and
    /// now never will; false when it has run, is running on the loop's
    /// thread right now, or the child was not watched.
    bool unwatch(const Child &child);

    /// Before a thread blocks in a wait on `child`: the loop leaves the child
    /// alone until the matching release(), so that the waiting thread learns
    /// of the exit first instead of two threads waking for it and meeting on
    /// the child's lock. Holds nest; the callback still runs once, after the
    /// last release(). Does nothing for a child not watched.
    void hold(const Child &child);
    /// Ends one hold(): the child is watched again (and its callback runs on
    /// the loop's next pass if it exited meanwhile). Never throws: if the OS
    /// refuses to watch it again, a thread of its own does (as for the
    /// waitid backend), and if that fails too, the callback runs at once
    /// (tryWait() then tells whether the child has exited).
    void release(const Child &child) noexcept;

    /// How many children are watched (their callbacks not run yet).
    std::size_t watchedCount() const;

    /// LoopThread::Caller only, from one thread at a time: runs the callbacks
    /// of the children whose exits are known, blocking first until there is
    /// one, wake() is called, or `timeout` passes (empty: no limit; zero:
    /// only what is ready now). Returns how many callbacks ran. Throws
    /// std::system_error (EINVAL) with LoopThread::Own.
    std::size_t waitOnce(std::optional<std::chrono::milliseconds> timeout);

    /// Makes the current or the next waitOnce() return.
    void wake();

private:
    class Private;
    std::shared_ptr<Private> d;
};

} // namespace SharedChild
