// SPDX-License-Identifier: MIT
#include "sharedchildprocess_p.h"
#include "waiter.h"

#include <QPointer>
#include <QThread>

#include <csignal>
#include <cstring>

using SharedChild::QtDetail::observeOutcome;
using SharedChild::QtDetail::Outcome;
using SharedChild::QtDetail::Run;

using SharedChild::QtDetail::InputPipe;
using SharedChild::QtDetail::OutputPipe;

namespace {

SharedChild::Stdio toStdio(const SharedChildProcessPrivate::ChannelSetting &setting)
{
    using SharedChild::Stdio;
    switch (setting.mode) {
    case SharedChildProcess::InheritChannel:
        break;
    case SharedChildProcess::NullChannel:
        return Stdio::null();
    case SharedChildProcess::PipeChannel:
        return Stdio::pipe();
    case SharedChildProcess::FileChannel:
        return Stdio::file(setting.file.toStdString());
    case SharedChildProcess::AppendFileChannel:
        return Stdio::appendFile(setting.file.toStdString());
    case SharedChildProcess::MergedWithStdoutChannel:
        return Stdio::mergeWithStdout();
    }
    return Stdio::inherit();
}

std::vector<std::string> toStdStrings(const QStringList &list)
{
    std::vector<std::string> result;
    result.reserve(static_cast<std::size_t>(list.size()));
    for (const QString &entry : list)
        result.push_back(entry.toStdString());
    return result;
}

} // namespace

std::shared_ptr<Run> SharedChildProcessPrivate::currentRun() const
{
    std::lock_guard lock(runMutex);
    return run;
}

void SharedChildProcessPrivate::deliver(const std::shared_ptr<Run> &run, const Outcome &outcome)
{
    if (QThread::currentThread() != q->thread()) {
        run->deliver(outcome);
        return;
    }
    run->record(outcome);
    finishRun(run);
}

void SharedChildProcessPrivate::signalChild(const char *what,
                                            const std::function<void(SharedChild::Child &)> &send)
{
    const std::shared_ptr<Run> run = currentRun();
    if (!run)
        return;
    try {
        send(*run->child());
    } catch (const std::system_error &error) {
        // Callable from any thread, so errorString (owner's thread) is not an option.
        qWarning("SharedChildProcess::%s (pid %lld): %s", what,
                 static_cast<long long>(run->child()->id()), error.what());
    }
}

bool SharedChildProcessPrivate::hasOpenPipes() const
{
    return (stdinPipe && stdinPipe->isOpen()) || (stdoutPipe && stdoutPipe->isOpen())
            || (stderrPipe && stderrPipe->isOpen());
}

void SharedChildProcessPrivate::openPipes(SharedChild::Child &child)
{
    if (SharedChild::FileDescriptor in = child.takeStdin()) {
        stdinPipe = std::make_unique<InputPipe>(
                std::move(in), [this](qint64 bytes) { emit q->bytesWritten(bytes); },
                [this](int error) {
                    setError(SharedChildProcess::WriteError,
                             SharedChildProcess::tr("%1: cannot write to stdin: %2")
                                     .arg(program, QString::fromLocal8Bit(std::strerror(error))));
                });
    }
    if (SharedChild::FileDescriptor out = child.takeStdout())
        stdoutPipe = std::make_unique<OutputPipe>(std::move(out),
                                                  [this] { emit q->readyReadStandardOutput(); });
    if (SharedChild::FileDescriptor err = child.takeStderr())
        stderrPipe = std::make_unique<OutputPipe>(std::move(err),
                                                  [this] { emit q->readyReadStandardError(); });
}

// Everything the child wrote before it exited is in the pipes now: deliver
// it, so that every readyRead of the run precedes finished().
void SharedChildProcessPrivate::closePipes()
{
    const QPointer<SharedChildProcess> guard(q);
    if (stdoutPipe)
        stdoutPipe->drainAndClose();
    if (guard && stderrPipe)
        stderrPipe->drainAndClose();
    if (guard && stdinPipe)
        stdinPipe->close();
}

std::optional<Outcome>
SharedChildProcessPrivate::waitServicingPipes(const std::shared_ptr<Run> &run, int msecs)
{
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(msecs);
    // Without a descriptor that signals the exit, look at the child every 10 ms.
    const int exitDescriptor = run->child()->pollDescriptor();
    for (;;) {
        if (auto outcome = observeOutcome([&run] { return run->child()->tryWait(); }))
            return outcome;
        int timeout = exitDescriptor >= 0 ? -1 : 10;
        if (msecs >= 0) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0)
                return std::nullopt;
            timeout = timeout < 0 ? static_cast<int>(left.count())
                                  : std::min(timeout, static_cast<int>(left.count()));
        }
        if (hasOpenPipes()) {
            SharedChild::QtDetail::servicePipesOnce(stdoutPipe.get(), stderrPipe.get(),
                                                    stdinPipe.get(), exitDescriptor, timeout);
        } else {
            return observeOutcome([&run, &deadline, msecs] {
                return msecs < 0 ? std::optional(run->child()->wait())
                                 : run->child()->waitUntil(deadline);
            });
        }
    }
}

