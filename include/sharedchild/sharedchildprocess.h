// SPDX-License-Identifier: MIT
/// \file
/// SharedChildProcess, the Qt layer's child process (QProcess's API).
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
/// functions, and destruction. Each member says which it is (\ref threads
/// "thread safety"). A thread-safe call needs the object to exist until it
/// returns: destroying the object while another thread is inside one is
/// undefined, as with any C++ object.
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
    /// The program to start; a name without '/' is looked up in PATH. Read
    /// and written in the owner thread only, as is every property but
    /// processId.
    Q_PROPERTY(QString program READ program WRITE setProgram NOTIFY programChanged)
    /// The program's arguments (no shell: each entry is one argument).
    Q_PROPERTY(QStringList arguments READ arguments WRITE setArguments NOTIFY argumentsChanged)
    /// Where the child starts; empty: this process's current directory.
    Q_PROPERTY(QString workingDirectory READ workingDirectory WRITE setWorkingDirectory NOTIFY
                       workingDirectoryChanged)
    /// The child's whole environment as KEY=VALUE entries; see environment().
    Q_PROPERTY(
            QStringList environment READ environment WRITE setEnvironment NOTIFY environmentChanged)
    /// Whether destroying the object leaves a running child alive; see
    /// detachOnDestroy().
    Q_PROPERTY(bool detachOnDestroy READ detachOnDestroy WRITE setDetachOnDestroy NOTIFY
                       detachOnDestroyChanged)
    /// Whether the child leads a new process group; see newProcessGroup().
    Q_PROPERTY(bool newProcessGroup READ newProcessGroup WRITE setNewProcessGroup NOTIFY
                       newProcessGroupChanged)
    /// Whether the child is killed when this process dies; see killOnParentDeath().
    Q_PROPERTY(bool killOnParentDeath READ killOnParentDeath WRITE setKillOnParentDeath NOTIFY
                       killOnParentDeathChanged)
    /// Whether stops and continues of the child are reported; see watchStops().
    Q_PROPERTY(bool watchStops READ watchStops WRITE setWatchStops NOTIFY watchStopsChanged)
    /// The state of the current run (read-only).
    Q_PROPERTY(ProcessState state READ state NOTIFY stateChanged)
    /// True while a child runs or is stopped (read-only); see isRunning().
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    /// The PID of the current or last run (read-only). The getter is
    /// thread-safe; the change signal comes in the owner thread.
    Q_PROPERTY(qint64 processId READ processId NOTIFY processIdChanged)
    /// The status of the last finished run (read-only); see exitStatus().
    Q_PROPERTY(SharedChildExitStatus exitStatus READ exitStatus NOTIFY exitStatusChanged)
    /// A readable description of the last error (read-only), as
    /// QIODevice::errorString() gives it.
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    /// What went wrong, as error() and errorOccurred() tell it: QProcess's
    /// values, then ours.
    enum ProcessError {
        FailedToStart, ///< the program could not be started; see errorString()
        Crashed, ///< the child crashed: died by a signal (also after kill()), or on
                 ///< Windows ended by an unhandled exception
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
        NotRunning, ///< no child runs (before the first start, and after each run)
        Starting, ///< inside start(), which spawns synchronously
        Running, ///< the child runs
        Stopped, ///< ours: stopped by a signal (only with watchStops)
    };
    Q_ENUM(ProcessState)

    /// One of the child's output channels, for setReadChannel() and closeReadChannel().
    enum ProcessChannel {
        StandardOutput, ///< the child's stdout
        StandardError, ///< the child's stderr
    };
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

    /// As QProcess: where the child's stdin comes from unless redirected to
    /// a file or from another process.
    enum InputChannelMode {
        ManagedInputChannel, ///< a pipe, written with write() (the default)
        ForwardedInputChannel, ///< inherited from this process
    };
    Q_ENUM(InputChannelMode)

    /// How the last run ended, as QProcess tells it. exitStatus() returns our
    /// SharedChildExitStatus, which compares equal to these values.
    enum ExitStatus {
        NormalExit, ///< the child exited by itself, not crashed (or no run has finished)
        CrashExit, ///< the child was killed by a signal, or on Windows ended by an
                   ///< unhandled exception (SharedChildExitStatus::crashed())
    };
    Q_ENUM(ExitStatus)

    /// An object with no program set, living in the calling thread (which
    /// must be `parent`'s thread when `parent` is given), as any QObject.
    /// \reentrant
    explicit SharedChildProcess(QObject *parent = nullptr);
    /// Kills a running child (unless detachOnDestroy) without blocking; the
    /// waiter thread reaps it, so no zombie is left either way. (QProcess
    /// blocks here until the child is dead.)
    /// \ownerthread
    ~SharedChildProcess() override;

    /// Starts `program` (no shell; a name without '/' is looked up in PATH).
    /// The spawn is synchronous: started() or errorOccurred(FailedToStart)
    /// is emitted before this returns. Returns whether the child runs.
    /// `mode` opens the device, as with QProcess.
    /// \ownerthread
    bool start(const QString &program, const QStringList &arguments = {},
               OpenMode mode = ReadWrite);
    /// Starts program() with arguments().
    /// \ownerthread
    Q_INVOKABLE bool start(OpenMode mode = ReadWrite);
    /// Splits `command` with splitCommand() and starts it.
    /// \ownerthread
    bool startCommand(const QString &command, OpenMode mode = ReadWrite);
    /// Starts program() detached: the child is never reaped by this process
    /// and outlives it. Honours the working directory, environment, standard
    /// stream files, setStandardOutputProcess() and the child modifier.
    /// Stores the program's process ID in `*pid` when `pid` is given.
    /// Returns whether it started. See SharedChild::Child::spawnDetached().
    /// \ownerthread
    bool startDetached(qint64 *pid = nullptr);
    /// QIODevice::open(): starts program(); true unless it was running or no
    /// program is set (a failed start is told by errorOccurred()).
    /// \ownerthread
    bool open(OpenMode mode = ReadWrite) override;

    /// The program the next start() runs (the program property).
    /// \ownerthread
    QString program() const;
    /// Sets the program property; takes effect with the next start().
    /// \ownerthread
    void setProgram(const QString &program);
    /// The arguments the next start() passes (the arguments property).
    /// \ownerthread
    QStringList arguments() const;
    /// Sets the arguments property; takes effect with the next start().
    /// \ownerthread
    void setArguments(const QStringList &arguments);
    /// Where the next child starts (the workingDirectory property); empty:
    /// this process's current directory.
    /// \ownerthread
    QString workingDirectory() const;
    /// Sets the workingDirectory property; a directory that cannot be
    /// entered makes the start fail (FailedToStart).
    /// \ownerthread
    void setWorkingDirectory(const QString &directory);

    /// KEY=VALUE entries for the child's whole environment. Until one is set,
    /// the child inherits this process's (and environment() is empty). As
    /// with Qt 6's QProcess, setting a list, even an empty one, replaces the
    /// whole environment; entries without a name and a '=' are left out, and
    /// a later entry for the same name wins.
    /// \ownerthread
    QStringList environment() const;
    /// Sets the environment property; see environment().
    /// \ownerthread
    void setEnvironment(const QStringList &environment);
    /// The environment as a QProcessEnvironment: until one is set, an empty
    /// one that inherits from this process (QProcessEnvironment::InheritFromParent).
    /// \ownerthread
    QProcessEnvironment processEnvironment() const;
    /// Sets the child's whole environment; an InheritFromParent one makes
    /// the child inherit this process's again.
    /// \ownerthread
    void setProcessEnvironment(const QProcessEnvironment &environment);

    /// Where the next child's stdout and stderr go (SeparateChannels by default).
    /// \ownerthread
    ProcessChannelMode processChannelMode() const;
    /// Sets the channel mode for the next start().
    /// \ownerthread
    void setProcessChannelMode(ProcessChannelMode mode);
    /// Where the next child's stdin comes from (ManagedInputChannel by default).
    /// \ownerthread
    InputChannelMode inputChannelMode() const;
    /// Sets the input channel mode for the next start().
    /// \ownerthread
    void setInputChannelMode(InputChannelMode mode);
    /// The channel that read(), readLine() and readyRead() refer to.
    /// \ownerthread
    ProcessChannel readChannel() const;
    /// Makes `channel` the one that read(), readLine() and readyRead() refer to.
    /// \ownerthread
    void setReadChannel(ProcessChannel channel);
    /// Discards what the child writes to `channel` from now on; the pipe is
    /// still drained, so the child is neither blocked nor killed by it.
    /// \ownerthread
    void closeReadChannel(ProcessChannel channel);
    /// Closes stdin once everything written has reached the pipe (the child sees EOF).
    /// \ownerthread
    Q_INVOKABLE void closeWriteChannel();

    /// Standard streams from/to files for the next start(); mode Truncate or
    /// Append. This one: the child reads stdin from `fileName`.
    /// \ownerthread
    void setStandardInputFile(const QString &fileName);
    /// The child's stdout goes to `fileName`, truncated or appended to (`mode`).
    /// \ownerthread
    void setStandardOutputFile(const QString &fileName, OpenMode mode = Truncate);
    /// The child's stderr goes to `fileName`, truncated or appended to (`mode`).
    /// \ownerthread
    void setStandardErrorFile(const QString &fileName, OpenMode mode = Truncate);
    /// Pipes this child's stdout (and stderr with MergedChannels) into
    /// `destination`'s stdin, as a shell pipeline: the data goes from child
    /// to child without passing through this process.
    /// \ownerthread Both objects must live in the same thread, as with QProcess.
    void setStandardOutputProcess(SharedChildProcess *destination);
    /// POSIX: runs in the child before exec, after its standard streams and
    /// working directory are set up. It runs in a child made with
    /// clone(CLONE_VM | CLONE_VFORK) or fork(): call only async-signal-safe
    /// functions, do not allocate, lock or throw. Windows: start() fails.
    /// \ownerthread
    std::function<void()> childProcessModifier() const;
    /// Sets the function childProcessModifier() describes; an empty one means none.
    /// \ownerthread
    void setChildProcessModifier(const std::function<void()> &modifier);

    /// Start the child as the leader of a new process group (POSIX). Then
    /// killProcessGroup() reaches its descendants too, and stop() signals the
    /// whole group.
    /// \ownerthread
    bool newProcessGroup() const;
    /// Sets newProcessGroup() for the next start().
    /// \ownerthread
    void setNewProcessGroup(bool enabled);
    /// The child is killed when this process dies, whichever thread started
    /// it (Linux: SIGKILL; Windows: a job object; see
    /// SharedChild::Command::setKillOnParentDeath()).
    /// \ownerthread
    bool killOnParentDeath() const;
    /// Sets killOnParentDeath() for the next start().
    /// \ownerthread
    void setKillOnParentDeath(bool enabled);
    /// Report stops and continues of the child (state Stopped, stopped(),
    /// continued()). Off by default: POSIX tells a parent about a stop only
    /// through a wait or SIGCHLD, so the waiter thread looks every 100 ms for
    /// each watching run.
    /// \ownerthread
    bool watchStops() const;
    /// Sets watchStops() for the next start().
    /// \ownerthread
    void setWatchStops(bool enabled);
    /// When true, destroying the object leaves a running child alive (it is
    /// still reaped in the background once it exits). Default: false, the
    /// child is killed.
    /// \ownerthread
    bool detachOnDestroy() const;
    /// Sets detachOnDestroy(); read when the object is destroyed.
    /// \ownerthread
    void setDetachOnDestroy(bool detach);

    /// The last error (UnknownError until one happens), as QProcess::error().
    /// \ownerthread
    ProcessError error() const;
    /// The state of the current run.
    /// \ownerthread
    ProcessState state() const;
    /// Running or Stopped.
    /// \ownerthread
    bool isRunning() const;
    /// The PID of the current or last run (0 before the first start).
    /// \threadsafe
    qint64 processId() const;
    /// The status of the last finished run; invalid while running or before
    /// the first run. Compares equal to NormalExit or CrashExit, as QProcess's
    /// exitStatus() does, and converts to ExitStatus.
    /// \ownerthread
    SharedChildExitStatus exitStatus() const;
    /// As QProcess: the exit code, or on POSIX the signal number after a crash.
    /// \ownerthread
    int exitCode() const;

    /// As QIODevice's, but taking what the read channel holds without the
    /// copies QIODevice's own versions make (the same bytes either way).
    /// \ownerthread
    QByteArray readAll();
    using QIODevice::readLine;
    /// As QIODevice::readLine(qint64), without its copies (see readAll()).
    /// \ownerthread
    QByteArray readLine(qint64 maxSize = 0);
    /// Everything the channel has now (switching the read channel for the
    /// call). This one: the child's stdout.
    /// \ownerthread
    QByteArray readAllStandardOutput();
    /// Everything the child's stderr channel has now, as readAllStandardOutput().
    /// \ownerthread
    QByteArray readAllStandardError();
    /// For QML: readAllStandardOutput() / readAllStandardError() decoded as
    /// UTF-8; the bytes of a character split between two reads are kept back
    /// until the rest of it arrives.
    /// \ownerthread
    Q_INVOKABLE QString readAllStandardOutputText();
    /// For QML: readAllStandardError() decoded as readAllStandardOutputText() does.
    /// \ownerthread
    Q_INVOKABLE QString readAllStandardErrorText();
    /// For QML: writes `text`, encoded as UTF-8, to the child's stdin.
    /// \ownerthread
    Q_INVOKABLE qint64 writeText(const QString &text);

    /// In the object's thread, as QProcess (they service the pipes while they
    /// wait, and a timeout sets error() to Timedout). All return false at
    /// once when no child runs, except that waitForStarted() is true while one does.
    /// start() spawns synchronously, so this one never waits.
    /// \ownerthread
    bool waitForStarted(int msecs = 30000);
    /// Waits at most `msecs` (-1: no limit) for new data on the read channel,
    /// as QProcess. From another thread: a warning, and false.
    /// \ownerthread
    bool waitForReadyRead(int msecs = 30000) override;
    /// Waits at most `msecs` (-1: no limit) until written data has reached
    /// the child's stdin, as QProcess. From another thread: a warning, and false.
    /// \ownerthread
    bool waitForBytesWritten(int msecs = 30000) override;
    /// Waits at most `msecs` (-1: no limit) for the current run to finish.
    /// In the object's thread as QProcess: false when no child runs. From any
    /// other thread: true when the current (or last) run has finished; it
    /// neither reads the pipes nor changes error().
    /// \threadsafe
    bool waitForFinished(int msecs = 30000);
    /// Blocks until the current run's child exits and returns its status (an
    /// invalid one if the object was never started or the status was lost).
    /// Any number of threads at once.
    /// \threadsafe
    SharedChildExitStatus wait();

    /// A future of the current (or last) run's status: it completes as soon
    /// as any thread learns the status, and holds a std::system_error (ECHILD)
    /// when the status was lost. For an object never started: a canceled future.
    /// A continuation attached without a context object runs in the thread
    /// that learns the status, often the library's waiter thread: pass a
    /// context object to then() to run it in a thread of yours, and never
    /// block in one that has none.
    /// \threadsafe
    QFuture<SharedChildExitStatus> future() const;

    // QIODevice
    /// True: a process is a sequential device, as with QProcess.
    /// \ownerthread
    bool isSequential() const override;
    /// The bytes ready to read on the read channel (QIODevice's buffer included).
    /// \ownerthread
    qint64 bytesAvailable() const override;
    /// The bytes written but not yet passed to the child's stdin.
    /// \ownerthread
    qint64 bytesToWrite() const override;
    /// True when a whole line can be read from the read channel.
    /// \ownerthread
    bool canReadLine() const override;
    /// As QProcess: flushes stdin, kills the child, waits for it, closes the device.
    /// \ownerthread
    void close() override;

    /// As QProcess: runs the program with forwarded channels and waits; the
    /// exit code, -1 if it crashed, -2 if it could not be started.
    /// \threadsafe
    static int execute(const QString &program, const QStringList &arguments = {});
    /// As QProcess: starts `program` detached in `workingDirectory` (empty:
    /// the current one), as the member startDetached() does, and stores its
    /// process ID in `*pid` when `pid` is given. Returns whether it started.
    /// \threadsafe
    static bool startDetached(const QString &program, const QStringList &arguments = {},
                              const QString &workingDirectory = {}, qint64 *pid = nullptr);
    /// As QProcess: this process's environment as KEY=VALUE entries.
    /// \threadsafe
    static QStringList systemEnvironment();
    /// As QProcess: the name of the null device (/dev/null on POSIX), for
    /// the set*File() functions.
    /// \threadsafe
    static QString nullDevice();
    /// As QProcess::splitCommand(): whitespace separates, double quotes group,
    /// three double quotes make one literal quote.
    /// \threadsafe
    static QStringList splitCommand(QStringView command);

