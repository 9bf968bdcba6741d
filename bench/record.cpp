// SPDX-License-Identifier: MIT
#include "record.h"

#include "stats.h"

#include <QtNumeric>

#include <algorithm>

#include <cstdio>
#include <limits>
#include <vector>

namespace Bench {

namespace {

// Tabs and line breaks separate fields and records, so values never hold them.
QString flattened(QString text)
{
    for (QChar &character : text) {
        if (character == u'\t' || character == u'\n' || character == u'\r')
            character = u' ';
    }
    return text;
}

} // namespace

Record &Record::set(const QString &key, const QString &value)
{
    m_fields.insert(key, flattened(value));
    return *this;
}

Record &Record::set(const QString &key, double value)
{
    return set(key, QString::number(value, 'g', 17));
}

double Record::number(const QString &key) const
{
    bool ok = false;
    const double value = m_fields.value(key).toDouble(&ok);
    return ok ? value : std::numeric_limits<double>::quiet_NaN();
}

QString Record::toLine() const
{
    QString line = m_kind;
    for (auto field = m_fields.cbegin(); field != m_fields.cend(); ++field)
        line += u'\t' + field.key() + u'=' + field.value();
    return line;
}

Record Record::fromLine(const QString &line)
{
    const QStringList fields = line.trimmed().split(u'\t');
    if (fields.isEmpty() || fields.first().isEmpty() || fields.first().contains(u'='))
        return Record();
    Record record(fields.first());
    for (qsizetype i = 1; i < fields.size(); ++i) {
        const qsizetype equals = fields[i].indexOf(u'=');
        if (equals > 0)
            record.m_fields.insert(fields[i].left(equals), fields[i].mid(equals + 1));
    }
    return record;
}

void emitRecord(const Record &record)
{
    std::fputs((record.toLine() + u'\n').toUtf8().constData(), stdout);
    std::fflush(stdout);
}

double medianOf(const QList<Record> &trials, const QString &key, const QString &divisor)
{
    std::vector<double> values;
    values.reserve(static_cast<std::size_t>(trials.size()));
    for (const Record &trial : trials) {
        const double by = divisor.isEmpty() ? 1.0 : std::max(trial.number(divisor), 1.0);
        values.push_back(trial.number(key) / by);
    }
    return median(values);
}

double maxOf(const QList<Record> &trials, const QString &key)
{
    double result = -qInf();
    for (const Record &trial : trials)
        result = std::max(result, trial.number(key));
    return result;
}

double minOf(const QList<Record> &trials, const QString &key)
{
    double result = qInf();
    for (const Record &trial : trials)
        result = std::min(result, trial.number(key));
    return result;
}

} // namespace Bench
