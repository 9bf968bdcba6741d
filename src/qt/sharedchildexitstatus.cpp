// SPDX-License-Identifier: MIT
#include <sharedchild/sharedchildexitstatus.h>

#include <chrono>

SharedChildExitStatus::SharedChildExitStatus(const SharedChild::ExitStatus &status) noexcept
    : SharedChild::ExitStatus(status)
{ }

bool SharedChildExitStatus::crashed() const noexcept
{
    return ExitStatus::crashed();
}

SharedChildExitStatus::operator int() const noexcept
{
    return exitedNormally() ? exitCode() : signalNumber();
}

QString SharedChildExitStatus::text() const
{
    return QString::fromStdString(toString());
}

double SharedChildExitStatus::userTimeSeconds() const noexcept
{
    return std::chrono::duration<double>(resourceUsage().userTime()).count();
}

double SharedChildExitStatus::systemTimeSeconds() const noexcept
{
    return std::chrono::duration<double>(resourceUsage().systemTime()).count();
}

qint64 SharedChildExitStatus::peakRssBytes() const noexcept
{
    return resourceUsage().peakRssBytes();
}
