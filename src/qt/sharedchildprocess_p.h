// SPDX-License-Identifier: MIT
#pragma once

#include "run.h"

#include <sharedchild/sharedchildprocess.h>

#include <functional>
#include <mutex>

class SharedChildProcessPrivate
{
public:
    explicit SharedChildProcessPrivate(SharedChildProcess *q) : q(q) { }
    static SharedChildProcessPrivate *get(SharedChildProcess *q) { return q->d.get(); }

    /// Owner's thread: emits finished() for `run` unless it was emitted
    /// already or a newer run has started since.
    void finishRun(const std::shared_ptr<SharedChild::QtDetail::Run> &run);
    /// Any thread: hands `outcome` to the owner; synchronously when called
    /// from the owner's thread, so that finished() precedes the caller's return.
    void deliver(const std::shared_ptr<SharedChild::QtDetail::Run> &run,
                 const SharedChild::QtDetail::Outcome &outcome);
    std::shared_ptr<SharedChild::QtDetail::Run> currentRun() const;
    /// Any thread: applies `send` to the current child; failures become warnings.
    void signalChild(const char *what, const std::function<void(SharedChild::Child &)> &send);
    void setError(SharedChildProcess::ProcessError error, const QString &message);
    void setState(SharedChildProcess::State state);

    SharedChildProcess *const q;
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QStringList environment;
    bool detachOnDestroy = false;

    // Owner's thread only.
    SharedChildProcess::State state = SharedChildProcess::NotRunning;
    SharedChildExitStatus exitStatus;
    QString errorString;

    // Read from any thread.
    mutable std::mutex runMutex;
    std::shared_ptr<SharedChild::QtDetail::Run> run; // guarded by runMutex
    qint64 processId = 0; // guarded by runMutex
};
