// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/sharedchild_export.h>
#include <sharedchild/sharedchildexitstatus.h>

#include <QFuture>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class SharedChildProcessPrivate;

/// A child process that any thread may wait for, poll, signal or kill while
/// the object's own thread gets started()/finished() signals, as with QProcess.
///
/// Thread safety: kill(), terminate(), sendSignal(), stop(), tryWait(), wait(),
/// waitForFinished() and processId() may be called from any thread at any
/// time. Everything else (setters, start(), destruction) belongs to the
/// object's thread, like any QObject.
///
/// finished() is emitted exactly once per run, always in the object's thread,
/// whichever thread reaped the child. When the object's thread itself calls
/// wait() or waitForFinished(), finished() is emitted before that call returns.
///
/// A slot connected to any signal may delete the object, call deleteLater()
/// or call start() again, also while the object's thread is inside
/// waitForFinished() (which then returns without touching the object).
///
/// One shared waiter thread watches all running children of the program (on
/// Linux, their pidfds with epoll); only the portable waitid backend needs a
/// blocking thread per running child.
class SHAREDCHILD_EXPORT SharedChildProcess : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString program READ program WRITE setProgram NOTIFY programChanged)
    Q_PROPERTY(QStringList arguments READ arguments WRITE setArguments NOTIFY argumentsChanged)
    Q_PROPERTY(QString workingDirectory READ workingDirectory WRITE setWorkingDirectory NOTIFY
                       workingDirectoryChanged)
    Q_PROPERTY(
            QStringList environment READ environment WRITE setEnvironment NOTIFY environmentChanged)
    Q_PROPERTY(bool detachOnDestroy READ detachOnDestroy WRITE setDetachOnDestroy NOTIFY
                       detachOnDestroyChanged)
    Q_PROPERTY(bool newProcessGroup READ newProcessGroup WRITE setNewProcessGroup NOTIFY
                       newProcessGroupChanged)
    Q_PROPERTY(bool killOnParentDeath READ killOnParentDeath WRITE setKillOnParentDeath NOTIFY
                       killOnParentDeathChanged)
    Q_PROPERTY(bool watchStops READ watchStops WRITE setWatchStops NOTIFY watchStopsChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    Q_PROPERTY(qint64 processId READ processId NOTIFY processIdChanged)
    Q_PROPERTY(SharedChildExitStatus exitStatus READ exitStatus NOTIFY exitStatusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    enum State {
        NotRunning, ///< never started, or the last start() failed
        Running, ///< started; finished() not yet emitted
        Finished, ///< finished() was emitted; exitStatus holds the status
        Stopped, ///< started, and stopped by a signal (only with watchStops)
    };
    Q_ENUM(State)

    enum ProcessError {
        FailedToStart, ///< the program could not be started; see errorString
        AlreadyRunning, ///< start() was called while a run was in progress
        StatusLost, ///< something outside the library reaped the child
        WriteError, ///< writing to the child's stdin failed (it closed it)
    };
    Q_ENUM(ProcessError)

    /// Where one of the child's standard streams goes.
    enum ChannelMode {
        InheritChannel, ///< this process's stream (the default, as for SharedChild::Command)
        NullChannel, ///< the null device
        PipeChannel, ///< a pipe: readAllStandardOutput() etc., write() for stdin
        FileChannel, ///< a file: read for stdin; created and truncated for output
        AppendFileChannel, ///< a file appended to (output only)
        MergedWithStdoutChannel, ///< stderr only: wherever stdout goes
    };
    Q_ENUM(ChannelMode)

    explicit SharedChildProcess(QObject *parent = nullptr);
    /// Kills a running child (unless detachOnDestroy) without blocking; the
    /// waiter thread reaps it, so no zombie is left either way.
    ~SharedChildProcess() override;

    QString program() const;
    void setProgram(const QString &program);
    QStringList arguments() const;
    void setArguments(const QStringList &arguments);
    QString workingDirectory() const;
    void setWorkingDirectory(const QString &directory);
    /// KEY=VALUE entries for the child's whole environment. Empty (the
    /// default) means the child inherits this process's environment, as with
    /// QProcess; as there, entries without a name and a '=' are left out.
    QStringList environment() const;
    void setEnvironment(const QStringList &environment);

    /// Stream setup for the next start(). `file` is used by FileChannel and
    /// AppendFileChannel. Pipes are read and written in the object's thread.
    void setStandardInputMode(ChannelMode mode, const QString &file = {});
    void setStandardOutputMode(ChannelMode mode, const QString &file = {});
    void setStandardErrorMode(ChannelMode mode, const QString &file = {});
    ChannelMode standardInputMode() const;
    ChannelMode standardOutputMode() const;
    ChannelMode standardErrorMode() const;

    /// Everything read from the stdout / stderr pipe since the last call.
    /// Every readyRead signal of a run comes before its finished().
    QByteArray readAllStandardOutput();
    QByteArray readAllStandardError();
    /// For QML: readAllStandardOutput() / readAllStandardError() decoded as UTF-8.
    Q_INVOKABLE QString readAllStandardOutputText();
    Q_INVOKABLE QString readAllStandardErrorText();
    /// For QML: queues `text`, encoded as UTF-8, for the child's stdin.
    Q_INVOKABLE qint64 writeText(const QString &text);
    enum ReadChannel { StandardOutput, StandardError };
    Q_ENUM(ReadChannel)
    /// Stops reading `channel` and closes our end: the child's next write to
    /// it fails (EPIPE, or SIGPIPE unless it ignores that).
    void closeReadChannel(ReadChannel channel);

    /// Queues `data` for the child's stdin pipe; -1 when there is no open pipe.
    qint64 write(const QByteArray &data);
    /// Bytes queued for stdin that the child has not taken yet.
    qint64 bytesToWrite() const;
    /// Closes stdin once everything queued has been written (the child sees EOF).
    Q_INVOKABLE void closeWriteChannel();

    /// Start the child as the leader of a new process group (POSIX). Then
    /// killProcessGroup() reaches its descendants too, and stop() signals the
    /// whole group.
    bool newProcessGroup() const;
    void setNewProcessGroup(bool enabled);
    /// Linux: the child gets SIGKILL when this process dies, whichever thread
    /// started it (see SharedChild::Command::setKillOnParentDeath()).
    bool killOnParentDeath() const;
    void setKillOnParentDeath(bool enabled);
    /// Report stops and continues of the child (state Stopped, stopped(),
    /// continued()). Off by default: POSIX tells a parent about a stop only
    /// through a wait or SIGCHLD, so the waiter thread looks every 100 ms for
    /// each watching run.
    bool watchStops() const;
    void setWatchStops(bool enabled);

    /// A future of the current (or last) run's status: it completes as soon
    /// as any thread learns the status, and holds a std::system_error (ECHILD)
    /// when the status was lost. For an object never started: a canceled future.
    /// A continuation attached without a context object runs in the thread
    /// that learns the status, often the library's waiter thread: pass a
    /// context object to then() to run it in a thread of yours, and never
    /// block in one that has none.
    QFuture<SharedChildExitStatus> future() const;

    /// When true, destroying the object leaves a running child alive (it is
    /// still reaped in the background once it exits). Default: false, the
    /// child is killed.
    bool detachOnDestroy() const;
    void setDetachOnDestroy(bool detach);

    State state() const;
    bool isRunning() const;
    /// The PID of the current or last run (0 before the first start); thread-safe.
    qint64 processId() const;
    /// The status of the last finished run; invalid while running or before the first run.
    SharedChildExitStatus exitStatus() const;
    QString errorString() const;

    /// Blocks until the current run's child exits and returns its status (an
    /// invalid one if the object was never started or the status was lost).
    /// Any thread, any number of threads at once.
    SharedChildExitStatus wait();
    /// Waits at most `msecs` (-1: no limit). True at once when the last run
    /// has finished; false for an object never started, or on timeout.
    /// Called in the object's thread, it keeps servicing the pipes meanwhile,
    /// so a child blocked on a full pipe cannot deadlock it.
    bool waitForFinished(int msecs = 30000);

public Q_SLOTS:
    /// Starts the program. Returns false, and emits errorOccurred(), when it
    /// cannot start or a run is still in progress. Emits started() on success.
    bool start();

    /// Thread-safe: SIGKILL. A no-op when no child is running.
    void kill();
    /// Thread-safe: SIGTERM. A no-op when no child is running.
    void terminate();
    /// Thread-safe: any signal. Errors (an invalid number) are reported with
    /// qWarning(), since errorString belongs to the object's thread.
    void sendSignal(int signal);
    /// Thread-safe: `signal` to the child's whole process group; needs
    /// newProcessGroup. Safe against reuse of the group ID: a no-op once the
    /// child has been reaped.
    void killProcessGroup(int signal);
    /// Thread-safe and never blocking: SIGTERM now, SIGKILL if the child still
    /// runs after `graceMsecs`. The waiter thread keeps the deadline, so a busy
    /// owner thread cannot delay the SIGKILL. With newProcessGroup, both
    /// signals go to the whole process group.
    void stop(int graceMsecs = 3000);
    /// Thread-safe: the status if the current run's child has exited, else an
    /// invalid status. Never blocks.
    SharedChildExitStatus tryWait();

Q_SIGNALS:
    void started();
    void finished(const SharedChildExitStatus &status);
    void errorOccurred(SharedChildProcess::ProcessError error);
    void readyReadStandardOutput();
    void readyReadStandardError();
    void bytesWritten(qint64 bytes);
    void stateChanged(SharedChildProcess::State state);
    /// With watchStops: the child was stopped by `signal`, or continued.
    void stopped(int signal);
    void continued();
    void runningChanged(bool running);
    void processIdChanged(qint64 processId);
    void exitStatusChanged();
    void errorStringChanged();
    void programChanged();
    void argumentsChanged();
    void workingDirectoryChanged();
    void environmentChanged();
    void detachOnDestroyChanged();
    void newProcessGroupChanged();
    void killOnParentDeathChanged();
    void watchStopsChanged();

private:
    friend class SharedChildProcessPrivate;
    std::unique_ptr<SharedChildProcessPrivate> d;
};
