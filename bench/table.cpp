// SPDX-License-Identifier: MIT
#include "table.h"

#include "format.h"

#include <cmath>

namespace Bench {

namespace {

QString resultText(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Met:
        return QStringLiteral("met");
    case Verdict::Missed:
        return QStringLiteral("**missed**");
    case Verdict::None:
        break;
    }
    return QStringLiteral("—");
}

// A '|' inside a cell would end it.
QString cell(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'|', QStringLiteral("\\|"));
    return escaped.isEmpty() ? QStringLiteral("—") : escaped;
}

// The ratio and the two figures behind it; a target that is not a ratio too.
QString chartText(const Row &row)
{
    QString figures = row.value + QStringLiteral(" vs ") + row.peerValue;
    if (!row.target.isEmpty() && std::isnan(row.targetRatio))
        figures += QStringLiteral("; target ") + row.target;
    return formatRatio(row.ratio) + QStringLiteral("  (") + figures + u')';
}

} // namespace

QString markdownTable(const QList<Row> &rows)
{
    QString table = QStringLiteral("| # | measurement | value | compared with | its value | ratio "
                                   "| target | result |\n"
                                   "|---|---|--:|---|--:|--:|---|---|\n");
    for (const Row &row : rows) {
        table += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 |\n")
                         .arg(cell(row.id), cell(row.what), cell(row.value), cell(row.peerName),
                              cell(row.peerValue), formatRatio(row.ratio), cell(row.target),
                              resultText(row.verdict));
    }
    QString notes;
    for (const Row &row : rows) {
        if (!row.note.isEmpty())
            notes += QStringLiteral("- **%1**: %2\n").arg(row.id, row.note);
    }
    if (!notes.isEmpty())
        table += u'\n' + notes;
    return table;
}

QString chartData(const QList<Row> &rows)
{
    QString data;
    int position = 0;
    for (const Row &row : rows) {
        if (std::isnan(row.ratio) || std::isinf(row.ratio) || row.ratio <= 0)
            continue;
        const int verdict = row.verdict == Verdict::Met ? 1
                : row.verdict == Verdict::Missed        ? 2
                                                        : 0;
        data += QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\n")
                        .arg(position++)
                        .arg(row.id + QStringLiteral("  ") + row.what + QStringLiteral(" vs ")
                             + row.peerName)
                        .arg(row.ratio, 0, 'g', 6)
                        .arg(std::isnan(row.targetRatio) ? QStringLiteral("0")
                                                         : QString::number(row.targetRatio))
                        .arg(verdict)
                        .arg(chartText(row));
    }
    return data;
}

} // namespace Bench
