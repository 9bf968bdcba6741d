// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/exitstatus.h>
#include <sharedchild/sharedchild_export.h>

#include <QMetaType>
#include <QString>

#include <type_traits>

namespace SharedChild::QtDetail {
// True only for SharedChildProcess::ExitStatus (specialised in its header),
// so that SharedChildExitStatus converts to that enum and to nothing else.
template<typename Enum>
struct IsProcessExitStatus : std::false_type
{ };
} // namespace SharedChild::QtDetail

/// How a SharedChildProcess run ended: the core's SharedChild::ExitStatus with
/// its methods (isValid(), exitCode(), ...), readable from QML as properties.
/// A default-constructed value is invalid ("no status yet").
///
/// For code written for QProcess it also stands in for QProcess's exit code and
/// exit status: it converts to int as QProcess::exitCode() reports (the exit
/// code, or the signal number after a crash; 0 when invalid), so that a slot
/// taking (int exitCode, ExitStatus) connects to SharedChildProcess::finished,
/// and it compares equal to SharedChildProcess::NormalExit / CrashExit.
///
/// It holds no data of its own, only the core status's shared d-pointer: what
/// it reports is read from that, so a new field goes into the core's
/// ExitStatus and this class's size never changes.
///
/// Reentrant: distinct objects may be used from different threads, and one
/// object may be read (and copied) from any number of threads at once.
class SHAREDCHILD_EXPORT SharedChildExitStatus : public SharedChild::ExitStatus
{
    Q_GADGET
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(bool success READ success CONSTANT)
    Q_PROPERTY(bool exitedNormally READ exitedNormally CONSTANT)
    Q_PROPERTY(bool crashed READ crashed CONSTANT)
    Q_PROPERTY(int exitCode READ exitCode CONSTANT)
    Q_PROPERTY(int signalNumber READ signalNumber CONSTANT)
    Q_PROPERTY(bool coreDumped READ coreDumped CONSTANT)
    Q_PROPERTY(QString text READ text CONSTANT)
    Q_PROPERTY(double userTimeSeconds READ userTimeSeconds CONSTANT)
    Q_PROPERTY(double systemTimeSeconds READ systemTimeSeconds CONSTANT)
    Q_PROPERTY(qint64 peakRssBytes READ peakRssBytes CONSTANT)

public:
    /// An invalid status ("no status yet"). Allocates nothing.
    SharedChildExitStatus() noexcept = default;
    /// The core's status, shared (no allocation).
    SharedChildExitStatus(
            const SharedChild::ExitStatus &status) noexcept; // NOLINT(google-explicit-constructor)

    /// Killed by a signal (QProcess's CrashExit).
    bool crashed() const noexcept;
    /// QProcess::exitCode()'s meaning; see the class comment.
    operator int() const noexcept; // NOLINT(google-explicit-constructor)
    /// SharedChildProcess::ExitStatus, as QProcess::exitStatus() returns it.
    template<typename Enum,
             std::enable_if_t<SharedChild::QtDetail::IsProcessExitStatus<Enum>::value, bool> = true>
    operator Enum() const noexcept // NOLINT(google-explicit-constructor)
    {
        return crashed() ? Enum(1) : Enum(0);
    }
    /// Not a truth value: say isValid(), success() or crashed().
    explicit operator bool() const = delete;
    /// Exact, so that comparing two statuses never goes through the enum conversion.
    friend bool operator==(const SharedChildExitStatus &, const SharedChildExitStatus &) = default;

    /// toString() as a QString: "exit code 3", "killed by signal 9 (SIGKILL)".
    QString text() const;
    /// resourceUsage().userTime() in seconds; 0 when not measured.
    double userTimeSeconds() const noexcept;
    /// resourceUsage().systemTime() in seconds; 0 when not measured.
    double systemTimeSeconds() const noexcept;
    /// resourceUsage().peakRssBytes(); 0 when not measured.
    qint64 peakRssBytes() const noexcept;
};

Q_DECLARE_METATYPE(SharedChildExitStatus)
