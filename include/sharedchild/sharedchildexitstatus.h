// SPDX-License-Identifier: MIT
/// \file
/// SharedChildExitStatus, the Qt layer's exit status.
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
/// code; the signal number after a signal killed the child; on Windows the
/// exception's code after an unhandled exception; 0 when invalid), so that a
/// slot taking (int exitCode, ExitStatus) connects to
/// SharedChildProcess::finished, and it compares equal to
/// SharedChildProcess::NormalExit / CrashExit.
///
/// It holds no data of its own, only the core status's shared d-pointer: what
/// it reports is read from that, so a new field goes into the core's
/// ExitStatus and this class's size never changes. Its const members may also
/// be called on one object from several threads at once.
///
/// \reentrant
class SHAREDCHILD_EXPORT SharedChildExitStatus : public SharedChild::ExitStatus
{
    Q_GADGET
    /// isValid(): false for "no status yet".
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    /// success(): exited normally with code 0.
    Q_PROPERTY(bool success READ success CONSTANT)
    /// exitedNormally(): exited by itself rather than by a signal.
    Q_PROPERTY(bool exitedNormally READ exitedNormally CONSTANT)
    /// crashed(): killed by a signal, or (Windows) ended by an unhandled exception.
    Q_PROPERTY(bool crashed READ crashed CONSTANT)
    /// exitCode(): the exit code, or -1 unless the child exited normally.
    Q_PROPERTY(int exitCode READ exitCode CONSTANT)
    /// signalNumber(): the signal that killed the child, or 0.
    Q_PROPERTY(int signalNumber READ signalNumber CONSTANT)
    /// coreDumped(): the kernel reported a core dump.
    Q_PROPERTY(bool coreDumped READ coreDumped CONSTANT)
    /// text(): "exit code 3", "killed by signal 9 (SIGKILL)".
    Q_PROPERTY(QString text READ text CONSTANT)
    /// userTimeSeconds(): CPU time in user mode.
    Q_PROPERTY(double userTimeSeconds READ userTimeSeconds CONSTANT)
    /// systemTimeSeconds(): CPU time in the kernel.
    Q_PROPERTY(double systemTimeSeconds READ systemTimeSeconds CONSTANT)
    /// peakRssBytes(): the largest resident set size.
    Q_PROPERTY(qint64 peakRssBytes READ peakRssBytes CONSTANT)

public:
    /// An invalid status ("no status yet"). Allocates nothing.
    SharedChildExitStatus() noexcept = default;
    /// The core's `status`, unchanged and shared (no allocation).
    SharedChildExitStatus(
            const SharedChild::ExitStatus &status) noexcept; // NOLINT(google-explicit-constructor)

    /// Killed by a signal, or (Windows) ended by an unhandled exception:
    /// QProcess's CrashExit.
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
    /// ResourceUsage::userTime() in seconds (0 where the OS gave none).
    double userTimeSeconds() const noexcept;
    /// ResourceUsage::systemTime() in seconds (0 where the OS gave none).
    double systemTimeSeconds() const noexcept;
    /// ResourceUsage::peakRssBytes() (0 where the OS gave none).
    qint64 peakRssBytes() const noexcept;
};

Q_DECLARE_METATYPE(SharedChildExitStatus)
