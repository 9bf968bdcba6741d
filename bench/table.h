// SPDX-License-Identifier: MIT
#pragma once

#include "row.h"

#include <QList>
#include <QString>

namespace Bench {

/// The rows as a Markdown table, followed by their notes as a list.
QString markdownTable(const QList<Row> &rows);

/// The rows that have a ratio, one per line for gnuplot (tab-separated:
/// position, label, ratio, target ratio or 0 for none, verdict 0/1/2, the
/// text by the bar).
QString chartData(const QList<Row> &rows);

} // namespace Bench
