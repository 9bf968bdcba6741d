// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMap>
#include <QString>

namespace Bench {

/// One line of tab-separated fields, a kind first and then key=value pairs:
/// how the benchmark's processes hand results to each other over a pipe.
class Record
{
public:
    explicit Record(QString kind = {}) : m_kind(std::move(kind)) { }

    const QString &kind() const { return m_kind; }
    Record &set(const QString &key, const QString &value);
    Record &set(const QString &key, double value);
    bool has(const QString &key) const { return m_fields.contains(key); }
    QString text(const QString &key) const { return m_fields.value(key); }
    /// The field as a number; NaN when missing or not a number.
    double number(const QString &key) const;

    QString toLine() const;
    /// The record on `line`; its kind is empty when the line is not a record.
    static Record fromLine(const QString &line);

private:
    QString m_kind;
    QMap<QString, QString> m_fields;
};

/// Prints `record` on stdout as one line and flushes it.
void emitRecord(const Record &record);

/// Over trials (records of one kind): the median of field `key`, each first
/// divided by the trial's field `divisor` (at least 1) when one is named.
double medianOf(const QList<Record> &trials, const QString &key, const QString &divisor = {});
/// Over trials: the largest and the smallest value of field `key`.
double maxOf(const QList<Record> &trials, const QString &key);
double minOf(const QList<Record> &trials, const QString &key);

} // namespace Bench
