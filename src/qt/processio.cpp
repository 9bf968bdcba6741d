// SPDX-License-Identifier: MIT
// The object's side of the pipes: reading into the channel buffers, writing
// stdin, and the signals that tell the user about both, as QProcess emits them.
#include "sharedchildprocess_p.h"

#include <cstring>

using SharedChild::QtDetail::OutputPipe;
using SharedChild::QtDetail::ReadBuffer;

SharedChildProcessPrivate::ReadReport
SharedChildProcessPrivate::readOutput(SharedChildProcess::ProcessChannel channel)
{
    const bool isStdout = channel == SharedChildProcess::StandardOutput;
    OutputPipe *pipe = isStdout ? stdoutPipe() : stderrPipe();
    ReadReport report;
    if (!pipe || !pipe->isOpen())
        return report;
    ReadBuffer &buffer = io->readBuffers[channel]; // a pipe is part of the run's I/O
    const OutputPipe::ReadResult result = pipe->readAvailable(buffer);
    report.gotData = result.bytes > 0;
    if (io->readChannelClosed[channel])
        buffer.chop(result.bytes);
    if (result.error != 0) {
        report.alive = setErrorAndEmit(
                SharedChildProcess::ReadError,
                SharedChildProcess::tr("%1: cannot read from %2: %3")
                        .arg(program, isStdout ? u"stdout" : u"stderr",
                             QString::fromLocal8Bit(std::strerror(result.error))));
        if (!report.alive)
            return report;
    }
    if (result.bytes == 0 || io->readChannelClosed[channel])
        return report;

    if (channel == readChannel) {
        report.readyReadEmitted = true;
        // As QProcess: a slot that waits for more data inside readyRead gets
        // it without a nested readyRead.
        if (!io->emittingReadyRead) {
            io->emittingReadyRead = true;
            if (!emitSignal(&QIODevice::readyRead)) {
                report.alive = false;
                return report;
            }
            io->emittingReadyRead = false;
        }
    }
    report.alive = emitSignal(&QIODevice::channelReadyRead, int(channel))
            && emitSignal(isStdout ? &SharedChildProcess::readyReadStandardOutput
                                   : &SharedChildProcess::readyReadStandardError);
    return report;
}

SharedChildProcessPrivate::ReadReport SharedChildProcessPrivate::readOutputs()
{
    ReadReport total;
    for (const auto channel :
         {SharedChildProcess::StandardOutput, SharedChildProcess::StandardError}) {
        const ReadReport report = readOutput(channel);
        if (!report.alive)
            return report;
        total.gotData = total.gotData || report.gotData;
        total.readyReadEmitted = total.readyReadEmitted || report.readyReadEmitted;
    }
    return total;
}

SharedChildProcessPrivate::WriteReport SharedChildProcessPrivate::writeInput()
{
    WriteReport report;
    SharedChild::QtDetail::InputPipe *pipe = stdinPipe();
    if (!pipe || !pipe->isOpen() || !pipe->hasPending())
        return report;
    const SharedChild::QtDetail::InputPipe::WriteResult result = pipe->writeSome();
    if (result.written > 0) {
        report.wrote = true;
        if (!io->emittingBytesWritten) {
            io->emittingBytesWritten = true;
            if (!emitSignal(&QIODevice::bytesWritten, result.written)) {
                report.alive = false;
                return report;
            }
            io->emittingBytesWritten = false;
        }
        if (!emitSignal(&QIODevice::channelBytesWritten, 0, result.written)) {
            report.alive = false;
            return report;
        }
    }
    if (result.error != 0) {
        report.failed = true;
        report.alive = setErrorAndEmit(
                SharedChildProcess::WriteError,
                SharedChildProcess::tr("%1: cannot write to stdin: %2")
                        .arg(program, QString::fromLocal8Bit(std::strerror(result.error))));
    }
    return report;
}

bool SharedChildProcessPrivate::drainAndClosePipes()
{
    for (const auto channel :
         {SharedChildProcess::StandardOutput, SharedChildProcess::StandardError}) {
        // Each read is bounded, so a slot can consume the data between two of them.
        for (;;) {
            const ReadReport report = readOutput(channel);
            if (!report.alive)
                return false;
            if (!report.gotData)
                break;
        }
        if (OutputPipe *pipe
            = channel == SharedChildProcess::StandardOutput ? stdoutPipe() : stderrPipe())
            pipe->close();
    }
    if (SharedChild::QtDetail::InputPipe *pipe = stdinPipe())
        pipe->closeKeepingPending();
    return true;
}

bool SharedChildProcessPrivate::hasOpenPipes() const
{
    return (stdinPipe() && stdinPipe()->isOpen()) || (stdoutPipe() && stdoutPipe()->isOpen())
            || (stderrPipe() && stderrPipe()->isOpen());
}

QByteArray SharedChildProcessPrivate::readAllFrom(SharedChildProcess::ProcessChannel channel)
{
    const SharedChildProcess::ProcessChannel previous = readChannel;
    q->setReadChannel(channel);
    QByteArray data = q->readAll();
    q->setReadChannel(previous);
    return data;
}

bool SharedChildProcessPrivate::mayReadDirectly() const
{
    return io && q->isReadable() && q->QIODevice::bytesAvailable() == 0
            && !q->isTransactionStarted() && !q->openMode().testFlag(QIODevice::Text);
}

ReadBuffer &SharedChildProcessPrivate::currentBuffer()
{
    return runIo().readBuffers[readChannel];
}

const ReadBuffer &SharedChildProcessPrivate::currentBuffer() const
{
    static const ReadBuffer nothingRead;
    return io ? io->readBuffers[readChannel] : nothingRead;
}

SharedChildProcessPrivate::RunIo &SharedChildProcessPrivate::runIo()
{
    if (!io)
        io = std::make_unique<RunIo>();
    return *io;
}

SharedChildProcessPrivate::Redirections &SharedChildProcessPrivate::redirect()
{
    if (!redirections)
        redirections = std::make_unique<Redirections>();
    return *redirections;
}

const SharedChildProcessPrivate::Redirections &SharedChildProcessPrivate::redirected() const
{
    static const Redirections none;
    return redirections ? *redirections : none;
}
