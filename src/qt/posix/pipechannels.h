// SPDX-License-Identifier: MIT
#pragma once

// The parent's ends of a child's stdin/stdout/stderr pipes, serviced in the
// owning SharedChildProcess's thread by QSocketNotifiers (as QProcess does).
// They never emit anything: they tell the object's private class that a pipe
// is ready and report what a read or write did, and the private class emits
// the signals, so that a slot deleting the object never returns into pipe code.

#include "../readbuffer.h"

#include <sharedchild/filedescriptor.h>

#include <QByteArray>
#include <QSocketNotifier>

#include <functional>
#include <memory>

namespace SharedChild::QtDetail {

/// The read end of a stdout or stderr pipe.
class OutputPipe
{
public:
    /// Takes `fd` (made non-blocking); `onReadable` runs in the owner's
    /// thread when the pipe has data or reached its end.
    OutputPipe(FileDescriptor fd, std::function<void()> onReadable);

    bool isOpen() const { return m_fd.isValid(); }
    int descriptor() const { return m_fd.get(); }

    struct ReadResult
    {
        qint64 bytes = 0;
        int error = 0; // errno of a failed read; the pipe is closed then
    };
    /// Appends what is available now (a bounded amount) to `into`, closing
    /// the pipe at end of file or on an error.
    ReadResult readAvailable(ReadBuffer &into);
    void close();

private:
    FileDescriptor m_fd;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

/// The write end of a stdin pipe, with a buffer of data not yet accepted.
class InputPipe
{
public:
    /// Takes `fd` (made non-blocking); `onWritable` runs in the owner's thread
    /// when the pipe takes more of the queued data.
    InputPipe(FileDescriptor fd, std::function<void()> onWritable);

    struct WriteResult
    {
        qint64 written = 0;
        int error = 0; // errno; EPIPE when the child no longer reads
    };

    bool isOpen() const { return m_fd.isValid(); }
    int descriptor() const { return m_fd.get(); }
    bool hasPending() const { return !m_pending.isEmpty(); }
    qint64 pendingBytes() const { return m_pending.size(); }
    /// Queues `data`; false when the pipe is closed.
    bool enqueue(const QByteArray &data);
    /// Writes as much as the pipe takes now; closes the pipe on an error, and
    /// once drained after closeWhenDrained().
    WriteResult writeSome();
    /// Closes once everything queued has been written.
    void closeWhenDrained();
    void close();
    /// Closes the pipe but keeps what was not written, so that bytesToWrite()
    /// still counts it after the child is gone, as QProcess's does.
    void closeKeepingPending();

private:
    void updateNotifier();

    FileDescriptor m_fd;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QByteArray m_pending;
    bool m_closeWhenDrained = false;
};

/// Blocks until one of the open pipes (or `exitDescriptor`, -1 for none) is
/// ready or `timeoutMsecs` (-1: no limit) passed; true when something is
/// ready. Lets the owner thread wait for a child and service its pipes
/// meanwhile, so the child cannot block on a full pipe.
bool waitForPipes(const OutputPipe *out, const OutputPipe *err, const InputPipe *in,
                  int exitDescriptor, int timeoutMsecs);

} // namespace SharedChild::QtDetail
