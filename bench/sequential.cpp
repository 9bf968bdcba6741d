// SPDX-License-Identifier: MIT
// 1: start + wait of /bin/true, one child at a time. Four variants run in
// interleaved blocks (the order rotates every round), so machine load falls
// on all of them alike. A block's figure is the median of its pairs (one
// preempted pair does not move it); each ratio is the median of its
// per-round ratios.

#include "clock.h"
#include "format.h"
#include "rawposix.h"
#include "scenarios.h"
#include "stats.h"

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>
#include <QProcess>

#include <array>
#include <functional>

namespace Bench {

namespace {

constexpr auto truePath = "/bin/true";

void startWaitSharedChildProcess()
{
    SharedChildProcess process;
    process.setProgram(QString::fromLatin1(truePath));
    if (!process.start() || !process.waitForFinished(-1) || !process.exitStatus().success())
        qFatal("SharedChildProcess: /bin/true failed: %s", qPrintable(process.errorString()));
}

void startWaitQProcess()
{
    QProcess process;
    process.start(QString::fromLatin1(truePath), {});
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0)
        qFatal("QProcess: /bin/true failed: %s", qPrintable(process.errorString()));
}

void spawnWaitChild(const SharedChild::Command &command)
{
    if (!SharedChild::Child::spawn(command)->wait().success())
        qFatal("Child: /bin/true failed");
}

void spawnWaitRaw()
{
    static char *const argv[] = {const_cast<char *>(truePath), nullptr};
    const RawChild child(argv);
    if (child.wait() != 0)
        qFatal("posix_spawn: /bin/true failed");
}

enum Variant { Scp, Qp, Core, Raw, VariantCount };

struct Result
{
    double medianNs;
    double ratio; // median of the per-round ratios
    double lowRatio; // 25th percentile of them
    double highRatio; // 75th percentile
};

Result compare(const std::vector<std::array<double, VariantCount>> &rounds, Variant ours,
               Variant peer)
{
    std::vector<double> ratios, values;
    for (const auto &round : rounds) {
        ratios.push_back(round[ours] / round[peer]);
        values.push_back(round[ours]);
    }
    return {median(values), median(ratios), percentile(ratios, 0.25), percentile(ratios, 0.75)};
}

double medianOf(const std::vector<std::array<double, VariantCount>> &rounds, Variant variant)
{
    std::vector<double> values;
    values.reserve(rounds.size());
    for (const auto &round : rounds)
        values.push_back(round[variant]);
    return median(values);
}

QString spread(const Result &result, int rounds)
{
    return QStringLiteral("median of %1 per-round ratios; middle half %2–%3")
            .arg(rounds)
            .arg(formatRatio(result.lowRatio), formatRatio(result.highRatio));
}

} // namespace

QList<Row> runSequential(const Sizes &sizes)
{
    const SharedChild::Command command(truePath);
    const std::array<std::function<void()>, VariantCount> variants = {
            startWaitSharedChildProcess,
            startWaitQProcess,
            [&command] { spawnWaitChild(command); },
            spawnWaitRaw,
    };

    // One untimed round first: the waiter thread starts, code and pages warm up.
    for (const auto &variant : variants)
        variant();

    std::vector<std::array<double, VariantCount>> rounds;
    for (int round = 0; round < sizes.sequentialRounds; ++round) {
        std::array<double, VariantCount> perSpawn{};
        for (int step = 0; step < VariantCount; ++step) {
            const int variant = (round + step) % VariantCount;
            std::vector<double> times;
            for (int i = 0; i < sizes.sequentialBlock; ++i) {
                const std::int64_t start = nowNs();
                variants[variant]();
                times.push_back(double(nowNs() - start));
            }
            perSpawn[variant] = median(times);
            QCoreApplication::sendPostedEvents();
        }
        rounds.push_back(perSpawn);
    }

    const Result scpVsQp = compare(rounds, Scp, Qp);
    const Result scpVsRaw = compare(rounds, Scp, Raw);
    const Result coreVsRaw = compare(rounds, Core, Raw);
    const QString rawName = QStringLiteral("posix_spawn + pidfd waitid");
    const QString what = QStringLiteral("start + wait /bin/true: %1");
    const int count = sizes.sequentialRounds;

    Row first = ratioRow(QStringLiteral("1a"), what.arg(QStringLiteral("SharedChildProcess")),
                         formatDuration(scpVsQp.medianNs), QStringLiteral("QProcess"),
                         formatDuration(medianOf(rounds, Qp)), scpVsQp.ratio, 1.00);
    first.note = spread(scpVsQp, count)
            + QStringLiteral("; blocks of %1, order rotated each round. Each side creates its "
                             "object, start()s it, waitForFinished(-1) and destroys it, with "
                             "default settings (three pipes on both sides)")
                      .arg(sizes.sequentialBlock);
    Row second = ratioRow(QStringLiteral("1b"), what.arg(QStringLiteral("SharedChildProcess")),
                          formatDuration(scpVsRaw.medianNs), rawName,
                          formatDuration(medianOf(rounds, Raw)), scpVsRaw.ratio, 1.05);
    second.note = spread(scpVsRaw, count);
    Row third = ratioRow(QStringLiteral("1c"), what.arg(QStringLiteral("Child")),
                         formatDuration(coreVsRaw.medianNs), rawName,
                         formatDuration(medianOf(rounds, Raw)), coreVsRaw.ratio, 1.03);
    third.note = spread(coreVsRaw, count)
            + QStringLiteral("; raw = posix_spawn(), pidfd_open(), waitid(P_PIDFD, WEXITED)");
    return {first, second, third};
}

} // namespace Bench
