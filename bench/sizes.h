// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace Bench {

/// How much each scenario does. Counts of samples and rounds are odd, so that
/// a median is one measured value.
struct Sizes
{
    QString name; ///< "smoke", "quick" or "full"

    int sequentialRounds = 0; ///< interleaved rounds of one block per variant
    int sequentialBlock = 0; ///< start+wait pairs per block

    int burstChildren = 0;
    int burstPairs = 0; ///< pairs of trials (SharedChildProcess, QProcess), order alternating

    int killSamples = 0; ///< per variant, interleaved

    int finishSamples = 0; ///< per variant, interleaved

    int bigParentMiB = 0;
    int smallParentMiB = 0;
    int bigParentRounds = 0;
    int bigParentChildBlock = 0; ///< Child::spawn() calls per block
    int bigParentQProcessBlock = 0; ///< QProcess::start() calls per block

    int scaleChildren = 0;
    int scalePairs = 0;

    int instructionSpawns = 0; ///< spawn+wait pairs under callgrind; 0: not measured

    qint64 stdoutBytes = 0; ///< what the child writes to stdout
    int stdoutRounds = 0; ///< rounds of one read per variant, order rotating
    qint64 lineCount = 0; ///< lines the child writes
    int lineRounds = 0;

    int idleObjects = 0; ///< objects constructed in one batch
    int idleBatches = 0; ///< batches per variant, alternating
};

/// The sizes called `name`, if there are such.
std::optional<Sizes> sizesNamed(const QString &name);

} // namespace Bench
