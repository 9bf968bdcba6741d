// SPDX-License-Identifier: MIT
#pragma once

// The seam between the portable state machine (child.cpp) and one OS
// backend. The state machine calls everything but waitForExitWithoutReaping()
// and pollDescriptor() under its lock, so reap(), peek*() and signal() never
// run concurrently; signal() is never called once the exit status is known;
// reap() only once the child is known to have exited, and while a thread
// blocks in waitForExitWithoutReaping() only when reapDoesNotDisturbWaiter();
// and at most one thread at a time blocks in the OS.
//
// Errors: ECHILD means the child is not ours any more (something else reaped
// it); the state machine then reports its status as lost. Any other error is
// passed on to the caller, and the call may be repeated later.

#include <sharedchild/child.h>
#include <sharedchild/filedescriptor.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace SharedChild::Detail {

using Deadline = std::optional<std::chrono::steady_clock::time_point>;

class ProcessHandle
{
public:
    virtual ~ProcessHandle() = default;

    virtual std::int64_t pid() const = 0;

    /// Blocks until the child has exited or `deadline` passed, without reaping
    /// it (the PID stays reserved). Returns false on timeout. Throws ECHILD when
    /// the child is no longer ours to wait for.
    virtual bool waitForExitWithoutReaping(Deadline deadline) = 0;

    /// The exit status if the child has exited, read without reaping it and
    /// without blocking. Throws ECHILD when the child is no longer ours.
    virtual std::optional<ExitStatus> peekExitStatus() = 0;

    /// Collects the exit status of a child known to have exited, freeing its PID.
    /// Throws ECHILD when something else reaped it first.
    virtual ExitStatus reap() = 0;

    /// The signal that stopped the child (SIGSTOP, SIGTSTP, SIGTRAP for a
    /// ptrace stop), peeked without consuming the report; empty while it runs.
    virtual std::optional<int> peekStopSignal() = 0;

    /// Signals the child; a child that is already gone is not an error.
    virtual void signal(int signal) = 0;
    /// Signals the child's process group, whose ID is the child's PID.
    virtual void signalGroup(int signal) = 0;
    virtual void kill() = 0;
    virtual void terminate() = 0;

    virtual int pollDescriptor() const { return -1; }

    /// See Child::openExitNotifier(); invalid when the backend has none.
    virtual FileDescriptor openExitNotifier() const { return {}; }

    /// True when reap() may run while another thread is inside
    /// waitForExitWithoutReaping() (it waits on a descriptor, not on the PID).
    virtual bool reapDoesNotDisturbWaiter() const { return false; }

    /// Called when the last owner lets go of a child that was never reaped:
    /// the backend reaps it in the background once it exits.
    virtual void reapInBackground() = 0;
};

/// Throws std::system_error (EINVAL) unless `signal` is a signal number of this OS.
void validateSignal(int signal);

struct SpawnedProcess
{
    std::unique_ptr<ProcessHandle> handle;
    std::array<FileDescriptor, 3> pipes; // the parent's ends of stdin, stdout, stderr pipes
};

/// The backend this OS uses for `requested` (the value of SHAREDCHILD_BACKEND,
/// empty when unset), or why it cannot.
std::variant<Child::Backend, std::string> chooseBackend(const std::string &requested);

/// Starts `command` with the backend chosen by Child::backend().
SpawnedProcess spawnProcess(const Command &command);

/// Starts `command` detached (see Child::spawnDetached()), which the caller
/// has checked for settings that make no sense there; returns its PID.
std::int64_t spawnDetachedProcess(const Command &command);

/// A handle for a process this one started by other means: by its pidfd
/// (Linux; ownership is taken) or by its PID. Throws ECHILD unless the process
/// is an unreaped child of this process.
std::unique_ptr<ProcessHandle> adoptProcess(FileDescriptor handle);
std::unique_ptr<ProcessHandle> adoptProcess(std::int64_t pid);

} // namespace SharedChild::Detail
