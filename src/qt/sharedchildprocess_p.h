// SPDX-License-Identifier: MIT
#pragma once

#include "pipechannels.h"
#include "readbuffer.h"
#include "run.h"

#include <sharedchild/sharedchildprocess.h>

#include <QPointer>
#include <QStringDecoder>

#include <array>
#include <functional>
#include <mutex>
#include <type_traits>

namespace SharedChild::QtDetail {
struct PipelinePipe;
}

// Every signal of SharedChildProcess is emitted here, through emitSignal(),
// and every function that may emit returns whether the object still exists
// afterwards: a slot may delete it, and then the caller must return at once
// without touching any member (the private object is gone too).
class SharedChildProcessPrivate
{
public:
    using Process = SharedChildProcess;

    explicit SharedChildProcessPrivate(SharedChildProcess *q) : q(q) { }
    ~SharedChildProcessPrivate();
    static SharedChildProcessPrivate *get(SharedChildProcess *q) { return q->d.get(); }

    /// Emits `signal` (ours or QIODevice's); false when a slot destroyed the object.
    template<typename Class, typename... Parameters, typename... Arguments>
    bool emitSignal(void (Class::*signal)(Parameters...), Arguments &&...arguments)
    {
        static_assert(std::is_base_of_v<Class, SharedChildProcess>);
        const QPointer<SharedChildProcess> alive(q);
        (q->*signal)(std::forward<Arguments>(arguments)...);
        return !alive.isNull();
    }

    // --- Starting (processstart.cpp) ---
    /// QProcess's checks before a start: false, with QProcess's warning while
    /// a child runs, or with errorOccurred(FailedToStart) without a program.
    bool startAllowed(const char *function);
    /// start() once the state allows it: opens the device, spawns, emits.
    bool start(QIODevice::OpenMode mode);
    /// The core's Command for the current settings.
    SharedChild::Command command() const;
    /// Owner's thread: the part of start() after the spawn, given the new run
    /// (null when the spawn failed, with `failure` saying why).
    void startedRun(const std::shared_ptr<SharedChild::QtDetail::Run> &run, const QString &failure,
                    SharedChild::QtDetail::SpawnPipes *pipes);
    void openPipes(SharedChild::Child &child, SharedChild::QtDetail::SpawnPipes &pipes);
    /// startDetached() once the state allows it.
    bool startDetached(qint64 *pid);
    /// After a spawn: the pipeline ends the child got are its own now (and
    /// after a failed one QProcess closes them too).
    void closeUsedPipelineEnds();
    /// Before a spawn: the pipes of setStandardOutputProcess() that the other
    /// end has not made yet. Throws std::system_error.
    void makePipelinePipes();

    // --- Finishing and signals of a run (sharedchildprocess_p.cpp) ---
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
    // Owner's thread; each returns false when a slot destroyed the object.
    /// Sets error() and errorString() without emitting errorOccurred (a timeout).
    bool setError(SharedChildProcess::ProcessError error, const QString &message = {});
    bool setErrorAndEmit(SharedChildProcess::ProcessError error, const QString &message = {});
    bool setState(SharedChildProcess::ProcessState state);

    // --- The pipes (processio.cpp) ---
    struct ReadReport
    {
        bool alive = true; // false: a slot destroyed the object
        bool gotData = false; // the pipe had bytes (kept, or discarded after closeReadChannel)
        bool readyReadEmitted = false; // the current read channel got data
    };
    /// Reads what `channel`'s pipe has now and emits its signals if that got bytes.
    ReadReport readOutput(SharedChildProcess::ProcessChannel channel);
    /// readOutput() for stdout, then stderr.
    ReadReport readOutputs();
    struct WriteReport
    {
        bool alive = true;
        bool wrote = false;
        bool failed = false;
    };
    /// Writes what stdin's pipe takes now; emits bytesWritten, or the error.
    WriteReport writeInput();
    /// Reads the output pipes to their end, then closes all pipes: everything
    /// the child wrote before it exited reaches readyRead before finished().
    bool drainAndClosePipes();
    bool hasOpenPipes() const;
    /// readAll() of `channel`, switching the read channel for the call, as QProcess does.
    QByteArray readAllFrom(SharedChildProcess::ProcessChannel channel);
    /// Whether reads may take from the channel's buffer directly: QIODevice
    /// holds nothing of its own (peek, ungetChar, a transaction) and does no
    /// text conversion.
    bool mayReadDirectly() const;
    /// The read channel whose data read() returns (stdout when merged).
    SharedChild::QtDetail::ReadBuffer &currentBuffer();
    const SharedChild::QtDetail::ReadBuffer &currentBuffer() const;

