// SPDX-License-Identifier: MIT
#pragma once

#include "sizes.h"

#include <QString>
#include <QStringList>

namespace Bench {

/// Runs every scenario (or those named in `only`: numbers or names), each in
/// a process of its own, prints the result table on stdout and writes the
/// chart data to `dataPath` when it is not empty. Returns the exit code:
/// 0 when every scenario ran, whether or not its targets were met.
int runDriver(const Sizes &sizes, const QStringList &only, const QString &dataPath);

/// In a scenario process: runs the scenario called `name` and prints its rows
/// as records. Returns the exit code.
int runScenarioProcess(const QString &name, const Sizes &sizes);

} // namespace Bench
