// SPDX-License-Identifier: MIT
#pragma once

#include "posix/pipechannels.h"
#include "run.h"

#include <sharedchild/sharedchildprocess.h>

#include <QPointer>

#include <array>
#include <functional>
#include <mutex>

// Every signal of SharedChildProcess is emitted here, through emitSignal(),
// and every function that may emit returns whether the object still exists
// afterwards: a slot may delete it, and then the caller must return at once
// without touching any member (the private object is gone too).
class SharedChildProcessPrivate
{
public:
    explicit SharedChildProcessPrivate(SharedChildProcess *q) : q(q) { }
    static SharedChildProcessPrivate *get(SharedChildProcess *q) { return q->d.get(); }

    /// Emits `signal`; false when a slot destroyed the object.
    template<typename... Parameters, typename... Arguments>
    bool emitSignal(void (SharedChildProcess::*signal)(Parameters...), Arguments &&...arguments)
    {
        const QPointer<SharedChildProcess> alive(q);
        (q->*signal)(std::forward<Arguments>(arguments)...);
        return !alive.isNull();
    }

    /// Owner's thread: emits finished() for `run` unless it was emitted
    /// already or a newer run has started since.
    void finishRun(const std::shared_ptr<SharedChild::QtDetail::Run> &run);
    /// Owner's thread: the part of start() after the spawn, given the new run
    /// (null when the spawn failed, with `failure` saying why).
    void startedRun(const std::shared_ptr<SharedChild::QtDetail::Run> &run, const QString &failure);
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
    // Owner's thread; each returns false when a slot destroyed the object.
    bool setError(SharedChildProcess::ProcessError error, const QString &message);
    bool setState(SharedChildProcess::State state);
    /// Reads what `channel`'s pipe has now and emits its readyRead signal if that got bytes.
    bool readOutput(SharedChildProcess::ReadChannel channel);
    /// Writes what stdin's pipe takes now; emits bytesWritten, or the error.
    bool writeInput();
    /// Services every pipe that has something to do (poll said one is ready).
    bool servicePipes();
    /// Reads the output pipes to their end, then closes all pipes: everything
    /// the child wrote before it exited reaches readyRead before finished().
    bool drainAndClosePipes();

    /// Owner's thread: waits for `run` while servicing its pipes. When a slot
    /// destroys the object meanwhile, goes on waiting without the pipes and
    /// sets `destroyed`; the caller must then not touch the object.
    std::optional<SharedChild::QtDetail::Outcome>
    waitServicingPipes(const std::shared_ptr<SharedChild::QtDetail::Run> &run,
                       SharedChild::QtDetail::Deadline deadline, bool &destroyed);
    /// Any thread: waits for `run` until `deadline` and delivers its outcome;
    /// in the owner's thread, finished() is emitted before it returns.
    std::optional<SharedChild::QtDetail::Outcome>
    waitAndDeliver(const std::shared_ptr<SharedChild::QtDetail::Run> &run,
                   SharedChild::QtDetail::Deadline deadline);
    bool hasOpenPipes() const;
    void openPipes(SharedChild::Child &child);

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
    // Counts start() calls, so that a start() from a slot can tell an outer
    // emission sequence that its run is no longer the current one.
    quint64 starts = 0;
    SharedChildExitStatus exitStatus;
    QString errorString;
    std::unique_ptr<SharedChild::QtDetail::InputPipe> stdinPipe;
    std::unique_ptr<SharedChild::QtDetail::OutputPipe> stdoutPipe;
    std::unique_ptr<SharedChild::QtDetail::OutputPipe> stderrPipe;

    // Read from any thread. Lock order: see src/LOCKING.md.
    mutable std::mutex runMutex;
    std::shared_ptr<SharedChild::QtDetail::Run> run; // guarded by runMutex
    qint64 processId = 0; // guarded by runMutex
};
