// SPDX-License-Identifier: MIT
#include "sharedchildprocess_p.h"
#include "waiter.h"

#include <QThread>

#include <csignal>
#include <cstring>

using SharedChild::QtDetail::Deadline;
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

// As QProcess reads an environment list: an entry needs a name and a '='
// after it; anything else (which the core refuses) is left out.
std::vector<std::string> environmentEntries(const QStringList &list)
{
    std::vector<std::string> result;
    result.reserve(static_cast<std::size_t>(list.size()));
    for (const QString &entry : list) {
        if (entry.indexOf(u'=', 1) > 0)
            result.push_back(entry.toStdString());
    }
    return result;
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
    if (SharedChild::FileDescriptor in = child.takeStdin())
        stdinPipe = std::make_unique<InputPipe>(std::move(in), [this] { writeInput(); });
    if (SharedChild::FileDescriptor out = child.takeStdout()) {
        stdoutPipe = std::make_unique<OutputPipe>(
                std::move(out), [this] { readOutput(SharedChildProcess::StandardOutput); });
    }
    if (SharedChild::FileDescriptor err = child.takeStderr()) {
        stderrPipe = std::make_unique<OutputPipe>(
                std::move(err), [this] { readOutput(SharedChildProcess::StandardError); });
    }
}

bool SharedChildProcessPrivate::readOutput(SharedChildProcess::ReadChannel channel)
{
    const bool isStdout = channel == SharedChildProcess::StandardOutput;
    OutputPipe *pipe = isStdout ? stdoutPipe.get() : stderrPipe.get();
    if (!pipe || !pipe->isOpen() || !pipe->readAvailable())
        return true;
    return emitSignal(isStdout ? &SharedChildProcess::readyReadStandardOutput
                               : &SharedChildProcess::readyReadStandardError);
}

bool SharedChildProcessPrivate::writeInput()
{
    if (!stdinPipe || !stdinPipe->isOpen() || !stdinPipe->hasPending())
        return true;
    const InputPipe::WriteResult result = stdinPipe->writeSome();
    if (result.written > 0 && !emitSignal(&SharedChildProcess::bytesWritten, result.written))
        return false;
    if (result.error == 0)
        return true;
    return setError(SharedChildProcess::WriteError,
                    SharedChildProcess::tr("%1: cannot write to stdin: %2")
                            .arg(program, QString::fromLocal8Bit(std::strerror(result.error))));
}

bool SharedChildProcessPrivate::servicePipes()
{
    // Servicing a pipe that is not ready costs one EAGAIN; simpler than matching.
    return readOutput(SharedChildProcess::StandardOutput)
            && readOutput(SharedChildProcess::StandardError) && writeInput();
}

bool SharedChildProcessPrivate::drainAndClosePipes()
{
    for (const auto channel :
         {SharedChildProcess::StandardOutput, SharedChildProcess::StandardError}) {
        const auto &pipe = channel == SharedChildProcess::StandardOutput ? stdoutPipe : stderrPipe;
        // Each read is bounded, so a slot can consume the data between two of them.
        while (pipe && pipe->isOpen() && pipe->readAvailable()) {
            if (!emitSignal(channel == SharedChildProcess::StandardOutput
                                    ? &SharedChildProcess::readyReadStandardOutput
                                    : &SharedChildProcess::readyReadStandardError))
                return false;
        }
        if (pipe)
            pipe->close();
    }
    if (stdinPipe)
        stdinPipe->close();
    return true;
}

namespace {

std::optional<Outcome> waitWithoutPipes(const std::shared_ptr<Run> &run, Deadline deadline)
{
    for (;;) {
        auto outcome = observeOutcome(*run->child(), [&run, &deadline] {
            return deadline ? run->child()->waitUntil(*deadline)
                            : std::optional(run->child()->wait());
        });
        // Empty on timeout, or after a transient error: then try again until the deadline.
        if (outcome || (deadline && std::chrono::steady_clock::now() >= *deadline))
            return outcome;
    }
}

} // namespace

std::optional<Outcome>
SharedChildProcessPrivate::waitServicingPipes(const std::shared_ptr<Run> &run, Deadline deadline,
                                              bool &destroyed)
{
    destroyed = false;
    // Without a descriptor that signals the exit, look at the child every 10 ms.
    const int exitDescriptor = run->child()->pollDescriptor();
    for (;;) {
        if (auto outcome
            = observeOutcome(*run->child(), [&run] { return run->child()->tryWait(); }))
            return outcome;
        int timeout = exitDescriptor >= 0 ? -1 : 10;
        if (deadline) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(
                    *deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return std::nullopt;
            timeout = timeout < 0 ? static_cast<int>(left.count())
                                  : std::min(timeout, static_cast<int>(left.count()));
        }
        if (!hasOpenPipes())
            return waitWithoutPipes(run, deadline);
        if (SharedChild::QtDetail::waitForPipes(stdoutPipe.get(), stderrPipe.get(), stdinPipe.get(),
                                                exitDescriptor, timeout)
            && !servicePipes()) {
            destroyed = true;
            return waitWithoutPipes(run, deadline);
        }
    }
}

std::optional<Outcome> SharedChildProcessPrivate::waitAndDeliver(const std::shared_ptr<Run> &run,
                                                                 Deadline deadline)
{
    const SharedChild::QtDetail::Waiter::BlockingWait blockingWait(run);
    bool destroyed = false;
    std::optional<Outcome> outcome = QThread::currentThread() == q->thread() && hasOpenPipes()
            ? waitServicingPipes(run, deadline, destroyed)
            : waitWithoutPipes(run, deadline);
    if (!outcome)
        return std::nullopt;
    if (destroyed)
        run->deliver(*outcome); // the owner is gone: this only records it
    else
        deliver(run, *outcome);
    return outcome;
}

