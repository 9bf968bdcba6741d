// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/exitstatus.h>
#include <sharedchild/sharedchild_export.h>

#include <QMetaType>
#include <QString>

#include <chrono>

/// How a SharedChildProcess run ended: the core's SharedChild::ExitStatus with
/// its methods (isValid(), exitCode(), ...), readable from QML as properties.
/// A default-constructed value is invalid ("no status yet").
class SHAREDCHILD_EXPORT SharedChildExitStatus : public SharedChild::ExitStatus
{
    Q_GADGET
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(bool success READ success CONSTANT)
    Q_PROPERTY(bool exitedNormally READ exitedNormally CONSTANT)
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
