// SPDX-License-Identifier: MIT
#include "sizes.h"

namespace Bench {

namespace {

// Seconds, for ctest: every code path runs once or twice, nothing is timed
// seriously, and callgrind (slow to start) is left out.
Sizes smoke()
{
    Sizes sizes;
    sizes.name = QStringLiteral("smoke");
    sizes.sequentialRounds = 1;
    sizes.sequentialBlock = 3;
    sizes.burstChildren = 20;
    sizes.burstPairs = 1;
    sizes.killSamples = 5;
    sizes.finishSamples = 5;
    sizes.bigParentMiB = 64;
    sizes.smallParentMiB = 10;
    sizes.bigParentRounds = 1;
    sizes.bigParentChildBlock = 3;
    sizes.bigParentQProcessBlock = 1;
    sizes.scaleChildren = 50;
    sizes.scalePairs = 1;
    sizes.instructionSpawns = 0;
    sizes.stdoutBytes = qint64{1} << 20;
    sizes.stdoutRounds = 1;
    sizes.lineCount = 1000;
    sizes.lineRounds = 1;
    sizes.idleObjects = 100;
    sizes.idleBatches = 1;
    return sizes;
}

// About a minute: the real sizes where they matter (2 GiB parent), fewer
// samples and a smaller burst and scale run.
Sizes quick()
{
    Sizes sizes;
    sizes.name = QStringLiteral("quick");
    sizes.sequentialRounds = 41;
    sizes.sequentialBlock = 5;
    sizes.burstChildren = 500;
    sizes.burstPairs = 1;
    sizes.killSamples = 61;
    sizes.finishSamples = 61;
    sizes.bigParentMiB = 2048;
    sizes.smallParentMiB = 10;
    sizes.bigParentRounds = 41;
    sizes.bigParentChildBlock = 3;
    sizes.bigParentQProcessBlock = 3;
    sizes.scaleChildren = 2000;
    sizes.scalePairs = 1;
    sizes.instructionSpawns = 20;
    sizes.stdoutBytes = qint64{256} << 20;
    sizes.stdoutRounds = 7;
    sizes.lineCount = 1000000;
    sizes.lineRounds = 7;
    sizes.idleObjects = 10000;
    sizes.idleBatches = 3;
    return sizes;
}

// The figures the README quotes.
Sizes full()
{
    Sizes sizes;
    sizes.name = QStringLiteral("full");
    sizes.sequentialRounds = 301;
    sizes.sequentialBlock = 5;
    sizes.burstChildren = 2000;
    sizes.burstPairs = 7;
    sizes.killSamples = 601;
    sizes.finishSamples = 401;
    sizes.bigParentMiB = 2048;
    sizes.smallParentMiB = 10;
    sizes.bigParentRounds = 301;
    sizes.bigParentChildBlock = 3;
    sizes.bigParentQProcessBlock = 3;
    sizes.scaleChildren = 10000;
    sizes.scalePairs = 1;
    sizes.instructionSpawns = 200;
    sizes.stdoutBytes = qint64{256} << 20;
    sizes.stdoutRounds = 51;
    sizes.lineCount = 1000000;
    sizes.lineRounds = 31;
    sizes.idleObjects = 10000;
    sizes.idleBatches = 5;
    return sizes;
}

} // namespace

std::optional<Sizes> sizesNamed(const QString &name)
{
    if (name == QLatin1String("smoke"))
        return smoke();
    if (name == QLatin1String("quick"))
        return quick();
    if (name == QLatin1String("full"))
        return full();
    return std::nullopt;
}

} // namespace Bench
