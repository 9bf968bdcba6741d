// SPDX-License-Identifier: MIT
#include "selfprocess.h"

#include <QCoreApplication>

namespace Bench {

QList<Record> runSelf(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(QCoreApplication::applicationFilePath(), arguments);
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        qFatal("%s %s: %s (exit code %d)", qPrintable(QCoreApplication::applicationFilePath()),
               qPrintable(arguments.join(u' ')), qPrintable(process.errorString()),
               process.exitCode());
    }
    QList<Record> records;
    const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        Record record = Record::fromLine(QString::fromUtf8(line));
        if (!record.kind().isEmpty())
            records.append(std::move(record));
    }
    return records;
}

Record recordOfKind(const QList<Record> &records, const QString &kind)
{
    for (const Record &record : records) {
        if (record.kind() == kind)
            return record;
    }
    qFatal("no \"%s\" record in the output of a benchmark process", qPrintable(kind));
}

Record runTrial(const QString &kind, Api api, int children)
{
    return recordOfKind(
            runSelf({QStringLiteral("--trial"), kind, apiName(api), QString::number(children)}),
            kind);
}

SelfWorker::SelfWorker(const QStringList &arguments)
{
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(QCoreApplication::applicationFilePath(), arguments);
    if (!m_process.waitForStarted(-1))
        qFatal("cannot start a benchmark worker: %s", qPrintable(m_process.errorString()));
    m_greeting = nextRecord();
}

SelfWorker::~SelfWorker()
{
    m_process.closeWriteChannel();
    m_process.waitForFinished(-1);
}

Record SelfWorker::ask(const QString &request)
{
    m_process.write((request + u'\n').toUtf8());
    return nextRecord();
}

Record SelfWorker::nextRecord()
{
    for (;;) {
        while (!m_process.canReadLine()) {
            if (!m_process.waitForReadyRead(-1))
                qFatal("a benchmark worker stopped answering: %s",
                       qPrintable(m_process.errorString()));
        }
        Record record = Record::fromLine(QString::fromUtf8(m_process.readLine()));
        if (!record.kind().isEmpty())
            return record;
    }
}

} // namespace Bench
