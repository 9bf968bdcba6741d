// SPDX-License-Identifier: MIT
// SharedChildProcess's public functions; the work is in the private class
// (sharedchildprocess_p.cpp, processstart.cpp, processio.cpp, processwait.cpp).
#include "pipeline.h"
#include "sharedchildprocess_p.h"
#include "waiter.h"

#include <QProcess>

using SharedChild::QtDetail::Deadline;
using SharedChild::QtDetail::observeOutcome;
using SharedChild::QtDetail::Run;

namespace {

Deadline deadlineIn(int msecs)
{
    if (msecs < 0)
        return std::nullopt;
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(msecs);
}

// As QProcess reads an environment list: an entry needs a name and a '='
// after it (anything else is left out), and a later entry for a name wins.
QProcessEnvironment environmentFromList(const QStringList &list)
{
    QProcessEnvironment environment;
    for (const QString &entry : list) {
        const qsizetype equals = entry.indexOf(u'=', 1);
        if (equals > 0)
            environment.insert(entry.left(equals), entry.mid(equals + 1));
    }
    return environment;
}

} // namespace

SharedChildProcess::SharedChildProcess(QObject *parent)
    : QIODevice(parent), d(std::make_unique<SharedChildProcessPrivate>(this))
{
    // QProcess code reads finished()'s first argument from a QVariant (a
    // QSignalSpy) with toInt(): let the status convert as it does in C++.
    [[maybe_unused]] static const bool registered
            = QMetaType::registerConverter<SharedChildExitStatus, int>(
                    [](const SharedChildExitStatus &status) { return int(status); });
}

SharedChildProcess::~SharedChildProcess()
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return;
    run->detachOwner();
    // The waiter thread watches every run until its child exits, so the child
    // is reaped whether we kill it or let it live on.
    if (!d->detachOnDestroy && !run->hasOutcome())
        kill();
}

bool SharedChildProcess::start(const QString &program, const QStringList &arguments, OpenMode mode)
{
    if (d->state != NotRunning) {
        qWarning("SharedChildProcess::start: Process is already running");
        return false;
    }
    // The setters emit, and a slot may delete the object.
    const QPointer<SharedChildProcess> alive(this);
    setProgram(program);
    if (alive)
        setArguments(arguments);
    return alive && start(mode);
}

bool SharedChildProcess::start(OpenMode mode)
{
    return d->startAllowed("start") && d->start(mode);
}

bool SharedChildProcess::startCommand(const QString &command, OpenMode mode)
{
    QStringList arguments = splitCommand(command);
    const QString program = arguments.isEmpty() ? QString() : arguments.takeFirst();
    return start(program, arguments, mode);
}

bool SharedChildProcess::open(OpenMode mode)
{
    if (d->state != NotRunning) {
        qWarning("SharedChildProcess::start: Process is already running");
        return false;
    }
    if (d->program.isEmpty()) {
        qWarning("SharedChildProcess::start: program not set");
        return false;
    }
    d->start(mode);
    return true;
}

bool SharedChildProcess::startDetached(qint64 *pid)
{
    return d->startAllowed("startDetached") && d->startDetached(pid);
}

QString SharedChildProcess::program() const
{
    return d->program;
}

void SharedChildProcess::setProgram(const QString &program)
{
    if (d->program == program)
        return;
    d->program = program;
    d->emitSignal(&SharedChildProcess::programChanged);
}

QStringList SharedChildProcess::arguments() const
{
    return d->arguments;
}

void SharedChildProcess::setArguments(const QStringList &arguments)
{
    if (d->arguments == arguments)
        return;
    d->arguments = arguments;
    d->emitSignal(&SharedChildProcess::argumentsChanged);
}

QString SharedChildProcess::workingDirectory() const
{
    return d->workingDirectory;
}

void SharedChildProcess::setWorkingDirectory(const QString &directory)
{
    if (d->workingDirectory == directory)
        return;
    d->workingDirectory = directory;
    d->emitSignal(&SharedChildProcess::workingDirectoryChanged);
}

QStringList SharedChildProcess::environment() const
{
    return d->environment.toStringList();
}

void SharedChildProcess::setEnvironment(const QStringList &environment)
{
    setProcessEnvironment(environmentFromList(environment));
}

