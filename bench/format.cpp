// SPDX-License-Identifier: MIT
#include "format.h"

#include <QLocale>

#include <cmath>

namespace Bench {

namespace {

// Three significant digits: enough to compare, few enough to read.
QString threeDigits(double value)
{
    const double magnitude = std::fabs(value);
    const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
    return QString::number(value, 'f', decimals);
}

} // namespace

QString formatDuration(double nanoseconds)
{
    if (std::isnan(nanoseconds))
        return QStringLiteral("—");
    if (nanoseconds < 1e3)
        return threeDigits(nanoseconds) + QStringLiteral(" ns");
    if (nanoseconds < 1e6)
        return threeDigits(nanoseconds / 1e3) + QStringLiteral(" µs");
    if (nanoseconds < 1e9)
        return threeDigits(nanoseconds / 1e6) + QStringLiteral(" ms");
    return threeDigits(nanoseconds / 1e9) + QStringLiteral(" s");
}

QString formatBytes(double bytes)
{
    if (std::isnan(bytes))
        return QStringLiteral("—");
    const double magnitude = std::fabs(bytes);
    if (magnitude < 1024)
        return QString::number(bytes, 'f', 0) + QStringLiteral(" B");
    if (magnitude < 1024.0 * 1024)
        return threeDigits(bytes / 1024) + QStringLiteral(" KiB");
    if (magnitude < 1024.0 * 1024 * 1024)
        return threeDigits(bytes / 1024 / 1024) + QStringLiteral(" MiB");
    return threeDigits(bytes / 1024 / 1024 / 1024) + QStringLiteral(" GiB");
}

QString formatCount(double count)
{
    if (std::isnan(count))
        return QStringLiteral("—");
    const QLocale english(QLocale::English);
    if (count != std::floor(count) && std::fabs(count) < 100)
        return english.toString(count, 'f', std::fabs(count) < 10 ? 2 : 1);
    return english.toString(static_cast<qlonglong>(std::llround(count)));
}

QString formatRatio(double ratio)
{
    if (std::isnan(ratio) || std::isinf(ratio))
        return QStringLiteral("—");
    return QString::number(ratio, 'f', ratio < 10 ? 2 : 1) + QStringLiteral("×");
}

} // namespace Bench
