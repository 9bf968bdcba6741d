// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::ExitStatus, how a child ended, and its ResourceUsage.
#pragma once

#include <sharedchild/sharedchild_core_export.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace SharedChild {

/// What the operating system measured for a child, taken when it was reaped.
///
/// \reentrant
struct ResourceUsage
{
    std::chrono::microseconds userTime{0}; ///< CPU time spent in user mode
    std::chrono::microseconds systemTime{0}; ///< CPU time spent in the kernel
    std::int64_t peakRssBytes = 0; ///< largest resident set size
    bool valid = false; ///< false where the OS gave nothing (e.g. the status was lost)

    /// All fields equal.
    friend bool operator==(const ResourceUsage &, const ResourceUsage &) = default;
};

/// How a child process ended. A default-constructed ExitStatus is invalid
/// ("no status yet"). An exit code of 9 and death by SIGKILL never compare equal.
///
/// \reentrant
class SHAREDCHILD_CORE_EXPORT ExitStatus
{
public:
    /// An invalid status ("no status yet").
    ExitStatus() = default;

    /// The child called exit(code).
    static ExitStatus exited(int code, ResourceUsage usage = {});
    /// The child was killed by signal number `signal`.
    static ExitStatus signaled(int signal, bool coreDumped = false, ResourceUsage usage = {});

    /// False for "no status yet".
    bool isValid() const { return m_kind != Kind::Invalid; }
    /// Exited normally with code 0.
    bool success() const { return m_kind == Kind::Exited && m_value == 0; }
    /// Exited by itself rather than by a signal.
    bool exitedNormally() const { return m_kind == Kind::Exited; }
    /// The exit code, or -1 unless the child exited normally.
    int exitCode() const { return m_kind == Kind::Exited ? m_value : -1; }
    /// The signal that killed the child, or 0 unless it was killed by one.
    int signalNumber() const { return m_kind == Kind::Signaled ? m_value : 0; }
    /// True when the kernel reported a core dump along with the signal.
    bool coreDumped() const { return m_coreDumped; }
    /// CPU time and peak memory of the child, where the OS reports them. Not
    /// valid for a status that tryWait() read on the waitid backend while
    /// another thread was blocked in wait() (only the reap reports usage).
    const ResourceUsage &resourceUsage() const { return m_usage; }

    /// "exit code 3", "killed by signal 9 (SIGKILL)", "no exit status".
    std::string toString() const;

    /// Same way of ending, code or signal, core dump and resource usage.
    friend bool operator==(const ExitStatus &, const ExitStatus &) = default;

private:
    enum class Kind : std::uint8_t { Invalid, Exited, Signaled };

    Kind m_kind = Kind::Invalid;
    bool m_coreDumped = false;
    int m_value = 0;
    ResourceUsage m_usage;
};

/// The conventional name of a signal ("SIGKILL"), or an empty string when unknown.
/// \threadsafe
SHAREDCHILD_CORE_EXPORT std::string signalName(int signal);

} // namespace SharedChild
