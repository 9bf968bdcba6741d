// SPDX-License-Identifier: MIT
// The private class's run bookkeeping: delivering an outcome, finishing a
// run, state and error changes, and signalling the child.
#include "sharedchildprocess_p.h"

#include <QThread>

using SharedChild::QtDetail::Outcome;
using SharedChild::QtDetail::Run;

SharedChildProcessPrivate::~SharedChildProcessPrivate() = default;

bool SharedChildProcessPrivate::inOwnerThread() const
{
    return QThread::currentThread() == q->thread();
}

std::shared_ptr<Run> SharedChildProcessPrivate::currentRun() const
{
    std::lock_guard lock(runMutex);
    return run;
}

void SharedChildProcessPrivate::deliver(const std::shared_ptr<Run> &run, const Outcome &outcome)
{
    if (!inOwnerThread()) {
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
    } catch (const std::system_error &signalError) {
        // Callable from any thread, so error() (owner's thread) is not an option.
        qWarning("SharedChildProcess::%s (pid %lld): %s", what,
                 static_cast<long long>(run->child()->id()), signalError.what());
    }
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

bool SharedChildProcessPrivate::setState(SharedChildProcess::ProcessState newState)
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

namespace {

QString defaultMessage(SharedChildProcess::ProcessError error)
{
    switch (error) {
    case SharedChildProcess::FailedToStart:
        return SharedChildProcess::tr("Process failed to start");
    case SharedChildProcess::Crashed:
        return SharedChildProcess::tr("Process crashed");
    case SharedChildProcess::Timedout:
        return SharedChildProcess::tr("Process operation timed out");
    case SharedChildProcess::ReadError:
        return SharedChildProcess::tr("Error reading from process");
    case SharedChildProcess::WriteError:
        return SharedChildProcess::tr("Error writing to process");
    case SharedChildProcess::StatusLost:
        return SharedChildProcess::tr("The exit status was lost");
    case SharedChildProcess::UnknownError:
        break;
    }
    return {};
}

} // namespace

bool SharedChildProcessPrivate::setError(SharedChildProcess::ProcessError newError,
                                         const QString &message)
{
    error = newError;
    const QString text = message.isEmpty() ? defaultMessage(newError) : message;
    if (text == q->errorString() && hasErrorString)
        return true;
    hasErrorString = !text.isEmpty();
    q->setErrorString(text);
    return emitSignal(&SharedChildProcess::errorStringChanged);
}

bool SharedChildProcessPrivate::setErrorAndEmit(SharedChildProcess::ProcessError newError,
                                                const QString &message)
{
    const quint64 startsBefore = starts;
    if (!setError(newError, message))
        return false;
    if (starts != startsBefore)
        return true; // a slot started the object again: the error was the attempt before's
    return emitSignal(&SharedChildProcess::errorOccurred, newError);
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
    const quint64 thisStart = starts;
    const auto stillOurs = [this, thisStart] { return starts == thisStart; };
    exitStatus = outcome->status;
    if (!emitSignal(&SharedChildProcess::exitStatusChanged)
        || !setState(SharedChildProcess::NotRunning))
        return;
    // As QProcess: the state, then the error, then readChannelFinished and finished.
    if (stillOurs()) {
        bool alive = true;
        if (!outcome->lostReason.isEmpty())
            alive = setErrorAndEmit(SharedChildProcess::StatusLost, outcome->lostReason);
        else if (outcome->status.crashed())
            alive = setErrorAndEmit(SharedChildProcess::Crashed);
        if (!alive || (stillOurs() && !emitSignal(&SharedChildProcess::readChannelFinished)))
            return;
    }
    // Even when a slot has started the object again meanwhile: every run gets its finished().
    emitSignal(&SharedChildProcess::finished, outcome->status,
               outcome->status.crashed() ? SharedChildProcess::CrashExit
                                         : SharedChildProcess::NormalExit);
}
