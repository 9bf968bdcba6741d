// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/sharedchild_export.h>
#include <sharedchild/sharedchildexitstatus.h>

#include <QFuture>
#include <QIODevice>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class SharedChildProcessPrivate;

/// A child process with QProcess's API and behaviour, which any thread may
/// also wait for, poll, signal or kill while the object's own thread gets its
/// signals. Code written for QProcess works after renaming the class; see the
/// README's migration table for the few differences.
///
/// Thread safety: kill(), terminate(), sendSignal(), killProcessGroup(),
/// stop(), tryWait(), wait(), processId() and future() may be called from any
/// thread at any time, and so may waitForFinished() (from a thread other than
/// the object's it only waits: it neither reads the pipes nor changes error()).
/// Everything else belongs to the object's thread, as with QProcess: setters,
/// start(), reading and writing (the QIODevice API), the other waitFor*()
/// functions, and destruction.
///
/// finished() is emitted exactly once per run, always in the object's thread,
/// whichever thread reaped the child. When the object's thread itself calls
/// wait() or waitForFinished(), finished() is emitted before that call returns.
///
/// A slot connected to any signal may delete the object, call deleteLater()
/// or call start() again, also while the object's thread is inside a
/// waitFor*() call (which then returns without touching the object).
///
/// One shared waiter thread watches all running children of the program (on
/// Linux, their pidfds with epoll); only the portable waitid backend needs a
/// blocking thread per running child.
class SHAREDCHILD_EXPORT SharedChildProcess : public QIODevice
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
    Q_PROPERTY(ProcessState state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    Q_PROPERTY(qint64 processId READ processId NOTIFY processIdChanged)
    Q_PROPERTY(SharedChildExitStatus exitStatus READ exitStatus NOTIFY exitStatusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    /// QProcess's values, then ours.
    enum ProcessError {
        FailedToStart, ///< the program could not be started; see errorString()
        Crashed, ///< the child died by a signal (also after kill())
        Timedout, ///< a waitFor*() call in the object's thread timed out
        ReadError, ///< reading a pipe failed
        WriteError, ///< writing to the child's stdin failed (it closed it)
        UnknownError, ///< no error (the default)
        StatusLost, ///< ours: something outside the library reaped the child
    };
    Q_ENUM(ProcessError)

    /// QProcess's states, then ours. After a run ends the state is NotRunning
    /// again, as with QProcess; exitStatus().isValid() tells a finished run.
    enum ProcessState {
        NotRunning,
        Starting, ///< inside start(), which spawns synchronously
        Running,
        Stopped, ///< ours: stopped by a signal (only with watchStops)
    };
    Q_ENUM(ProcessState)

    enum ProcessChannel { StandardOutput, StandardError };
    Q_ENUM(ProcessChannel)

    /// As QProcess: where stdout and stderr go unless redirected to a file
    /// or another process.
    enum ProcessChannelMode {
        SeparateChannels, ///< two pipes (the default)
        MergedChannels, ///< stderr goes wherever stdout goes
        ForwardedChannels, ///< both inherited from this process
        ForwardedOutputChannel, ///< stdout inherited, stderr a pipe
        ForwardedErrorChannel, ///< stdout a pipe, stderr inherited
    };
    Q_ENUM(ProcessChannelMode)

    enum InputChannelMode {
        ManagedInputChannel, ///< a pipe, written with write() (the default)
        ForwardedInputChannel, ///< inherited from this process
    };
    Q_ENUM(InputChannelMode)

    /// How the last run ended, as QProcess tells it. exitStatus() returns our
    /// SharedChildExitStatus, which compares equal to these values.
    enum ExitStatus { NormalExit, CrashExit };
    Q_ENUM(ExitStatus)

    explicit SharedChildProcess(QObject *parent = nullptr);
    /// Kills a running child (unless detachOnDestroy) without blocking; the
    /// waiter thread reaps it, so no zombie is left either way. (QProcess
    /// blocks here until the child is dead.)
    ~SharedChildProcess() override;

    /// Starts `program` (no shell; a name without '/' is looked up in PATH).
    /// The spawn is synchronous: started() or errorOccurred(FailedToStart)
    /// is emitted before this returns. Returns whether the child runs.
    bool start(const QString &program, const QStringList &arguments = {},
               OpenMode mode = ReadWrite);
    /// Starts program() with arguments().
    Q_INVOKABLE bool start(OpenMode mode = ReadWrite);
    /// Splits `command` with splitCommand() and starts it.
    bool startCommand(const QString &command, OpenMode mode = ReadWrite);
    /// Starts program() detached: the child is never reaped by this process
    /// and outlives it. Honours the working directory, environment, standard
    /// stream files, setStandardOutputProcess() and the child modifier.
    bool startDetached(qint64 *pid = nullptr);
    /// QIODevice::open(): starts program(); true unless it was running or no
    /// program is set (a failed start is told by errorOccurred()).
    bool open(OpenMode mode = ReadWrite) override;

    QString program() const;
    void setProgram(const QString &program);
    QStringList arguments() const;
    void setArguments(const QStringList &arguments);
    QString workingDirectory() const;
    void setWorkingDirectory(const QString &directory);

    /// KEY=VALUE entries for the child's whole environment. Until one is set,
    /// the child inherits this process's (and environment() is empty). As
    /// with Qt 6's QProcess, setting a list, even an empty one, replaces the
    /// whole environment; entries without a name and a '=' are left out, and
    /// a later entry for the same name wins.
    QStringList environment() const;
    void setEnvironment(const QStringList &environment);
    QProcessEnvironment processEnvironment() const;
    void setProcessEnvironment(const QProcessEnvironment &environment);

    ProcessChannelMode processChannelMode() const;
    void setProcessChannelMode(ProcessChannelMode mode);
    InputChannelMode inputChannelMode() const;
    void setInputChannelMode(InputChannelMode mode);
    /// The channel that read(), readLine(), readyRead() etc. refer to.
    ProcessChannel readChannel() const;
    void setReadChannel(ProcessChannel channel);
    /// Discards what the child writes to `channel` from now on; the pipe is
    /// still drained, so the child is neither blocked nor killed by it.
    void closeReadChannel(ProcessChannel channel);
    /// Closes stdin once everything written has reached the pipe (the child sees EOF).
    Q_INVOKABLE void closeWriteChannel();

    /// Standard streams from/to files for the next start(); mode Truncate or Append.
    void setStandardInputFile(const QString &fileName);
    void setStandardOutputFile(const QString &fileName, OpenMode mode = Truncate);
    void setStandardErrorFile(const QString &fileName, OpenMode mode = Truncate);
    /// Pipes this child's stdout (and stderr with MergedChannels) into
    /// `destination`'s stdin, as a shell pipeline: the data goes from child
    /// to child without passing through this process.
    void setStandardOutputProcess(SharedChildProcess *destination);
    /// POSIX: runs in the child before exec, after its standard streams and
    /// working directory are set up. It runs in a child made with
    /// clone(CLONE_VM | CLONE_VFORK) or fork(): call only async-signal-safe
    /// functions, do not allocate, lock or throw. Windows: start() fails.
    std::function<void()> childProcessModifier() const;
    void setChildProcessModifier(const std::function<void()> &modifier);

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
    /// When true, destroying the object leaves a running child alive (it is
    /// still reaped in the background once it exits). Default: false, the
    /// child is killed.
    bool detachOnDestroy() const;
    void setDetachOnDestroy(bool detach);

    ProcessError error() const;
    ProcessState state() const;
    /// Running or Stopped.
    bool isRunning() const;
    /// The PID of the current or last run (0 before the first start); thread-safe.
    qint64 processId() const;
    /// The status of the last finished run; invalid while running or before
    /// the first run. Compares equal to NormalExit or CrashExit, as QProcess's
    /// exitStatus() does, and converts to ExitStatus.
    SharedChildExitStatus exitStatus() const;
    /// As QProcess: the exit code, or on POSIX the signal number after a crash.
    int exitCode() const;

    /// As QIODevice's, but taking what the read channel holds without the
    /// copies QIODevice's own versions make (the same bytes either way).
    QByteArray readAll();
    using QIODevice::readLine;
    QByteArray readLine(qint64 maxSize = 0);
    /// Everything the channel has now (switching the read channel for the call).
    QByteArray readAllStandardOutput();
    QByteArray readAllStandardError();
    /// For QML: readAllStandardOutput() / readAllStandardError() decoded as
    /// UTF-8; the bytes of a character split between two reads are kept back
    /// until the rest of it arrives.
    Q_INVOKABLE QString readAllStandardOutputText();
    Q_INVOKABLE QString readAllStandardErrorText();
    /// For QML: writes `text`, encoded as UTF-8, to the child's stdin.
    Q_INVOKABLE qint64 writeText(const QString &text);

    /// In the object's thread, as QProcess (they service the pipes while they
    /// wait, and a timeout sets error() to Timedout). All return false at
    /// once when no child runs, except that waitForStarted() is true while one does.
    bool waitForStarted(int msecs = 30000);
    bool waitForReadyRead(int msecs = 30000) override;
    bool waitForBytesWritten(int msecs = 30000) override;
    /// Waits at most `msecs` (-1: no limit) for the current run to finish.
    /// In the object's thread as QProcess: false when no child runs. From any
    /// other thread: true when the current (or last) run has finished.
    bool waitForFinished(int msecs = 30000);
    /// Blocks until the current run's child exits and returns its status (an
    /// invalid one if the object was never started or the status was lost).
    /// Any thread, any number of threads at once.
    SharedChildExitStatus wait();

    /// A future of the current (or last) run's status: it completes as soon
    /// as any thread learns the status, and holds a std::system_error (ECHILD)
    /// when the status was lost. For an object never started: a canceled future.
    /// A continuation attached without a context object runs in the thread
    /// that learns the status, often the library's waiter thread: pass a
    /// context object to then() to run it in a thread of yours, and never
    /// block in one that has none.
    QFuture<SharedChildExitStatus> future() const;

    // QIODevice
    bool isSequential() const override;
    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override;
    bool canReadLine() const override;
    /// As QProcess: flushes stdin, kills the child, waits for it, closes the device.
    void close() override;

    /// As QProcess: runs the program with forwarded channels and waits; the
    /// exit code, -1 if it crashed, -2 if it could not be started.
    static int execute(const QString &program, const QStringList &arguments = {});
    static bool startDetached(const QString &program, const QStringList &arguments = {},
                              const QString &workingDirectory = {}, qint64 *pid = nullptr);
    static QStringList systemEnvironment();
    static QString nullDevice();
    /// As QProcess::splitCommand(): whitespace separates, double quotes group,
    /// three double quotes make one literal quote.
    static QStringList splitCommand(QStringView command);

public Q_SLOTS:
    /// Thread-safe: SIGKILL. A no-op when no child is running.
    void kill();
    /// Thread-safe: SIGTERM. A no-op when no child is running.
    void terminate();
    /// Thread-safe: any signal. Errors (an invalid number) are reported with
    /// qWarning(), since error() belongs to the object's thread.
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
    /// Once per run. `status` is ours (QML reads status.exitCode etc.); a
    /// QProcess slot (int exitCode, ExitStatus) connects unchanged, since the
    /// status converts to the exit code as exitCode() gives it.
    void finished(const SharedChildExitStatus &status, SharedChildProcess::ExitStatus exitStatus);
    void errorOccurred(SharedChildProcess::ProcessError error);
    void stateChanged(SharedChildProcess::ProcessState state);
    void readyReadStandardOutput();
    void readyReadStandardError();
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

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 readLineData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    friend class SharedChildProcessPrivate;
    std::unique_ptr<SharedChildProcessPrivate> d;
};

/// exitStatus() == SharedChildProcess::NormalExit, as QProcess code writes it.
/// A run that has not finished counts as NormalExit, as in QProcess.
inline bool operator==(const SharedChildExitStatus &status, SharedChildProcess::ExitStatus kind)
{
    return status.crashed() == (kind == SharedChildProcess::CrashExit);
}

template<>
struct SharedChild::QtDetail::IsProcessExitStatus<SharedChildProcess::ExitStatus> : std::true_type
{ };