QProcessEnvironment SharedChildProcess::processEnvironment() const
{
    return d->environment;
}

void SharedChildProcess::setProcessEnvironment(const QProcessEnvironment &environment)
{
    const bool changed = d->environment != environment
            || d->environment.inheritsFromParent() != environment.inheritsFromParent();
    d->environment = environment;
    if (changed)
        d->emitSignal(&SharedChildProcess::environmentChanged);
}

SharedChildProcess::ProcessChannelMode SharedChildProcess::processChannelMode() const
{
    return d->processChannelMode;
}

void SharedChildProcess::setProcessChannelMode(ProcessChannelMode mode)
{
    d->processChannelMode = mode;
}

SharedChildProcess::InputChannelMode SharedChildProcess::inputChannelMode() const
{
    return d->inputChannelMode;
}

void SharedChildProcess::setInputChannelMode(InputChannelMode mode)
{
    d->inputChannelMode = mode;
}

SharedChildProcess::ProcessChannel SharedChildProcess::readChannel() const
{
    return d->readChannel;
}

void SharedChildProcess::setReadChannel(ProcessChannel channel)
{
    if (channel == d->readChannel)
        return;
    // QIODevice may hold bytes of the old channel in its own buffer (after a
    // small read, peek() or ungetChar()): they go back to that channel.
    const qint64 buffered = QIODevice::bytesAvailable();
    if (buffered > 0)
        d->currentBuffer().unread(QIODevice::read(buffered));
    d->readChannel = channel;
}

void SharedChildProcess::closeReadChannel(ProcessChannel channel)
{
    d->runIo().readChannelClosed[channel] = true;
}

void SharedChildProcess::closeWriteChannel()
{
    d->runIo().writeChannelClosing = true;
    if (SharedChild::QtDetail::InputPipe *pipe = d->stdinPipe())
        pipe->closeWhenDrained();
}

void SharedChildProcess::setStandardInputFile(const QString &fileName)
{
    d->redirect().files[0] = {fileName, false};
}

void SharedChildProcess::setStandardOutputFile(const QString &fileName, OpenMode mode)
{
    d->redirect().files[1] = {fileName, mode.testFlag(Append)};
}

void SharedChildProcess::setStandardErrorFile(const QString &fileName, OpenMode mode)
{
    d->redirect().files[2] = {fileName, mode.testFlag(Append)};
}

void SharedChildProcess::setStandardOutputProcess(SharedChildProcess *destination)
{
    auto pipe = std::make_shared<SharedChild::QtDetail::PipelinePipe>();
    d->redirect().stdoutPipeline = pipe;
    destination->d->redirect().stdinPipeline = std::move(pipe);
}

std::function<void()> SharedChildProcess::childProcessModifier() const
{
    return d->redirected().childProcessModifier;
}

void SharedChildProcess::setChildProcessModifier(const std::function<void()> &modifier)
{
    d->redirect().childProcessModifier = modifier;
}

bool SharedChildProcess::newProcessGroup() const
{
    return d->newProcessGroup;
}

void SharedChildProcess::setNewProcessGroup(bool enabled)
{
    if (d->newProcessGroup == enabled)
        return;
    d->newProcessGroup = enabled;
    d->emitSignal(&SharedChildProcess::newProcessGroupChanged);
}

bool SharedChildProcess::killOnParentDeath() const
{
    return d->killOnParentDeath;
}

void SharedChildProcess::setKillOnParentDeath(bool enabled)
{
    if (d->killOnParentDeath == enabled)
        return;
    d->killOnParentDeath = enabled;
    d->emitSignal(&SharedChildProcess::killOnParentDeathChanged);
}

bool SharedChildProcess::watchStops() const
{
    return d->watchStops;
}

void SharedChildProcess::setWatchStops(bool enabled)
{
    if (d->watchStops == enabled)
        return;
    d->watchStops = enabled;
    d->emitSignal(&SharedChildProcess::watchStopsChanged);
}

bool SharedChildProcess::detachOnDestroy() const
{
    return d->detachOnDestroy;
}

void SharedChildProcess::setDetachOnDestroy(bool detach)
{
    if (d->detachOnDestroy == detach)
        return;
    d->detachOnDestroy = detach;
    d->emitSignal(&SharedChildProcess::detachOnDestroyChanged);
}

