// SPDX-License-Identifier: MIT
// 2: children of /bin/true started at once, their finished() counted in one
// event loop. Every trial runs in a fresh process, so that its extra threads,
// descriptors and memory are its own. SharedChildProcess and QProcess trials
// alternate (ABBA...) and the wall-time ratio is the median of the pairs'.
// A raw posix_spawn trial in the same run gives the floor: what starting and
// reaping the children costs with no library at all.

#include "apistarter.h"
#include "clock.h"
#include "format.h"
#include "processstats.h"
#include "rawposix.h"
#include "scenarios.h"
#include "selfprocess.h"
#include "stats.h"
#include "watchdog.h"

#include <QEventLoop>

#include <algorithm>
#include <vector>

namespace Bench {

namespace {

constexpr auto truePath = "/bin/true";

struct Peaks
{
    explicit Peaks(const ProcessStats &before) : threads(before.threads), fds(before.fds) { }
    void sample()
    {
        const ProcessStats now = currentProcessStats();
        threads = std::max(threads, now.threads);
        fds = std::max(fds, now.fds);
    }
    int threads;
    int fds;
};

// Starts every child, then counts finished() in one event loop.
int startAndCount(Api api, int children, Peaks &peaks)
{
    const Watchdog watchdog(300, "burst trial");
    QEventLoop loop;
    int finished = 0, succeeded = 0, started = 0;
    bool allStarted = false;
    ApiStarter starter(api, [&](bool success) {
        ++finished;
        succeeded += success ? 1 : 0;
        if (finished % 100 == 0)
            peaks.sample();
        if (allStarted && finished == started)
            loop.quit();
    });
    const QString program = QString::fromLatin1(truePath);
    for (int i = 0; i < children; ++i)
        started += starter.start(program, {}) ? 1 : 0;
    peaks.sample(); // nothing finished yet: finished() needs the event loop
    allStarted = true;
    if (finished < started)
        loop.exec();
    return succeeded;
}

// Starts every child, then reaps each in turn.
int spawnAndReap(int children, Peaks &peaks)
{
    static char *const argv[] = {const_cast<char *>(truePath), nullptr};
    std::vector<RawChild> started;
    started.reserve(std::size_t(children));
    for (int i = 0; i < children; ++i)
        started.emplace_back(argv);
    peaks.sample();
    int succeeded = 0;
    for (const RawChild &child : started)
        succeeded += child.wait() == 0 ? 1 : 0;
    return succeeded;
}

} // namespace

Record burstTrial(Api api, int children)
{
    raiseFdLimitToHard();
    const ProcessStats before = currentProcessStats();
    Peaks peaks(before);
    resetPeakRss();
    const std::int64_t begin = nowNs();
    const int succeeded = api == Api::RawPosix ? spawnAndReap(children, peaks)
                                               : startAndCount(api, children, peaks);
    const std::int64_t end = nowNs();
    const ProcessStats after = currentProcessStats();

    Record result(QStringLiteral("burst"));
    result.set(QStringLiteral("wallNs"), double(end - begin))
            .set(QStringLiteral("succeeded"), succeeded)
            .set(QStringLiteral("extraThreads"), peaks.threads - before.threads)
            .set(QStringLiteral("extraFds"), peaks.fds - before.fds)
            .set(QStringLiteral("rssGrowth"), double(after.peakRssBytes - before.rssBytes));
    return result;
}

namespace {

Record runBurstTrial(Api api, int children)
{
    Record trial = runTrial(QStringLiteral("burst"), api, children);
    if (trial.number(QStringLiteral("succeeded")) != children)
        qFatal("burst: only %g of %d children of %s exited with 0",
               trial.number(QStringLiteral("succeeded")), children, qPrintable(apiName(api)));
    return trial;
}

} // namespace

QList<Row> runBurst(const Sizes &sizes)
{
    const int children = sizes.burstChildren;
    QList<Record> ours, theirs, floor;
    std::vector<double> wallRatios, floorRatios;
    const QString wall = QStringLiteral("wallNs");
    for (int pair = 0; pair < sizes.burstPairs; ++pair) {
        Record scp, qp;
        if (pair % 2 == 0) {
            scp = runBurstTrial(Api::SharedChildProcess, children);
            qp = runBurstTrial(Api::QProcess, children);
        } else {
            qp = runBurstTrial(Api::QProcess, children);
            scp = runBurstTrial(Api::SharedChildProcess, children);
        }
        const Record raw = runBurstTrial(Api::RawPosix, children);
        wallRatios.push_back(scp.number(wall) / qp.number(wall));
        floorRatios.push_back(raw.number(wall) / qp.number(wall));
        ours.append(scp);
        theirs.append(qp);
        floor.append(raw);
    }

    const auto what = [children](const QString &figure) {
        return QStringLiteral("burst of %1 /bin/true: %2").arg(formatCount(children), figure);
    };
    const QString fds = QStringLiteral("extraFds"), rss = QStringLiteral("rssGrowth");
    const QString qprocess = QStringLiteral("QProcess");

    Row wallRow = ratioRow(QStringLiteral("2a"), what(QStringLiteral("wall time")),
                           formatDuration(medianOf(ours, wall)), qprocess,
                           formatDuration(medianOf(theirs, wall)), median(wallRatios), 0.70);
    wallRow.note = QStringLiteral("first start() to last finished(), all in one event loop; "
                                  "median of %1 per-pair ratios (range %2–%3), each trial in a "
                                  "fresh process, order alternating")
                           .arg(sizes.burstPairs)
                           .arg(formatRatio(percentile(wallRatios, 0)),
                                formatRatio(percentile(wallRatios, 1)));

    Row floorRow = ratioRow(QStringLiteral("2b"),
                            what(QStringLiteral("wall time, raw posix_spawn (the floor)")),
                            formatDuration(medianOf(floor, wall)), qprocess,
                            formatDuration(medianOf(theirs, wall)), median(floorRatios));
    floorRow.note = QStringLiteral("no library: posix_spawn() + pidfd_open() for every child, then "
                                   "waitid(P_PIDFD) on each; glibc's posix_spawn, like both "
                                   "libraries, suspends the caller until the child has exec'd");

    Row threadRow = extraThreadsRow(QStringLiteral("2c"), what(QStringLiteral("extra threads")),
                                    ours, theirs, qprocess);
    threadRow.note = QStringLiteral("most threads over the trials beyond those before the first "
                                    "start(); SharedChild's waiter thread starts on first use");

    Row fdRow = ratioRow(QStringLiteral("2d"), what(QStringLiteral("peak fds")),
                         formatCount(medianOf(ours, fds)), qprocess,
                         formatCount(medianOf(theirs, fds)),
                         medianOf(ours, fds) / medianOf(theirs, fds));
    fdRow.note = QStringLiteral("descriptors open beyond those before the burst, at their peak");

    Row rssRow = ratioRow(QStringLiteral("2e"), what(QStringLiteral("peak RSS growth")),
                          formatBytes(medianOf(ours, rss)), qprocess,
                          formatBytes(medianOf(theirs, rss)),
                          medianOf(ours, rss) / medianOf(theirs, rss));
    rssRow.note = QStringLiteral("high-water mark of the RSS (reset before the burst) minus the "
                                 "RSS before it");
    return {wallRow, floorRow, threadRow, fdRow, rssRow};
}

} // namespace Bench