public Q_SLOTS:
    /// SIGKILL. A no-op when no child is running.
    /// \threadsafe
    void kill();
    /// SIGTERM. A no-op when no child is running.
    /// \threadsafe
    void terminate();
    /// Any signal. Errors (an invalid number) are reported with qWarning(),
    /// since error() belongs to the object's thread.
    /// \threadsafe
    void sendSignal(int signal);
    /// `signal` to the child's whole process group; needs newProcessGroup.
    /// Safe against reuse of the group ID: a no-op once the child has been
    /// reaped. Errors are reported with qWarning().
    /// \threadsafe
    void killProcessGroup(int signal);
    /// Never blocking: SIGTERM now, SIGKILL if the child still runs after
    /// `graceMsecs` (with 0 or less: SIGKILL at once, no SIGTERM). The waiter thread keeps
    /// the deadline, so a busy owner thread cannot delay the SIGKILL. With
    /// newProcessGroup, both signals go to the whole process group.
    /// \threadsafe
    void stop(int graceMsecs = 3000);
    /// The status if the current run's child has exited, else an invalid
    /// status. Never blocks.
    /// \threadsafe
    SharedChildExitStatus tryWait();

Q_SIGNALS:
    /// The child runs; emitted before start() returns.
    /// \ownersignal
    void started();
    /// Once per run. `status` is ours (QML reads status.exitCode etc.); a
    /// QProcess slot (int exitCode, ExitStatus) connects unchanged, since the
    /// status converts to the exit code as exitCode() gives it. `status` is
    /// invalid when the status was lost (after errorOccurred(StatusLost)).
    /// \ownersignal Also when another thread reaped the child.
    void finished(const SharedChildExitStatus &status, SharedChildProcess::ExitStatus exitStatus);
    /// An error occurred; error() now returns `error`.
    /// \ownersignal
    void errorOccurred(SharedChildProcess::ProcessError error);
    /// state() became `state`.
    /// \ownersignal
    void stateChanged(SharedChildProcess::ProcessState state);
    /// New data arrived on the child's stdout.
    /// \ownersignal
    void readyReadStandardOutput();
    /// New data arrived on the child's stderr.
    /// \ownersignal
    void readyReadStandardError();
    /// With watchStops: the child was stopped by `signal`.
    /// \ownersignal
    void stopped(int signal);
    /// With watchStops: the stopped child continued.
    /// \ownersignal
    void continued();
    /// isRunning() became `running`.
    /// \ownersignal
    void runningChanged(bool running);
    /// processId() became `processId` (at a start with a new PID).
    /// \ownersignal
    void processIdChanged(qint64 processId);
    /// exitStatus() changed: a run finished, or a new start cleared it.
    /// \ownersignal
    void exitStatusChanged();
    /// errorString() changed.
    /// \ownersignal
    void errorStringChanged();
    /// The property of the same name changed (its setter was called with a
    /// new value).
    /// \ownersignal
    void programChanged();
    /// \copydoc programChanged()
    void argumentsChanged();
    /// \copydoc programChanged()
    void workingDirectoryChanged();
    /// \copydoc programChanged()
    void environmentChanged();
    /// \copydoc programChanged()
    void detachOnDestroyChanged();
    /// \copydoc programChanged()
    void newProcessGroupChanged();
    /// \copydoc programChanged()
    void killOnParentDeathChanged();
    /// \copydoc programChanged()
    void watchStopsChanged();

protected:
    /// QIODevice's reading primitive: takes bytes from the read channel.
    /// \ownerthread
    qint64 readData(char *data, qint64 maxSize) override;
    /// QIODevice's line-reading primitive, reading from the read channel.
    /// \ownerthread
    qint64 readLineData(char *data, qint64 maxSize) override;
    /// QIODevice's writing primitive: queues `data` for the child's stdin
    /// (-1 when the child's stdin is not a pipe or cannot take it).
    /// \ownerthread
    qint64 writeData(const char *data, qint64 size) override;

private:
    friend class SharedChildProcessPrivate;
    std::unique_ptr<SharedChildProcessPrivate> d;
};

/// exitStatus() == SharedChildProcess::NormalExit, as QProcess code writes it.
/// A run that has not finished counts as NormalExit, as in QProcess.
/// \threadsafe
inline bool operator==(const SharedChildExitStatus &status, SharedChildProcess::ExitStatus kind)
{
    return status.crashed() == (kind == SharedChildProcess::CrashExit);
}

template<>
struct SharedChild::QtDetail::IsProcessExitStatus<SharedChildProcess::ExitStatus> : std::true_type
{ };