SharedChildProcess::ProcessError SharedChildProcess::error() const
{
    return d->error;
}

SharedChildProcess::ProcessState SharedChildProcess::state() const
{
    return d->state;
}

bool SharedChildProcess::isRunning() const
{
    return d->state == Running || d->state == Stopped;
}

qint64 SharedChildProcess::processId() const
{
    std::lock_guard lock(d->runMutex);
    return d->processId;
}

SharedChildExitStatus SharedChildProcess::exitStatus() const
{
    return d->exitStatus;
}

int SharedChildProcess::exitCode() const
{
    return d->exitStatus;
}

QByteArray SharedChildProcess::readAll()
{
    return d->mayReadDirectly() ? d->currentBuffer().readAll() : QIODevice::readAll();
}

QByteArray SharedChildProcess::readLine(qint64 maxSize)
{
    if (maxSize >= 0 && d->mayReadDirectly())
        return d->currentBuffer().takeLine(maxSize);
    return QIODevice::readLine(maxSize);
}

QByteArray SharedChildProcess::readAllStandardOutput()
{
    return d->readAllFrom(StandardOutput);
}

QByteArray SharedChildProcess::readAllStandardError()
{
    if (d->processChannelMode == MergedChannels) {
        qWarning("SharedChildProcess::readAllStandardError: Called with MergedChannels");
        return {};
    }
    return d->readAllFrom(StandardError);
}

QString SharedChildProcess::readAllStandardOutputText()
{
    QByteArray bytes = readAllStandardOutput();
    return d->runIo().textDecoders[StandardOutput].decode(bytes);
}

QString SharedChildProcess::readAllStandardErrorText()
{
    QByteArray bytes = readAllStandardError();
    return d->runIo().textDecoders[StandardError].decode(bytes);
}

qint64 SharedChildProcess::writeText(const QString &text)
{
    return write(text.toUtf8());
}

bool SharedChildProcess::waitForStarted(int /*msecs*/)
{
    // start() spawns synchronously: the child runs or the start failed.
    return isRunning();
}

bool SharedChildProcess::waitForReadyRead(int msecs)
{
    if (!d->inOwnerThread()) {
        qWarning("SharedChildProcess::waitForReadyRead: call it in the object's thread");
        return false;
    }
    if (!isRunning() || d->io->readChannelClosed[d->readChannel]) // a run has its I/O
        return false;
    bool destroyed = false;
    return d->serviceUntil(SharedChildProcessPrivate::WaitGoal::ReadyRead, deadlineIn(msecs),
                           destroyed);
}

bool SharedChildProcess::waitForBytesWritten(int msecs)
{
    if (!d->inOwnerThread()) {
        qWarning("SharedChildProcess::waitForBytesWritten: call it in the object's thread");
        return false;
    }
    if (!isRunning())
        return false;
    bool destroyed = false;
    return d->serviceUntil(SharedChildProcessPrivate::WaitGoal::BytesWritten, deadlineIn(msecs),
                           destroyed);
}

bool SharedChildProcess::waitForFinished(int msecs)
{
    const bool ownerThread = d->inOwnerThread();
    if (ownerThread && d->state == NotRunning)
        return false;
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return false;
    const QPointer<SharedChildProcess> alive(this);
    const bool finished = d->waitAndDeliver(run, deadlineIn(msecs)).has_value();
    if (!finished && ownerThread && alive && d->error != Timedout)
        d->setError(Timedout);
    return finished;
}

SharedChildExitStatus SharedChildProcess::wait()
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return {};
    const std::optional<SharedChild::QtDetail::Outcome> outcome
            = d->waitAndDeliver(run, std::nullopt);
    return outcome ? outcome->status : SharedChildExitStatus();
}

QFuture<SharedChildExitStatus> SharedChildProcess::future() const
{
    const std::shared_ptr<Run> run = d->currentRun();
    return run ? run->future() : QFuture<SharedChildExitStatus>();
}

bool SharedChildProcess::isSequential() const
{
    return true;
}

qint64 SharedChildProcess::bytesAvailable() const
{
    return QIODevice::bytesAvailable() + d->currentBuffer().size();
}

