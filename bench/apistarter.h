// SPDX-License-Identifier: MIT
#pragma once

// The part of the burst and scale trials that differs between the two APIs:
// create N objects, start each, and count finished() in the event loop.

#include "api.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace Bench {

class ApiStarter
{
public:
    /// `api` is SharedChildProcess or QProcess. `onFinished(success)` runs in
    /// the event loop once per started child that finished (success: exit code 0).
    ApiStarter(Api api, std::function<void(bool success)> onFinished);
    ~ApiStarter();
    ApiStarter(const ApiStarter &) = delete;
    ApiStarter &operator=(const ApiStarter &) = delete;

    /// Creates one more object and starts `program`; false when it did not start.
    bool start(const QString &program, const QStringList &arguments);
    /// The error message of the first start that failed.
    const QString &firstError() const { return m_firstError; }

private:
    Api m_api;
    std::function<void(bool)> m_onFinished;
    QObject m_owner; // parent of every object started
    QString m_firstError;
};

} // namespace Bench
