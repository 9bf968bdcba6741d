// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/exitstatus.h>
#include <sharedchild/sharedchild_export.h>

#include <QMetaType>
#include <QString>

#include <chrono>
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
    SharedChildExitStatus() = default;
    SharedChildExitStatus(
            const SharedChild::ExitStatus &status) // NOLINT(google-explicit-constructor)
        : SharedChild::ExitStatus(status)
    { }

    /// Killed by a signal (QProcess's CrashExit).
    bool crashed() const { return isValid() && !exitedNormally(); }
    /// QProcess::exitCode()'s meaning; see the class comment.
    operator int() const // NOLINT(google-explicit-constructor)
    {
        return exitedNormally() ? exitCode() : signalNumber();
    }
    /// SharedChildProcess::ExitStatus, as QProcess::exitStatus() returns it.
    template<typename Enum,
             std::enable_if_t<SharedChild::QtDetail::IsProcessExitStatus<Enum>::value, bool> = true>
    operator Enum() const // NOLINT(google-explicit-constructor)
    {
        return crashed() ? Enum(1) : Enum(0);
    }
    /// Not a truth value: say isValid(), success() or crashed().
    explicit operator bool() const = delete;
    /// Exact, so that comparing two statuses never goes through the enum conversion.
    friend bool operator==(const SharedChildExitStatus &, const SharedChildExitStatus &) = default;

    /// toString() as a QString: "exit code 3", "killed by signal 9 (SIGKILL)".
    QString text() const { return QString::fromStdString(toString()); }
    double userTimeSeconds() const
    {
        return std::chrono::duration<double>(resourceUsage().userTime).count();
    }
    double systemTimeSeconds() const
    {
        return std::chrono::duration<double>(resourceUsage().systemTime).count();
    }
    qint64 peakRssBytes() const { return resourceUsage().peakRssBytes; }
};

Q_DECLARE_METATYPE(SharedChildExitStatus)
