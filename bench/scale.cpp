// SPDX-License-Identifier: MIT
// 6: ten thousand children alive at once. Each child (sharedchild-bench-child
// hold) reads a FIFO that the trial holds open, so no child can exit before
// the last start; then the trial closes the FIFO, every child reads EOF and
// exits 0, and the event loop counts finished(). Each trial runs in a fresh
// process with RLIMIT_NOFILE raised to its hard limit.

#include "apistarter.h"
#include "clock.h"
#include "format.h"
#include "processstats.h"
#include "scenarios.h"
#include "selfprocess.h"
#include "stats.h"
#include "watchdog.h"

#include <QEventLoop>
#include <QTemporaryDir>

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Bench {

Record scaleTrial(Api api, int children)
{
    const qint64 fdLimit = raiseFdLimitToHard();
    QTemporaryDir directory;
    const QString fifo = directory.filePath(QStringLiteral("release"));
    if (!directory.isValid() || ::mkfifo(qPrintable(fifo), 0600) != 0)
        qFatal("cannot create a FIFO in %s", qPrintable(directory.path()));
    // Read-write, so that this open does not wait for a reader.
    const int holder = ::open(qPrintable(fifo), O_RDWR | O_CLOEXEC);
    if (holder < 0)
        qFatal("cannot open %s", qPrintable(fifo));

    const ProcessStats before = currentProcessStats();
    ProcessStats peak = before;
    const auto samplePeak = [&peak] {
        const ProcessStats now = currentProcessStats();
        peak.threads = std::max(peak.threads, now.threads);
        peak.fds = std::max(peak.fds, now.fds);
    };

    const Watchdog watchdog(300, "scale trial");
    QEventLoop loop;
    int started = 0, finished = 0, succeeded = 0;
    bool released = false;
    ApiStarter starter(api, [&](bool success) {
        ++finished;
        succeeded += success ? 1 : 0;
        if (finished % 500 == 0)
            samplePeak();
        if (released && finished == started)
            loop.quit();
    });

    // One program and one argument list for all: QString and QStringList are
    // shared, so the children cost the trial no strings of its own.
    const QString program = QStringLiteral(SHAREDCHILD_BENCH_CHILD);
    const QStringList arguments = {QStringLiteral("hold"), fifo};
    resetPeakRss();
    const std::int64_t begin = nowNs();
    for (int i = 0; i < children; ++i)
        started += starter.start(program, arguments) ? 1 : 0;
    const std::int64_t allStarted = nowNs();
    samplePeak();
    ::close(holder); // every child reads EOF and exits
    released = true;
    if (finished < started)
        loop.exec();
    const std::int64_t end = nowNs();
    const ProcessStats after = currentProcessStats();

    Record result(QStringLiteral("scale"));
    result.set(QStringLiteral("started"), started)
            .set(QStringLiteral("succeeded"), succeeded)
            .set(QStringLiteral("firstError"), starter.firstError())
            .set(QStringLiteral("wallNs"), double(end - begin))
            .set(QStringLiteral("startNs"), double(allStarted - begin))
            .set(QStringLiteral("extraThreads"), peak.threads - before.threads)
            .set(QStringLiteral("extraFds"), peak.fds - before.fds)
            .set(QStringLiteral("rssGrowth"), double(after.peakRssBytes - before.rssBytes))
            .set(QStringLiteral("fdLimit"), double(fdLimit));
    return result;
}

QList<Row> runScale(const Sizes &sizes)
{
    const int children = sizes.scaleChildren;
    QList<Record> ours, theirs;
    for (int pair = 0; pair < sizes.scalePairs; ++pair) {
        if (pair % 2 == 0) {
            ours.append(runTrial(QStringLiteral("scale"), Api::SharedChildProcess, children));
            theirs.append(runTrial(QStringLiteral("scale"), Api::QProcess, children));
        } else {
            theirs.append(runTrial(QStringLiteral("scale"), Api::QProcess, children));
            ours.append(runTrial(QStringLiteral("scale"), Api::SharedChildProcess, children));
        }
    }

    const QString qprocess = QStringLiteral("QProcess");
    const auto what = [children](const QString &figure) {
        return QStringLiteral("%1 children alive at once: %2").arg(formatCount(children), figure);
    };
    const auto startedText = [children](const QList<Record> &trials) {
        return QStringLiteral("%1 of %2")
                .arg(formatCount(minOf(trials, QStringLiteral("succeeded"))),
                     formatCount(children));
    };
    const bool peerComplete = minOf(theirs, QStringLiteral("succeeded")) == children;
    const QString started = QStringLiteral("started"), wall = QStringLiteral("wallNs"),
                  fds = QStringLiteral("extraFds"), rss = QStringLiteral("rssGrowth");

    Row countRow;
    countRow.id = QStringLiteral("6a");
    countRow.what = what(QStringLiteral("started, finished with exit code 0"));
    countRow.value = startedText(ours);
    countRow.peerName = qprocess;
    countRow.peerValue = startedText(theirs);
    countRow.target = QStringLiteral("all %1").arg(formatCount(children));
    countRow.verdict
            = minOf(ours, QStringLiteral("succeeded")) == children ? Verdict::Met : Verdict::Missed;
    const double peerFdsPerChild = medianOf(theirs, fds, started);
    countRow.note
            = QStringLiteral("RLIMIT_NOFILE raised to %1 (the hard limit) in both trials. "
                             "QProcess holds %2 descriptors per running child (its pidfd "
                             "and stdin, stdout and stderr pipes), so it started %3; the "
                             "first failed start said: \"%4\"")
                      .arg(formatCount(theirs.first().number(QStringLiteral("fdLimit"))),
                           formatCount(peerFdsPerChild), formatCount(medianOf(theirs, started)),
                           theirs.first().text(QStringLiteral("firstError")));
    if (peerComplete)
        countRow.note = QStringLiteral("RLIMIT_NOFILE raised to %1 (the hard limit) in both trials")
                                .arg(formatCount(theirs.first().number(QStringLiteral("fdLimit"))));

    Row wallRow = ratioRow(QStringLiteral("6b"), what(QStringLiteral("wall time")),
                           formatDuration(medianOf(ours, wall)), qprocess,
                           formatDuration(medianOf(theirs, wall)),
                           peerComplete ? medianOf(ours, wall) / medianOf(theirs, wall) : qQNaN());
    wallRow.note = QStringLiteral("first start() to the last finished(); SharedChildProcess took "
                                  "%1 to start all. The child is sharedchild-bench-child hold, "
                                  "static and without libc on x86-64, so the figures are the "
                                  "parent's")
                           .arg(formatDuration(medianOf(ours, QStringLiteral("startNs"))));
    if (!peerComplete)
        wallRow.note += QStringLiteral(". No ratio: QProcess's time covers only the children it "
                                       "could start");

    Row threadRow = extraThreadsRow(QStringLiteral("6c"),
                                    what(QStringLiteral("threads beyond the baseline")), ours,
                                    theirs, qprocess);

    Row fdRow = ratioRow(QStringLiteral("6d"), what(QStringLiteral("fds per child")),
                         formatCount(medianOf(ours, fds, started)), qprocess,
                         formatCount(peerFdsPerChild),
                         medianOf(ours, fds, started) / peerFdsPerChild);
    fdRow.target = QStringLiteral("≤ 1.1");
    fdRow.verdict = atMost(medianOf(ours, fds, started), 1.1);
    fdRow.note = QStringLiteral("peak descriptors beyond the baseline ÷ children started");

    Row rssRow = ratioRow(QStringLiteral("6e"), what(QStringLiteral("RSS per child")),
                          formatBytes(medianOf(ours, rss, started)), qprocess,
                          formatBytes(medianOf(theirs, rss, started)),
                          medianOf(ours, rss, started) / medianOf(theirs, rss, started));
    rssRow.target = QStringLiteral("≤ 2 KiB");
    rssRow.verdict = atMost(medianOf(ours, rss, started), 2048);
    rssRow.note = QStringLiteral("(peak RSS − RSS before the first start) ÷ children started");
    return {countRow, wallRow, threadRow, fdRow, rssRow};
}

} // namespace Bench