void SharedChildProcessPrivate::applyStop(const std::shared_ptr<Run> &stoppedRun,
                                          std::optional<int> stopSignal)
{
    if (stoppedRun != currentRun() || stoppedRun->finishedEmitted)
        return;
    const QPointer<SharedChildProcess> guard(q);
    setState(stopSignal ? SharedChildProcess::Stopped : SharedChildProcess::Running);
    if (!guard)
        return;
    if (stopSignal)
        emit q->stopped(*stopSignal);
    else
        emit q->continued();
}

void SharedChildProcessPrivate::setState(SharedChildProcess::State newState)
{
    if (state == newState)
        return;
    const bool wasRunning = q->isRunning();
    state = newState;
    const QPointer<SharedChildProcess> guard(q);
    emit q->stateChanged(newState);
    if (guard && wasRunning != q->isRunning())
        emit q->runningChanged(!wasRunning);
}

void SharedChildProcessPrivate::setError(SharedChildProcess::ProcessError error,
                                         const QString &message)
{
    const QPointer<SharedChildProcess> guard(q);
    if (errorString != message) {
        errorString = message;
        emit q->errorStringChanged();
    }
    if (guard)
        emit q->errorOccurred(error);
}

void SharedChildProcessPrivate::finishRun(const std::shared_ptr<Run> &finishedRun)
{
    if (finishedRun != currentRun() || finishedRun->finishedEmitted)
        return; // a newer run started since, or finished() was emitted already
    const std::optional<Outcome> outcome = finishedRun->outcome();
    if (!outcome)
        return;
    finishedRun->finishedEmitted = true;

    // A slot may delete the object: check before every further emission.
    const QPointer<SharedChildProcess> guard(q);
    closePipes();
    if (!guard)
        return;
    exitStatus = outcome->status;
    if (!outcome->lostReason.isEmpty())
        setError(SharedChildProcess::StatusLost, outcome->lostReason);
    if (guard)
        emit q->exitStatusChanged();
    if (guard)
        setState(SharedChildProcess::Finished);
    if (guard)
        emit q->finished(outcome->status);
}

SharedChildProcess::SharedChildProcess(QObject *parent)
    : QObject(parent), d(std::make_unique<SharedChildProcessPrivate>(this))
{ }

SharedChildProcess::~SharedChildProcess()
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return;
    run->detachOwner();
    // The waiter thread watches every run until its child exits, so the child
    // is reaped whether we kill it or let it live on.
    if (!d->detachOnDestroy && !run->hasOutcome()) {
        kill();
    }
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
    emit programChanged();
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
    emit argumentsChanged();
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
    emit workingDirectoryChanged();
}

QStringList SharedChildProcess::environment() const
{
    return d->environment;
}

void SharedChildProcess::setEnvironment(const QStringList &environment)
{
    if (d->environment == environment)
        return;
    d->environment = environment;
    emit environmentChanged();
}

void SharedChildProcess::setStandardInputMode(ChannelMode mode, const QString &file)
{
    d->channels[0] = {mode, file};
}

void SharedChildProcess::setStandardOutputMode(ChannelMode mode, const QString &file)
{
    d->channels[1] = {mode, file};
}

void SharedChildProcess::setStandardErrorMode(ChannelMode mode, const QString &file)
{
    d->channels[2] = {mode, file};
}

SharedChildProcess::ChannelMode SharedChildProcess::standardInputMode() const
{
    return d->channels[0].mode;
}

SharedChildProcess::ChannelMode SharedChildProcess::standardOutputMode() const
{
    return d->channels[1].mode;
}

SharedChildProcess::ChannelMode SharedChildProcess::standardErrorMode() const
{
    return d->channels[2].mode;
}

QByteArray SharedChildProcess::readAllStandardOutput()
{
    return d->stdoutPipe ? d->stdoutPipe->takeAll() : QByteArray();
}

QByteArray SharedChildProcess::readAllStandardError()
{
    return d->stderrPipe ? d->stderrPipe->takeAll() : QByteArray();
}

void SharedChildProcess::closeReadChannel(ReadChannel channel)
{
    auto &pipe = channel == StandardOutput ? d->stdoutPipe : d->stderrPipe;
    if (pipe)
        pipe->close();
}

qint64 SharedChildProcess::write(const QByteArray &data)
{
    if (!d->stdinPipe || !d->stdinPipe->enqueue(data))
        return -1;
    return data.size();
}

