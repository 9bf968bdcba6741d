// SPDX-License-Identifier: MIT
#pragma once

#include "record.h"

#include <QString>

#include <limits>

namespace Bench {

enum class Verdict { None, Met, Missed };

/// One line of the result table: a figure, the peer it was measured against
/// in the same run, their ratio, and the target for it, if there is one.
struct Row
{
    QString id; ///< "1a": the issue's item number and a letter
    QString what; ///< the measurement
    QString value; ///< ours, formatted
    QString peerName; ///< what it is compared with
    QString peerValue; ///< the peer's figure, formatted
    double ratio = std::numeric_limits<double>::quiet_NaN(); ///< value ÷ peer; NaN: no ratio
    QString target; ///< "≤ 1.00×", "≤ 4", or empty
    /// The target as a ratio to the peer, for the chart; NaN when it is not one.
    double targetRatio = std::numeric_limits<double>::quiet_NaN();
    Verdict verdict = Verdict::None;
    QString note;

    Record toRecord() const;
    static Row fromRecord(const Record &record);
};

/// Met when `value` ≤ `limit`; missed otherwise, and when `value` is NaN.
Verdict atMost(double value, double limit);

/// A ratio row: value ÷ peer with the target "≤ limit×" (no target when limit is NaN).
Row ratioRow(QString id, QString what, QString value, QString peerName, QString peerValue,
             double ratio, double limit = std::numeric_limits<double>::quiet_NaN());

/// The most threads any of `ours` added, beside the most any of `theirs` did
/// (field "extraThreads"), with the target "≤ 4".
Row extraThreadsRow(QString id, QString what, const QList<Record> &ours,
                    const QList<Record> &theirs, QString peerName);

} // namespace Bench
