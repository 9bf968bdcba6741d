// SPDX-License-Identifier: MIT
// 5: the cost of spawning from a parent that holds much touched memory. Two
// workers (fresh copies of this program) hold 2 GiB and 10 MiB; they take
// turns timing blocks of spawns. A block's figure is the median of its
// spawns; the ratio is the median of the rounds'.
// A fork()-style spawn copies the page tables, so its cost grows with the
// parent; a vfork()-style one (CLONE_VM | CLONE_VFORK) should not.

#include "clock.h"
#include "format.h"
#include "processstats.h"
#include "scenarios.h"
#include "selfprocess.h"
#include "stats.h"

#include <sharedchild/child.h>

#include <QProcess>

#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace Bench {

namespace {

double medianChildSpawnNs(int spawns)
{
    const SharedChild::Command command("/bin/true");
    std::vector<double> times;
    for (int i = 0; i < spawns; ++i) {
        const std::int64_t start = nowNs();
        const auto child = SharedChild::Child::spawn(command);
        times.push_back(double(nowNs() - start));
        child->wait();
    }
    return median(times);
}

double medianQProcessStartNs(int spawns)
{
    std::vector<double> times;
    for (int i = 0; i < spawns; ++i) {
        QProcess process;
        const std::int64_t start = nowNs();
        process.start(QStringLiteral("/bin/true"), {});
        times.push_back(double(nowNs() - start));
        process.waitForFinished(-1);
    }
    return median(times);
}

} // namespace

int bigParentWorker(int mebibytes)
{
    const std::size_t size = std::size_t(mebibytes) << 20;
    auto *memory = static_cast<char *>(
            ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (memory == MAP_FAILED)
        qFatal("cannot map %d MiB", mebibytes);
    // Small pages, like a heap of ordinary allocations: a fork() has to copy
    // one page-table entry per 4 KiB.
    ::madvise(memory, size, MADV_NOHUGEPAGE);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    for (std::size_t offset = 0; offset < size; offset += std::size_t(pageSize))
        memory[offset] = 1;

    emitRecord(Record(QStringLiteral("ready"))
                       .set(QStringLiteral("rssBytes"), double(currentProcessStats().rssBytes)));
    char line[128];
    while (std::fgets(line, sizeof line, stdin)) {
        char api[32] = {};
        int spawns = 0;
        if (std::sscanf(line, "%31s %d", api, &spawns) != 2 || spawns <= 0)
            qFatal("bad request to the big-parent worker: %s", line);
        const double medianNs = std::strcmp(api, "child") == 0 ? medianChildSpawnNs(spawns)
                                                               : medianQProcessStartNs(spawns);
        emitRecord(Record(QStringLiteral("spawn")).set(QStringLiteral("medianNs"), medianNs));
    }
    ::munmap(memory, size);
    return 0;
}

namespace {

struct Comparison
{
    double big;
    double small;
    double ratio;
};

// Rounds of one block per worker, the order alternating.
Comparison compareWorkers(SelfWorker &big, SelfWorker &small, const QString &request, int rounds)
{
    const auto blockMedian = [&request](SelfWorker &worker) {
        return worker.ask(request).number(QStringLiteral("medianNs"));
    };
    std::vector<double> bigTimes, smallTimes, ratios;
    for (int round = 0; round < rounds; ++round) {
        double bigTime = 0, smallTime = 0;
        if (round % 2 == 0) {
            bigTime = blockMedian(big);
            smallTime = blockMedian(small);
        } else {
            smallTime = blockMedian(small);
            bigTime = blockMedian(big);
        }
        bigTimes.push_back(bigTime);
        smallTimes.push_back(smallTime);
        ratios.push_back(bigTime / smallTime);
    }
    return {median(bigTimes), median(smallTimes), median(ratios)};
}

} // namespace

QList<Row> runBigParent(const Sizes &sizes)
{
    const auto workerArguments = [](int mebibytes) {
        return QStringList{QStringLiteral("--worker"), QStringLiteral("bigparent"),
                           QString::number(mebibytes)};
    };
    SelfWorker big(workerArguments(sizes.bigParentMiB));
    SelfWorker small(workerArguments(sizes.smallParentMiB));
    for (SelfWorker *worker : {&big, &small}) { // warm-up, untimed
        worker->ask(QStringLiteral("child 2"));
        worker->ask(QStringLiteral("qprocess 1"));
    }

    const Comparison child
            = compareWorkers(big, small, QStringLiteral("child %1").arg(sizes.bigParentChildBlock),
                             sizes.bigParentRounds);
    const Comparison qprocess = compareWorkers(
            big, small, QStringLiteral("qprocess %1").arg(sizes.bigParentQProcessBlock),
            sizes.bigParentRounds);

    const QString bigName = formatBytes(double(sizes.bigParentMiB) * 1024 * 1024);
    const QString smallName = formatBytes(double(sizes.smallParentMiB) * 1024 * 1024);
    Row childRow = ratioRow(
            QStringLiteral("5a"), QStringLiteral("Child::spawn() from a %1 parent").arg(bigName),
            formatDuration(child.big), QStringLiteral("the same from a %1 parent").arg(smallName),
            formatDuration(child.small), child.ratio, 1.10);
    childRow.note
            = QStringLiteral("time spawn() takes, /bin/true; median of %1 per-round ratios, blocks "
                             "of %2, the workers taking turns. Measured RSS: %3 and %4 (4 KiB "
                             "pages, touched)")
                      .arg(sizes.bigParentRounds)
                      .arg(sizes.bigParentChildBlock)
                      .arg(formatBytes(big.greeting().number(QStringLiteral("rssBytes"))),
                           formatBytes(small.greeting().number(QStringLiteral("rssBytes"))));
    Row qprocessRow = ratioRow(QStringLiteral("5b"),
                               QStringLiteral("QProcess::start() from a %1 parent").arg(bigName),
                               formatDuration(qprocess.big),
                               QStringLiteral("the same from a %1 parent").arg(smallName),
                               formatDuration(qprocess.small), qprocess.ratio);
    qprocessRow.note = QStringLiteral("for reference, same workers, blocks of %1")
                               .arg(sizes.bigParentQProcessBlock);
    return {childRow, qprocessRow};
}

} // namespace Bench
