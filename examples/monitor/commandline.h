// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QStringList>
#include <QtQml/qqml.h>

/// QML singleton `CommandLine`: turns a typed command line into program and
/// arguments.
class CommandLine : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit CommandLine(QObject *parent = nullptr);

    /// The words of `commandLine`, program first. Splits like
    /// QProcess::splitCommand(): blanks separate words, double quotes group
    /// them ("" inside quotes is one literal quote); no shell expansion.
    Q_INVOKABLE QStringList split(const QString &commandLine) const;
};
