// SPDX-License-Identifier: MIT
// Starting a run: the core Command from QProcess-style settings, the spawn,
// and the signals of a start, in QProcess's order.
#include "pipeline.h"
#include "sharedchildprocess_p.h"
#include "waiter.h"

using SharedChild::Stdio;
using SharedChild::QtDetail::InputPipe;
using SharedChild::QtDetail::OutputPipe;
using SharedChild::QtDetail::Run;

namespace {

std::vector<std::string> toStdStrings(const QStringList &list)
{
    std::vector<std::string> result;
    result.reserve(static_cast<std::size_t>(list.size()));
    for (const QString &entry : list)
        result.push_back(entry.toStdString());
    return result;
}

// The core's message names the program and the reason; QProcess starts the
// message of a failed chdir with "chdir:", which QProcess code may look for.
QString failureText(const std::system_error &error)
{
    QString text = QString::fromLocal8Bit(error.what());
    const auto *spawnError = dynamic_cast<const SharedChild::SpawnError *>(&error);
    if (spawnError && spawnError->step() == SharedChild::SpawnError::Step::WorkingDirectory)
        return QStringLiteral("chdir: ") + text;
    return text;
}

Stdio fileStdio(const SharedChildProcessPrivate::FileRedirect &redirect)
{
    return redirect.append ? Stdio::appendFile(redirect.file.toStdString())
                           : Stdio::file(redirect.file.toStdString());
}

} // namespace

SharedChild::Command SharedChildProcessPrivate::command() const
{
    SharedChild::Command command(program.toStdString(), toStdStrings(arguments));
    if (!workingDirectory.isEmpty())
        command.setWorkingDirectory(workingDirectory.toStdString());
    if (!environment.inheritsFromParent())
        command.setEnvironment(toStdStrings(environment.toStringList()));
    command.setNewProcessGroup(newProcessGroup);
    command.setKillOnParentDeath(killOnParentDeath);
    const Redirections &redirections = redirected();
    if (redirections.childProcessModifier)
        command.setChildSetup(redirections.childProcessModifier);

    // As QProcess: a file or a pipeline wins over the channel modes.
    const auto &files = redirections.files;
    if (!files[0].file.isEmpty())
        command.setStdin(Stdio::file(files[0].file.toStdString()));
    else if (redirections.stdinPipeline)
        command.setStdin(Stdio::descriptor(redirections.stdinPipeline->readEnd.get()));
    else if (inputChannelMode == Process::ForwardedInputChannel)
        command.setStdin(Stdio::inherit());
    else
        command.setStdin(Stdio::pipe());

    const bool forwardOut = processChannelMode == Process::ForwardedChannels
            || processChannelMode == Process::ForwardedOutputChannel;
    if (!files[1].file.isEmpty())
        command.setStdout(fileStdio(files[1]));
    else if (redirections.stdoutPipeline)
        command.setStdout(Stdio::descriptor(redirections.stdoutPipeline->writeEnd.get()));
    else
        command.setStdout(forwardOut ? Stdio::inherit() : Stdio::pipe());

    const bool forwardErr = processChannelMode == Process::ForwardedChannels
            || processChannelMode == Process::ForwardedErrorChannel;
    if (!files[2].file.isEmpty())
        command.setStderr(fileStdio(files[2]));
    else if (processChannelMode == Process::MergedChannels)
        command.setStderr(Stdio::mergeWithStdout());
    else
        command.setStderr(forwardErr ? Stdio::inherit() : Stdio::pipe());
    return command;
}

void SharedChildProcessPrivate::openPipes(SharedChild::Child &child,
                                          SharedChild::QtDetail::SpawnPipes &spawnPipes)
{
    RunIo &pipes = runIo();
    if (SharedChild::FileDescriptor in = spawnPipes.takeParentEnd(child, 0))
        pipes.stdinPipe = std::make_unique<InputPipe>(std::move(in), [this] { writeInput(); });
    if (SharedChild::FileDescriptor out = spawnPipes.takeParentEnd(child, 1)) {
        pipes.stdoutPipe = std::make_unique<OutputPipe>(
                std::move(out), [this] { readOutput(SharedChildProcess::StandardOutput); });
    }
    if (SharedChild::FileDescriptor err = spawnPipes.takeParentEnd(child, 2)) {
        pipes.stderrPipe = std::make_unique<OutputPipe>(
                std::move(err), [this] { readOutput(SharedChildProcess::StandardError); });
    }
}

bool SharedChildProcessPrivate::startAllowed(const char *function)
{
    if (state != SharedChildProcess::NotRunning) {
        qWarning("SharedChildProcess::%s: Process is already running", function);
        return false;
    }
    if (program.isEmpty()) {
        setErrorAndEmit(SharedChildProcess::FailedToStart,
                        SharedChildProcess::tr("No program defined"));
        return false;
    }
    return true;
}

