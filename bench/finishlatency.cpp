// SPDX-License-Identifier: MIT
// 4: from the child's exit to finished() in the owner's event loop. The child
// (sharedchild-bench-child stamp) writes the time just before it exits; the
// finished() slot takes the time on arrival. Both clocks are CLOCK_MONOTONIC.
// SharedChildProcess and QProcess take turns sample by sample.

#include "clock.h"
#include "format.h"
#include "scenarios.h"
#include "stats.h"
#include "watchdog.h"

#include <sharedchild/sharedchildprocess.h>

#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <cstring>

namespace Bench {

namespace {

constexpr auto exitDelayMs = "5"; // the owner's loop is idle long before this

std::int64_t readStamp(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QByteArray bytes = file.read(sizeof(std::int64_t));
    std::int64_t stamp = 0;
    if (bytes.size() == sizeof stamp)
        std::memcpy(&stamp, bytes.constData(), sizeof stamp);
    if (stamp == 0)
        qFatal("the child wrote no exit time to %s", qPrintable(path));
    return stamp;
}

void clearStamp(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(QByteArray(sizeof(std::int64_t), '\0')) != sizeof(std::int64_t))
        qFatal("cannot write %s", qPrintable(path));
}

const QString helper = QStringLiteral(SHAREDCHILD_BENCH_CHILD);

double sampleSharedChildProcess(const QString &stampPath)
{
    clearStamp(stampPath);
    SharedChildProcess process;
    process.setProgram(helper);
    process.setArguments({QStringLiteral("stamp"), stampPath, QString::fromLatin1(exitDelayMs)});
    const Watchdog watchdog(30, "exit-to-finished sample");
    QEventLoop loop;
    std::int64_t finishedAt = 0;
    bool success = false;
    QObject::connect(&process, &SharedChildProcess::finished, &loop,
                     [&](const SharedChildExitStatus &status) {
                         finishedAt = nowNs();
                         success = status.success();
                         loop.quit();
                     });
    if (!process.start())
        qFatal("SharedChildProcess: %s", qPrintable(process.errorString()));
    loop.exec();
    if (!success)
        qFatal("the exit-stamp child failed under SharedChildProcess");
    return double(finishedAt - readStamp(stampPath));
}

double sampleQProcess(const QString &stampPath)
{
    clearStamp(stampPath);
    QProcess process;
    const Watchdog watchdog(30, "exit-to-finished sample");
    QEventLoop loop;
    std::int64_t finishedAt = 0;
    bool success = false;
    QObject::connect(&process, &QProcess::finished, &loop,
                     [&](int exitCode, QProcess::ExitStatus exitStatus) {
                         finishedAt = nowNs();
                         success = exitStatus == QProcess::NormalExit && exitCode == 0;
                         loop.quit();
                     });
    process.start(helper, {QStringLiteral("stamp"), stampPath, QString::fromLatin1(exitDelayMs)});
    if (process.state() == QProcess::NotRunning)
        qFatal("QProcess: %s", qPrintable(process.errorString()));
    loop.exec();
    if (!success)
        qFatal("the exit-stamp child failed under QProcess");
    return double(finishedAt - readStamp(stampPath));
}

} // namespace

QList<Row> runFinishLatency(const Sizes &sizes)
{
    QTemporaryDir directory;
    if (!directory.isValid())
        qFatal("cannot create a temporary directory");
    const QString stampPath = directory.filePath(QStringLiteral("exit-time"));
    sampleSharedChildProcess(stampPath); // warm-up, untimed
    sampleQProcess(stampPath);

    std::vector<double> ours, theirs;
    for (int sample = 0; sample < sizes.finishSamples; ++sample) {
        if (sample % 2 == 0) {
            ours.push_back(sampleSharedChildProcess(stampPath));
            theirs.push_back(sampleQProcess(stampPath));
        } else {
            theirs.push_back(sampleQProcess(stampPath));
            ours.push_back(sampleSharedChildProcess(stampPath));
        }
    }

    Row medianRow = ratioRow(QStringLiteral("4a"),
                             QStringLiteral("child exit → finished(): SharedChildProcess, median"),
                             formatDuration(median(ours)), QStringLiteral("QProcess finished()"),
                             formatDuration(median(theirs)), median(ours) / median(theirs), 1.00);
    medianRow.note = QStringLiteral("%1 samples each, in turns; the child writes CLOCK_MONOTONIC "
                                    "just before _exit(0), the slot reads it on arrival; includes "
                                    "the kernel's exit of the child for both")
                             .arg(sizes.finishSamples);
    Row tailRow = ratioRow(QStringLiteral("4b"),
                           QStringLiteral("child exit → finished(): SharedChildProcess, p99"),
                           formatDuration(percentile(ours, 0.99)),
                           QStringLiteral("QProcess finished()"),
                           formatDuration(percentile(theirs, 0.99)),
                           percentile(ours, 0.99) / percentile(theirs, 0.99));
    return {medianRow, tailRow};
}

} // namespace Bench