qint64 SharedChildProcess::bytesToWrite() const
{
    return d->stdinPipe ? d->stdinPipe->pendingBytes() : 0;
}

void SharedChildProcess::closeWriteChannel()
{
    if (d->stdinPipe)
        d->stdinPipe->closeWhenDrained();
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
    emit newProcessGroupChanged();
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
    emit killOnParentDeathChanged();
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
    emit watchStopsChanged();
}

QFuture<SharedChildExitStatus> SharedChildProcess::future() const
{
    const std::shared_ptr<Run> run = d->currentRun();
    return run ? run->future() : QFuture<SharedChildExitStatus>();
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
    emit detachOnDestroyChanged();
}

SharedChildProcess::State SharedChildProcess::state() const
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

QString SharedChildProcess::errorString() const
{
    return d->errorString;
}

bool SharedChildProcess::start()
{
    if (isRunning()) { // a stopped child is still running
        d->setError(
                AlreadyRunning,
                tr("%1: cannot start, already running (pid %2)").arg(d->program).arg(processId()));
        return false;
    }

    SharedChild::Command command(d->program.toStdString(), toStdStrings(d->arguments));
    if (!d->workingDirectory.isEmpty())
        command.setWorkingDirectory(d->workingDirectory.toStdString());
    if (!d->environment.isEmpty())
        command.setEnvironment(toStdStrings(d->environment));
    command.setNewProcessGroup(d->newProcessGroup);
    command.setKillOnParentDeath(d->killOnParentDeath);
    command.setStdin(toStdio(d->channels[0]));
    command.setStdout(toStdio(d->channels[1]));
    command.setStderr(toStdio(d->channels[2]));

    std::shared_ptr<SharedChild::Child> child;
    QString failure;
    try {
        child = SharedChild::Child::spawn(command);
    } catch (const std::system_error &error) {
        failure = QString::fromLocal8Bit(error.what());
    }
    auto run = child ? std::make_shared<Run>(child, this, d->watchStops) : nullptr;
    if (run) {
        try {
            SharedChild::QtDetail::Waiter::watch(run);
        } catch (const std::system_error &error) {
            // No thread to watch the child with (the process limit): a run that
            // nobody watches would never finish, so undo the start.
            child->kill();
            child->wait();
            failure = tr("%1: cannot watch the child: %2")
                              .arg(d->program, QString::fromLocal8Bit(error.what()));
            run.reset();
            child.reset();
        }
    }

    const qint64 oldProcessId = processId();
    const bool hadStatus = d->exitStatus.isValid();
    {
        std::lock_guard lock(d->runMutex);
        d->run = run;
        d->processId = child ? child->id() : 0;
    }
    d->exitStatus = {};
    d->stdinPipe.reset();
    d->stdoutPipe.reset();
    d->stderrPipe.reset();
    if (run)
        d->openPipes(*child);

    const QPointer<SharedChildProcess> guard(this);
    if (hadStatus)
        emit exitStatusChanged();
    if (guard && oldProcessId != processId())
        emit processIdChanged(processId());
    if (!child) {
        if (guard)
            d->setState(NotRunning);
        if (guard)
            d->setError(FailedToStart, failure);
        return false;
    }
    if (guard)
        d->setState(Running);
    if (guard)
        emit started();
    return true;
}

SharedChildExitStatus SharedChildProcess::wait()
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return {};
    const SharedChild::QtDetail::Waiter::BlockingWait blockingWait(run);
    if (QThread::currentThread() == thread() && d->hasOpenPipes()) {
        const auto outcome = d->waitServicingPipes(run, -1);
        d->deliver(run, *outcome);
        return outcome->status;
    }
    const auto outcome = observeOutcome([&run] { return std::optional(run->child()->wait()); });
    d->deliver(run, *outcome);
    return outcome->status;
}

bool SharedChildProcess::waitForFinished(int msecs)
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return false;
    const SharedChild::QtDetail::Waiter::BlockingWait blockingWait(run);
    const auto outcome = QThread::currentThread() == thread() && d->hasOpenPipes()
            ? d->waitServicingPipes(run, msecs)
            : observeOutcome([&run, msecs] {
                  return msecs < 0 ? std::optional(run->child()->wait())
                                   : run->child()->waitFor(std::chrono::milliseconds(msecs));
              });
    if (!outcome)
        return false;
    d->deliver(run, *outcome);
    return true;
}

SharedChildExitStatus SharedChildProcess::tryWait()
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return {};
    const auto outcome = observeOutcome([&run] { return run->child()->tryWait(); });
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
        wholeGroup ? killProcessGroup(SIGKILL) : kill();
        return;
    }
    wholeGroup ? killProcessGroup(SIGTERM) : terminate();
    SharedChild::QtDetail::Waiter::killAfter(run, graceMsecs, wholeGroup);
}
