// SPDX-License-Identifier: MIT
#include "commandline.h"

#include <QProcess>

CommandLine::CommandLine(QObject *parent) : QObject(parent) { }

QStringList CommandLine::split(const QString &commandLine) const
{
    return QProcess::splitCommand(commandLine);
}
