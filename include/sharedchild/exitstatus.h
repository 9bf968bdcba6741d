// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::ExitStatus, how a child ended, and its ResourceUsage.
#pragma once

#include <sharedchild/sharedchild_core_export.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace SharedChild {

/// What the operating system measured for a child, taken when it was reaped.
/// An immutable value type, so its const members may also be called on one
/// object from several threads at once. A default-constructed ResourceUsage is
/// invalid (the OS gave nothing, as when the status was lost) and allocates nothing.
///
/// \reentrant
class SHAREDCHILD_CORE_EXPORT ResourceUsage
{
public:
    /// An invalid usage: isValid() is false and every measurement is 0.
    ResourceUsage() noexcept;
    /// A valid usage with these measurements, as a backend reads them from
    /// the OS at the reap (also useful in tests).
    ResourceUsage(std::chrono::microseconds userTime, std::chrono::microseconds systemTime,
                  std::int64_t peakRssBytes);
    /// Copies share the measurements; no allocation.
    ResourceUsage(const ResourceUsage &other) noexcept;
    /// Leaves `other` invalid.
    ResourceUsage(ResourceUsage &&other) noexcept;
    /// Copies share the measurements; no allocation.
    ResourceUsage &operator=(const ResourceUsage &other) noexcept;
    /// Leaves `other` invalid.
    ResourceUsage &operator=(ResourceUsage &&other) noexcept;
    /// Drops this object's share of the measurements.
    ~ResourceUsage();

    /// False where the OS gave nothing, as when the status was lost.
    bool isValid() const noexcept;
    /// CPU time spent in user mode; 0 when invalid.
    std::chrono::microseconds userTime() const noexcept;
    /// CPU time spent in the kernel; 0 when invalid.
    std::chrono::microseconds systemTime() const noexcept;
    /// Largest resident set size in bytes; 0 when invalid. Linux counts in
    /// it the spawning process's own peak at the time of the spawn, since the
    /// child shares its address space until it execs (as with posix_spawn()
    /// and wait4()): a child of a 2 GiB parent reports at least 2 GiB.
    std::int64_t peakRssBytes() const noexcept;

    /// Same validity and same measurements.
    bool operator==(const ResourceUsage &other) const noexcept;

private:
    struct Data;
    std::shared_ptr<const Data> d; // null: invalid
};

/// How a child process ended. A default-constructed ExitStatus is invalid
/// ("no status yet") and allocates nothing. An exit code of 9 and death by
/// SIGKILL never compare equal. An immutable value type, so its const members
/// may also be called on one object from several threads at once.
///
/// \reentrant
class SHAREDCHILD_CORE_EXPORT ExitStatus
{
public:
    /// An invalid status ("no status yet").
    ExitStatus() noexcept;
    /// Copies share the status; no allocation.
    ExitStatus(const ExitStatus &other) noexcept;
    /// Leaves `other` invalid.
    ExitStatus(ExitStatus &&other) noexcept;
    /// Copies share the status; no allocation.
    ExitStatus &operator=(const ExitStatus &other) noexcept;
    /// Leaves `other` invalid.
    ExitStatus &operator=(ExitStatus &&other) noexcept;
    /// Drops this object's share of the status.
    ~ExitStatus();

    /// The child called exit(code).
    static ExitStatus exited(int code, ResourceUsage usage = {});
    /// The child was killed by signal number `signal`.
    static ExitStatus signaled(int signal, bool coreDumped = false, ResourceUsage usage = {});
    /// An unhandled exception ended the child (Windows): `code` is its
    /// NTSTATUS, from 0x80000000 to 0xCFFFFFFF (negative as an int), which
    /// is also the process's exit code.
    static ExitStatus unhandledException(int code, ResourceUsage usage = {});

    /// False for "no status yet".
    bool isValid() const noexcept;
    /// Exited normally with code 0.
    bool success() const noexcept;
    /// Exited by itself rather than by a signal. An unhandled exception
    /// counts as exiting (Windows gives its code as the exit code); see crashed().
    bool exitedNormally() const noexcept;
    /// Killed by a signal, or ended by an unhandled exception: what QProcess
    /// calls a crash (CrashExit), except that QProcess on Windows also counts
    /// exit code 0xF291, which here is a crash only when kill() gave it.
    bool crashed() const noexcept;
    /// The exit code, or -1 unless the child exited normally.
    int exitCode() const noexcept;
    /// The signal that killed the child, or 0 unless it was killed by one.
    int signalNumber() const noexcept;
    /// True when the kernel reported a core dump along with the signal.
    bool coreDumped() const noexcept;
    /// CPU time and peak memory of the child, where the OS reports them. Not
    /// valid for a status that tryWait() read on the waitid backend while
    /// another thread was blocked in wait() (only the reap reports usage).
    /// The reference stays valid while this object is neither assigned to
    /// nor destroyed.
    const ResourceUsage &resourceUsage() const noexcept;

    /// "exit code 3", "killed by signal 9 (SIGKILL)", "unhandled exception
    /// 0xC0000005", "no exit status".
    std::string toString() const;

    /// Same way of ending, code or signal, core dump and resource usage.
    bool operator==(const ExitStatus &other) const noexcept;

private:
    struct Data;
    std::shared_ptr<const Data> d; // null: invalid
};

/// The conventional name of a signal ("SIGKILL"), or an empty string when unknown.
/// \threadsafe
SHAREDCHILD_CORE_EXPORT std::string signalName(int signal);

} // namespace SharedChild
