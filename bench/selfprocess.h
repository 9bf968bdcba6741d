// SPDX-License-Identifier: MIT
#pragma once

// Scenarios that measure a whole process (its threads, descriptors and
// memory) run each trial in a fresh copy of this program; the copies report
// back with Records on stdout. Their stderr goes straight to ours.

#include "api.h"
#include "record.h"

#include <QList>
#include <QProcess>
#include <QStringList>

namespace Bench {

/// Runs this program with `arguments` to the end and returns the records it
/// printed. Fatal when it does not exit with 0.
QList<Record> runSelf(const QStringList &arguments);

/// The first record of `kind` in `records`; fatal when there is none.
Record recordOfKind(const QList<Record> &records, const QString &kind);

/// Runs one trial (`--trial KIND API CHILDREN`) in a fresh copy of this
/// program and returns its record of `kind`.
Record runTrial(const QString &kind, Api api, int children);

/// A copy of this program that answers one request line at a time.
class SelfWorker
{
public:
    /// Starts the copy and waits for its first record, which says it is ready.
    explicit SelfWorker(const QStringList &arguments);
    /// Closes the copy's stdin, which tells it to exit, and waits for it.
    ~SelfWorker();
    SelfWorker(const SelfWorker &) = delete;
    SelfWorker &operator=(const SelfWorker &) = delete;

    const Record &greeting() const { return m_greeting; }
    /// Sends `request` as one line and returns the record that answers it.
    Record ask(const QString &request);

private:
    Record nextRecord();

    QProcess m_process;
    Record m_greeting;
};

} // namespace Bench