    // --- Waiting (processwait.cpp) ---
    enum class WaitGoal { ReadyRead, BytesWritten, Finished };
    /// Owner's thread, while a child runs: services the pipes until `goal`
    /// is reached (true), the deadline passes (error() Timedout) or the run
    /// ends (true only for Finished). `destroyed` is set when a slot
    /// destroyed the object; the caller must then return at once.
    bool serviceUntil(WaitGoal goal, SharedChild::QtDetail::Deadline deadline, bool &destroyed);
    /// Any thread: waits for `run` until `deadline` and delivers its outcome;
    /// in the owner's thread, finished() is emitted before it returns.
    std::optional<SharedChild::QtDetail::Outcome>
    waitAndDeliver(const std::shared_ptr<SharedChild::QtDetail::Run> &run,
                   SharedChild::QtDetail::Deadline deadline);
    bool inOwnerThread() const;

    SharedChildProcess *const q;

    // Settings for the next start; owner's thread.
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QProcessEnvironment environment{QProcessEnvironment::InheritFromParent};
    SharedChildProcess::ProcessChannelMode processChannelMode
            = SharedChildProcess::SeparateChannels;
    SharedChildProcess::InputChannelMode inputChannelMode = SharedChildProcess::ManagedInputChannel;
    struct FileRedirect
    {
        QString file; // empty: none
        bool append = false;
    };
    struct Redirections
    {
        std::array<FileRedirect, 3> files; // stdin, stdout, stderr
        // setStandardOutputProcess(): the pipe shared with the other end,
        // made when the first of the two starts. Owner's thread (both objects
        // must live in one thread, as with QProcess).
        std::shared_ptr<SharedChild::QtDetail::PipelinePipe> stdoutPipeline;
        std::shared_ptr<SharedChild::QtDetail::PipelinePipe> stdinPipeline;
        std::function<void()> childProcessModifier;
    };
    // Made by the first setter that needs it: most objects redirect nothing,
    // and an idle object should cost no more than a QProcess.
    std::unique_ptr<Redirections> redirections;
    Redirections &redirect();
    /// The redirections, or the defaults when none was set.
    const Redirections &redirected() const;
    bool detachOnDestroy = false;
    bool newProcessGroup = false;
    bool killOnParentDeath = false;
    bool watchStops = false;

    // The current run's state; owner's thread only.
    SharedChildProcess::ProcessState state = SharedChildProcess::NotRunning;
    SharedChildProcess::ProcessError error = SharedChildProcess::UnknownError;
    bool hasErrorString = false; // QIODevice's errorString() was set by us
    SharedChildProcess::ProcessChannel readChannel = SharedChildProcess::StandardOutput;
    // Counts start() calls, so that a start() from a slot can tell an outer
    // emission sequence that its run is no longer the current one.
    quint64 starts = 0;
    SharedChildExitStatus exitStatus;
    // The I/O of the current (or last) run; a new one for each start, so an
    // object that never runs does without it.
    struct RunIo
    {
        std::array<SharedChild::QtDetail::ReadBuffer, 2> readBuffers; // stdout, stderr
        std::array<bool, 2> readChannelClosed{}; // closeReadChannel(): discard from now on
        // For the *Text() reads: a character split between two reads is
        // kept back until its end arrives.
        std::array<QStringDecoder, 2> textDecoders{QStringDecoder(QStringDecoder::Utf8),
                                                   QStringDecoder(QStringDecoder::Utf8)};
        bool writeChannelClosing = false;
        bool emittingReadyRead = false;
        bool emittingBytesWritten = false;
        std::unique_ptr<SharedChild::QtDetail::InputPipe> stdinPipe;
        std::unique_ptr<SharedChild::QtDetail::OutputPipe> stdoutPipe;
        std::unique_ptr<SharedChild::QtDetail::OutputPipe> stderrPipe;
    };
    std::unique_ptr<RunIo> io;
    RunIo &runIo();
    SharedChild::QtDetail::InputPipe *stdinPipe() const
    {
        return io ? io->stdinPipe.get() : nullptr;
    }
    SharedChild::QtDetail::OutputPipe *stdoutPipe() const
    {
        return io ? io->stdoutPipe.get() : nullptr;
    }
    SharedChild::QtDetail::OutputPipe *stderrPipe() const
    {
        return io ? io->stderrPipe.get() : nullptr;
    }

    // Read from any thread. Lock order: see src/LOCKING.md.
    mutable std::mutex runMutex;
    std::shared_ptr<SharedChild::QtDetail::Run> run; // guarded by runMutex
    qint64 processId = 0; // guarded by runMutex
};
