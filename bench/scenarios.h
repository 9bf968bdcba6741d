// SPDX-License-Identifier: MIT
#pragma once

// Each scenario runs in a process of its own (see driver.cpp) and returns the
// rows it measured. Scenarios that measure a whole process start trials and
// workers, fresh copies of this program, through the entry points below.

#include "api.h"
#include "record.h"
#include "row.h"
#include "sizes.h"

#include <QList>
#include <QString>

namespace Bench {

QList<Row> runSequential(const Sizes &sizes); // 1: start + wait of /bin/true
QList<Row> runBurst(const Sizes &sizes); // 2: many children started at once
QList<Row> runKillLatency(const Sizes &sizes); // 3: kill() while another thread waits
QList<Row> runFinishLatency(const Sizes &sizes); // 4: child exit to finished()
QList<Row> runBigParent(const Sizes &sizes); // 5: spawn from a parent with much memory
QList<Row> runScale(const Sizes &sizes); // 6: ten thousand children alive at once
QList<Row> runInstructions(const Sizes &sizes); // 7: instructions per spawn + wait
QList<Row> runReadStdout(const Sizes &sizes); // 8: a child's stdout read in the event loop
QList<Row> runReadLines(const Sizes &sizes); // 9: a child's lines read with readLine()
QList<Row> runIdleObjects(const Sizes &sizes); // 10: memory of objects never started

/// One burst trial in this (fresh) process: `children` starts, then an event loop until all
/// finished.
Record burstTrial(Api api, int children);
/// One scale trial in this (fresh) process: `children` blocked at once, then
/// released (SharedChildProcess or QProcess).
Record scaleTrial(Api api, int children);
/// Holds `mebibytes` of touched memory and answers spawn requests on stdin until EOF.
int bigParentWorker(int mebibytes);
/// The loop callgrind counts: `spawns` start+wait pairs with `variant`
/// ("raw", "child", "sharedchildprocess", "qprocess"). Returns the exit code.
int instructionLoop(const QString &variant, int spawns);
/// For a profiler: `count` reads of one variant of 8 or 9 at `sizes`, named
/// "stdout:API" or "lines:API" (API as apiName() spells it). Returns the exit code.
int readLoop(const QString &variant, int count, const Sizes &sizes);

} // namespace Bench
