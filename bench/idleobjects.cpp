// SPDX-License-Identifier: MIT
// 10: the memory of objects that are made and never started: ten thousand
// constructed in one batch, the heap in use (glibc's mallinfo2()) read before
// and after. SharedChildProcess and QProcess batches alternate.

#include "format.h"
#include "scenarios.h"
#include "stats.h"

#include <sharedchild/sharedchildprocess.h>

#include <QProcess>

#include <malloc.h>
#include <memory>
#include <vector>

namespace Bench {

namespace {

// Bytes handed out by malloc, chunk headers included, in every arena.
double heapInUse()
{
    const struct mallinfo2 info = ::mallinfo2();
    return double(info.uordblks + info.hblkhd);
}

template<typename Process>
double heapPerObject(int count)
{
    // Once per program (static data, the meta-object's caches) is not per object.
    std::make_unique<Process>().reset();
    std::vector<std::unique_ptr<Process>> objects;
    objects.reserve(std::size_t(count));
    const double before = heapInUse();
    for (int i = 0; i < count; ++i)
        objects.push_back(std::make_unique<Process>());
    return (heapInUse() - before) / count;
}

} // namespace

QList<Row> runIdleObjects(const Sizes &sizes)
{
    const int count = sizes.idleObjects;
    std::vector<double> ours, theirs;
    for (int batch = 0; batch < sizes.idleBatches; ++batch) {
        if (batch % 2 == 0) {
            ours.push_back(heapPerObject<SharedChildProcess>(count));
            theirs.push_back(heapPerObject<QProcess>(count));
        } else {
            theirs.push_back(heapPerObject<QProcess>(count));
            ours.push_back(heapPerObject<SharedChildProcess>(count));
        }
    }
    Row row = ratioRow(QStringLiteral("10a"),
                       QStringLiteral("%1 idle objects, never started: heap per object")
                               .arg(formatCount(count)),
                       formatBytes(median(ours)), QStringLiteral("QProcess"),
                       formatBytes(median(theirs)), median(ours) / median(theirs), 1.00);
    row.note = QStringLiteral("glibc mallinfo2() bytes in use (malloc's chunk headers included) "
                              "after constructing %1 default objects in one batch, minus before, "
                              "÷ %1; one object made and destroyed first; median of %2 batches "
                              "each, alternating (ours %3–%4, QProcess's %5–%6)")
                       .arg(formatCount(count))
                       .arg(sizes.idleBatches)
                       .arg(formatBytes(percentile(ours, 0)), formatBytes(percentile(ours, 1)),
                            formatBytes(percentile(theirs, 0)), formatBytes(percentile(theirs, 1)));
    return {row};
}

} // namespace Bench
