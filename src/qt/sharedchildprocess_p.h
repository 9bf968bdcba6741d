// SPDX-License-Identifier: MIT
#pragma once

#include "posix/pipechannels.h"
#include "run.h"

#include <sharedchild/sharedchildprocess.h>

#include <array>
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
    /// Owner's thread: the waiter saw `run`'s child stop (a signal) or continue.
    void applyStop(const std::shared_ptr<SharedChild::QtDetail::Run> &run,
                   std::optional<int> stopSignal);
    /// Any thread, after its wait learned `outcome`: hands it to the owner;
    /// in the owner's thread by emitting finished() before the caller returns.
    void deliver(const std::shared_ptr<SharedChild::QtDetail::Run> &run,
                 const SharedChild::QtDetail::Outcome &outcome);
    std::shared_ptr<SharedChild::QtDetail::Run> currentRun() const;
    /// Any thread: applies `send` to the current child; failures become warnings.
    void signalChild(const char *what, const std::function<void(SharedChild::Child &)> &send);
    void setError(SharedChildProcess::ProcessError error, const QString &message);
    void setState(SharedChildProcess::State state);
    /// Owner's thread: waits for `run` while servicing its pipes.
    std::optional<SharedChild::QtDetail::Outcome>
    waitServicingPipes(const std::shared_ptr<SharedChild::QtDetail::Run> &run, int msecs);
    bool hasOpenPipes() const;
    void openPipes(SharedChild::Child &child);
    void closePipes();

    SharedChildProcess *const q;
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QStringList environment;
    bool detachOnDestroy = false;
    bool newProcessGroup = false;
    bool killOnParentDeath = false;
    bool watchStops = false;
    struct ChannelSetting
    {
        SharedChildProcess::ChannelMode mode = SharedChildProcess::InheritChannel;
        QString file;
    };
    std::array<ChannelSetting, 3> channels; // stdin, stdout, stderr

    // Owner's thread only.
    SharedChildProcess::State state = SharedChildProcess::NotRunning;
    SharedChildExitStatus exitStatus;
    QString errorString;
    std::unique_ptr<SharedChild::QtDetail::InputPipe> stdinPipe;
    std::unique_ptr<SharedChild::QtDetail::OutputPipe> stdoutPipe;
    std::unique_ptr<SharedChild::QtDetail::OutputPipe> stderrPipe;

    // Read from any thread.
    mutable std::mutex runMutex;
    std::shared_ptr<SharedChild::QtDetail::Run> run; // guarded by runMutex
    qint64 processId = 0; // guarded by runMutex
};