bool SharedChildProcessPrivate::start(QIODevice::OpenMode mode)
{
    // As QProcess: a direction with no pipe is not open, and output nobody
    // reads goes to the null device rather than to a pipe that fills up.
    const Redirections &redirections = redirected();
    const auto &files = redirections.files;
    const bool stdinIsPipe = files[0].file.isEmpty() && !redirections.stdinPipeline
            && inputChannelMode == Process::ManagedInputChannel;
    const bool merged = processChannelMode == Process::MergedChannels;
    const bool stdoutIsPipe = files[1].file.isEmpty() && !redirections.stdoutPipeline
            && processChannelMode != Process::ForwardedChannels
            && processChannelMode != Process::ForwardedOutputChannel;
    const bool stderrIsPipe = files[2].file.isEmpty() && !merged
            && processChannelMode != Process::ForwardedChannels
            && processChannelMode != Process::ForwardedErrorChannel;
    if (!stdinIsPipe)
        mode &= ~QIODevice::WriteOnly;
    if (!stdoutIsPipe && !stderrIsPipe)
        mode &= ~QIODevice::ReadOnly;
    if (mode == QIODevice::NotOpen)
        mode = QIODevice::Unbuffered;
    if (!(mode & QIODevice::ReadOnly)) {
        if (stdoutIsPipe)
            redirect().files[1] = {Process::nullDevice(), false};
        if (stderrIsPipe)
            redirect().files[2] = {Process::nullDevice(), false};
    }
    q->QIODevice::open(mode);

    io = std::make_unique<RunIo>();
    error = Process::UnknownError;
    const quint64 thisStart = ++starts;
    if (hasErrorString) {
        hasErrorString = false;
        q->setErrorString({});
        if (!emitSignal(&Process::errorStringChanged) || starts != thisStart)
            return false;
    }
    if (!setState(Process::Starting) || starts != thisStart)
        return false;

    std::shared_ptr<SharedChild::Child> child;
    std::optional<SharedChild::QtDetail::SpawnPipes> spawnPipes;
    QString failure;
    try {
        makePipelinePipes();
        SharedChild::Command spawned = command();
        spawnPipes.emplace(spawned);
        child = SharedChild::Child::spawn(spawned);
    } catch (const std::system_error &spawnError) {
        failure = failureText(spawnError);
    }
    if (spawnPipes)
        spawnPipes->closeChildEnds();
    closeUsedPipelineEnds();

    auto newRun = child ? std::make_shared<Run>(child, q, watchStops) : nullptr;
    if (newRun) {
        try {
            SharedChild::QtDetail::Waiter::watch(newRun);
        } catch (const std::system_error &watchError) {
            // No thread to watch the child with (the process limit): a run that
            // nobody watches would never finish, so undo the start.
            child->kill();
            child->wait();
            failure = SharedChildProcess::tr("%1: cannot watch the child: %2")
                              .arg(program, QString::fromLocal8Bit(watchError.what()));
            newRun.reset();
        }
    }
    const bool isStarted = newRun != nullptr;
    startedRun(newRun, failure, newRun ? &*spawnPipes : nullptr); // may destroy the object
    return isStarted;
}

void SharedChildProcessPrivate::startedRun(const std::shared_ptr<Run> &newRun,
                                           const QString &failure,
                                           SharedChild::QtDetail::SpawnPipes *spawnPipes)
{
    const quint64 thisStart = starts;
    const qint64 oldProcessId = q->processId();
    const bool hadStatus = exitStatus.isValid();
    {
        std::lock_guard lock(runMutex);
        run = newRun;
        processId = newRun ? newRun->child()->id() : 0;
    }
    exitStatus = {};
    if (newRun)
        openPipes(*newRun->child(), *spawnPipes);

    // The object is complete before the first signal. Each signal may destroy
    // it or start it again; after a newer start() its signals are the ones
    // that count, so this start's stop.
    const auto stillOurs = [this, thisStart] { return starts == thisStart; };
    if (!setState(newRun ? SharedChildProcess::Running : SharedChildProcess::NotRunning)
        || !stillOurs())
        return;
    if (hadStatus && (!emitSignal(&SharedChildProcess::exitStatusChanged) || !stillOurs()))
        return;
    if (oldProcessId != processId
        && (!emitSignal(&SharedChildProcess::processIdChanged, processId) || !stillOurs()))
        return;
    if (newRun) {
        emitSignal(&SharedChildProcess::started);
        return;
    }
    setErrorAndEmit(SharedChildProcess::FailedToStart, failure);
}

bool SharedChildProcessPrivate::startDetached(qint64 *pid)
{
    // As QProcess: pipes make no sense for a child nobody reads, so a channel
    // that is neither a file nor part of a pipeline is inherited.
    const auto inheritInsteadOfPipe = [](const Stdio &stdio) {
        return stdio.kind() == Stdio::Kind::Pipe ? Stdio::inherit() : stdio;
    };
    try {
        makePipelinePipes();
        SharedChild::Command detached = command();
        detached.setStdin(inheritInsteadOfPipe(detached.stdinMode()));
        detached.setStdout(inheritInsteadOfPipe(detached.stdoutMode()));
        detached.setStderr(inheritInsteadOfPipe(detached.stderrMode()));
        detached.setKillOnParentDeath(false);
        const std::int64_t started = SharedChild::Child::spawnDetached(detached);
        if (pid)
            *pid = started;
    } catch (const std::system_error &spawnError) {
        if (pid)
            *pid = -1; // as QProcess
        closeUsedPipelineEnds();
        setErrorAndEmit(SharedChildProcess::FailedToStart, failureText(spawnError));
        return false;
    }
    closeUsedPipelineEnds();
    return true;
}

void SharedChildProcessPrivate::closeUsedPipelineEnds()
{
    if (!redirections)
        return;
    if (redirections->stdinPipeline)
        redirections->stdinPipeline->readEnd.close();
    if (redirections->stdoutPipeline)
        redirections->stdoutPipeline->writeEnd.close();
}

void SharedChildProcessPrivate::makePipelinePipes()
{
    if (!redirections)
        return;
    for (const auto &pipeline : {redirections->stdinPipeline, redirections->stdoutPipeline}) {
        if (pipeline && !pipeline->made) {
            auto [readEnd, writeEnd] = SharedChild::makePipe();
            pipeline->readEnd = std::move(readEnd);
            pipeline->writeEnd = std::move(writeEnd);
            pipeline->made = true;
        }
    }
}