qint64 SharedChildProcess::bytesToWrite() const
{
    return d->stdinPipe() ? d->stdinPipe()->pendingBytes() : 0;
}

bool SharedChildProcess::canReadLine() const
{
    return QIODevice::canReadLine() || d->currentBuffer().hasLine();
}

void SharedChildProcess::close()
{
    const QPointer<SharedChildProcess> alive(this);
    if (!d->emitSignal(&QIODevice::aboutToClose))
        return;
    while (waitForBytesWritten(-1) && alive) { }
    if (!alive)
        return;
    kill();
    if (isRunning())
        waitForFinished(-1);
    if (!alive)
        return;
    if (d->io) {
        for (auto &buffer : d->io->readBuffers)
            buffer.clear();
    }
    QIODevice::close();
}

qint64 SharedChildProcess::readData(char *data, qint64 maxSize)
{
    const qint64 count = d->currentBuffer().read(data, maxSize);
    if (count > 0 || maxSize == 0)
        return count;
    return d->state == NotRunning ? -1 : 0; // -1: end of data, as QProcess
}

qint64 SharedChildProcess::readLineData(char *data, qint64 maxSize)
{
    const qint64 count = d->currentBuffer().readLine(data, maxSize);
    if (count > 0 || maxSize == 0)
        return count;
    return d->state == NotRunning ? -1 : 0;
}

qint64 SharedChildProcess::writeData(const char *data, qint64 size)
{
    if (d->io && d->io->writeChannelClosing)
        return 0; // as QProcess, after closeWriteChannel()
    SharedChild::QtDetail::InputPipe *pipe = d->stdinPipe();
    if (!pipe || !pipe->enqueue(QByteArray(data, size)))
        return -1;
    return size;
}

int SharedChildProcess::execute(const QString &program, const QStringList &arguments)
{
    SharedChildProcess process;
    process.setProcessChannelMode(ForwardedChannels);
    process.setInputChannelMode(ForwardedInputChannel);
    if (!process.start(program, arguments))
        return -2;
    const SharedChildExitStatus status = process.wait();
    if (!status.isValid())
        return -2;
    return status.crashed() ? -1 : status.exitCode();
}

bool SharedChildProcess::startDetached(const QString &program, const QStringList &arguments,
                                       const QString &workingDirectory, qint64 *pid)
{
    SharedChildProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setWorkingDirectory(workingDirectory);
    return process.startDetached(pid);
}

QStringList SharedChildProcess::systemEnvironment()
{
    return QProcess::systemEnvironment();
}

QString SharedChildProcess::nullDevice()
{
    return QProcess::nullDevice();
}

QStringList SharedChildProcess::splitCommand(QStringView command)
{
    return QProcess::splitCommand(command);
}

SharedChildExitStatus SharedChildProcess::tryWait()
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return {};
    const auto outcome = observeOutcome(*run->child(), [&run] { return run->child()->tryWait(); });
    if (!outcome)
        return {};
    run->deliver(*outcome);
    return outcome->status;
}

void SharedChildProcess::kill()
{
    d->signalChild("kill", [](SharedChild::Child &child) { child.kill(); });
}

void SharedChildProcess::terminate()
{
    d->signalChild("terminate", [](SharedChild::Child &child) { child.terminate(); });
}

void SharedChildProcess::killProcessGroup(int signal)
{
    d->signalChild("killProcessGroup",
                   [signal](SharedChild::Child &child) { child.killProcessGroup(signal); });
}

void SharedChildProcess::sendSignal(int signal)
{
    d->signalChild("sendSignal", [signal](SharedChild::Child &child) { child.sendSignal(signal); });
}

void SharedChildProcess::stop(int graceMsecs)
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run || run->hasOutcome())
        return;
    // The Command the run started with decides, not a later setter call.
    const bool wholeGroup = run->child()->isProcessGroupLeader();
    if (graceMsecs <= 0) {
        wholeGroup ? killProcessGroup(SharedChild::Child::killSignal) : kill();
        return;
    }
    wholeGroup ? killProcessGroup(SharedChild::Child::terminateSignal) : terminate();
    SharedChild::QtDetail::Waiter::killAfter(run, graceMsecs, wholeGroup);
}
