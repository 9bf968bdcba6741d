// SPDX-License-Identifier: MIT
#include "row.h"

#include "format.h"

#include <cmath>

namespace Bench {

namespace {

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Met:
        return QStringLiteral("met");
    case Verdict::Missed:
        return QStringLiteral("missed");
    case Verdict::None:
        break;
    }
    return QStringLiteral("none");
}

Verdict verdictFromName(const QString &name)
{
    if (name == QLatin1String("met"))
        return Verdict::Met;
    if (name == QLatin1String("missed"))
        return Verdict::Missed;
    return Verdict::None;
}

} // namespace

Record Row::toRecord() const
{
    Record record(QStringLiteral("row"));
    record.set(QStringLiteral("id"), id)
            .set(QStringLiteral("what"), what)
            .set(QStringLiteral("value"), value)
            .set(QStringLiteral("peerName"), peerName)
            .set(QStringLiteral("peerValue"), peerValue)
            .set(QStringLiteral("ratio"), ratio)
            .set(QStringLiteral("target"), target)
            .set(QStringLiteral("targetRatio"), targetRatio)
            .set(QStringLiteral("verdict"), verdictName(verdict))
            .set(QStringLiteral("note"), note);
    return record;
}

Row Row::fromRecord(const Record &record)
{
    Row row;
    row.id = record.text(QStringLiteral("id"));
    row.what = record.text(QStringLiteral("what"));
    row.value = record.text(QStringLiteral("value"));
    row.peerName = record.text(QStringLiteral("peerName"));
    row.peerValue = record.text(QStringLiteral("peerValue"));
    row.ratio = record.number(QStringLiteral("ratio"));
    row.target = record.text(QStringLiteral("target"));
    row.targetRatio = record.number(QStringLiteral("targetRatio"));
    row.verdict = verdictFromName(record.text(QStringLiteral("verdict")));
    row.note = record.text(QStringLiteral("note"));
    return row;
}

Verdict atMost(double value, double limit)
{
    return !std::isnan(value) && value <= limit ? Verdict::Met : Verdict::Missed;
}

Row ratioRow(QString id, QString what, QString value, QString peerName, QString peerValue,
             double ratio, double limit)
{
    Row row;
    row.id = std::move(id);
    row.what = std::move(what);
    row.value = std::move(value);
    row.peerName = std::move(peerName);
    row.peerValue = std::move(peerValue);
    row.ratio = ratio;
    if (!std::isnan(limit)) {
        row.target = QStringLiteral("≤ %1×").arg(limit, 0, 'f', 2);
        row.targetRatio = limit;
        row.verdict = atMost(ratio, limit);
    }
    return row;
}

Row extraThreadsRow(QString id, QString what, const QList<Record> &ours,
                    const QList<Record> &theirs, QString peerName)
{
    const QString threads = QStringLiteral("extraThreads");
    Row row;
    row.id = std::move(id);
    row.what = std::move(what);
    row.value = formatCount(maxOf(ours, threads));
    row.peerName = std::move(peerName);
    row.peerValue = formatCount(maxOf(theirs, threads));
    row.target = QStringLiteral("≤ 4");
    row.verdict = atMost(maxOf(ours, threads), 4);
    return row;
}

} // namespace Bench