void SharedChildProcessPrivate::applyStop(const std::shared_ptr<Run> &stoppedRun,
                                          std::optional<int> stopSignal)
{
    if (stoppedRun != currentRun() || stoppedRun->finishedEmitted)
        return;
    if (!setState(stopSignal ? SharedChildProcess::Stopped : SharedChildProcess::Running))
        return;
    if (stopSignal)
        emitSignal(&SharedChildProcess::stopped, *stopSignal);
    else
        emitSignal(&SharedChildProcess::continued);
}

bool SharedChildProcessPrivate::setState(SharedChildProcess::State newState)
{
    if (state == newState)
        return true;
    const bool wasRunning = q->isRunning();
    state = newState;
    if (!emitSignal(&SharedChildProcess::stateChanged, newState))
        return false;
    // A slot may have started the object again: report what is true now.
    if (wasRunning == q->isRunning())
        return true;
    return emitSignal(&SharedChildProcess::runningChanged, !wasRunning);
}

bool SharedChildProcessPrivate::setError(SharedChildProcess::ProcessError error,
                                         const QString &message)
{
    const quint64 startsBefore = starts;
    if (errorString != message) {
        errorString = message;
        if (!emitSignal(&SharedChildProcess::errorStringChanged))
            return false;
        if (starts != startsBefore)
            return true; // a slot started the object again: the error was the attempt before's
    }
    return emitSignal(&SharedChildProcess::errorOccurred, error);
}

void SharedChildProcessPrivate::finishRun(const std::shared_ptr<Run> &finishedRun)
{
    if (finishedRun != currentRun() || finishedRun->finishedEmitted)
        return; // a newer run started since, or finished() was emitted already
    const std::optional<Outcome> outcome = finishedRun->outcome();
    if (!outcome)
        return;
    finishedRun->finishedEmitted = true;

    // Until setState() below the object is running, so a slot cannot start it again.
    if (!drainAndClosePipes())
        return;
    exitStatus = outcome->status;
    if (!outcome->lostReason.isEmpty()
        && !setError(SharedChildProcess::StatusLost, outcome->lostReason))
        return;
    if (!emitSignal(&SharedChildProcess::exitStatusChanged)
        || !setState(SharedChildProcess::Finished))
        return;
    // Even when a slot has started the object again meanwhile: every run gets its finished().
    emitSignal(&SharedChildProcess::finished, outcome->status);
}

void SharedChildProcessPrivate::startedRun(const std::shared_ptr<Run> &newRun,
                                           const QString &failure)
{
    const quint64 thisStart = ++starts;
    const qint64 oldProcessId = q->processId();
    const bool hadStatus = exitStatus.isValid();
    {
        std::lock_guard lock(runMutex);
        run = newRun;
        processId = newRun ? newRun->child()->id() : 0;
    }
    exitStatus = {};
    stdinPipe.reset();
    stdoutPipe.reset();
    stderrPipe.reset();
    if (newRun)
        openPipes(*newRun->child());

    // The object is complete before the first signal. Each signal may destroy
    // it or start it again; after a newer start() its signals are the ones
    // that count, so this start's stop.
    const auto stillOurs = [this, thisStart] { return starts == thisStart; };
    if (newRun) {
        if (!setState(SharedChildProcess::Running) || !stillOurs())
            return;
    }
    if (hadStatus && (!emitSignal(&SharedChildProcess::exitStatusChanged) || !stillOurs()))
        return;
    if (oldProcessId != processId
        && (!emitSignal(&SharedChildProcess::processIdChanged, processId) || !stillOurs()))
        return;
    if (newRun) {
        emitSignal(&SharedChildProcess::started);
        return;
    }
    if (!setState(SharedChildProcess::NotRunning) || !stillOurs())
        return;
    setError(SharedChildProcess::FailedToStart, failure);
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
    return d->environment;
}

void SharedChildProcess::setEnvironment(const QStringList &environment)
{
    if (d->environment == environment)
        return;
    d->environment = environment;
    d->emitSignal(&SharedChildProcess::environmentChanged);
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

QString SharedChildProcess::readAllStandardOutputText()
{
    return QString::fromUtf8(readAllStandardOutput());
}

QString SharedChildProcess::readAllStandardErrorText()
{
    return QString::fromUtf8(readAllStandardError());
}

qint64 SharedChildProcess::writeText(const QString &text)
{
    return write(text.toUtf8());
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
    d->emitSignal(&SharedChildProcess::detachOnDestroyChanged);
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
        command.setEnvironment(environmentEntries(d->environment));
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

    const bool isStarted = run != nullptr;
    d->startedRun(run, failure); // may destroy the object
    return isStarted;
}

SharedChildExitStatus SharedChildProcess::wait()
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return {};
    return d->waitAndDeliver(run, std::nullopt)->status;
}

bool SharedChildProcess::waitForFinished(int msecs)
{
    const std::shared_ptr<Run> run = d->currentRun();
    if (!run)
        return false;
    const Deadline deadline = msecs < 0
            ? Deadline()
            : Deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(msecs));
    return d->waitAndDeliver(run, deadline).has_value();
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
        wholeGroup ? killProcessGroup(SIGKILL) : kill();
        return;
    }
    wholeGroup ? killProcessGroup(SIGTERM) : terminate();
    SharedChild::QtDetail::Waiter::killAfter(run, graceMsecs, wholeGroup);
}
