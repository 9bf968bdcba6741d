// SPDX-License-Identifier: MIT
#pragma once

// The parent's ends of a child's stdin/stdout/stderr pipes, serviced in the
// owning SharedChildProcess's thread by QSocketNotifiers (as QProcess does).

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
    /// Takes `fd` (made non-blocking); `onData` runs after each read that got bytes.
    OutputPipe(FileDescriptor fd, std::function<void()> onData);

    bool isOpen() const { return m_fd.isValid(); }
    int descriptor() const { return m_fd.get(); }
    /// Reads what is available now, closing the pipe at end of file, and runs
    /// onData if that got anything.
    void service();
    /// Reads until the pipe is empty or closed, then closes it.
    void drainAndClose();
    /// Closes without reading further; what was read stays in takeAll().
    void close();
    QByteArray takeAll();

private:
    bool readAvailable();

    FileDescriptor m_fd;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::function<void()> m_onData;
    QByteArray m_buffer;
};

/// The write end of a stdin pipe, with a buffer of data not yet accepted.
class InputPipe
{
public:
    /// Takes `fd` (made non-blocking). `onWritten(bytes)` runs after a write;
    /// `onError(errno)` when the child no longer reads (EPIPE) or another error.
    InputPipe(FileDescriptor fd, std::function<void(qint64)> onWritten,
              std::function<void(int)> onError);

    bool isOpen() const { return m_fd.isValid(); }
    int descriptor() const { return m_fd.get(); }
    bool hasPending() const { return !m_pending.isEmpty(); }
    qint64 pendingBytes() const { return m_pending.size(); }
    /// Queues `data`; false when the pipe is closed.
    bool enqueue(const QByteArray &data);
    /// Writes as much as the pipe takes now.
    void writeSome();
    /// Closes once everything queued has been written.
    void closeWhenDrained();
    void close();

private:
    void updateNotifier();

    FileDescriptor m_fd;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::function<void(qint64)> m_onWritten;
    std::function<void(int)> m_onError;
    QByteArray m_pending;
    bool m_closeWhenDrained = false;
};

/// Blocks until one of the pipes (or `exitDescriptor`, -1 for none) is ready
/// or `timeoutMsecs` (-1: no limit) passed, then services the pipes that are.
/// Lets the owner thread wait for a child without the child blocking on a
/// full pipe meanwhile.
void servicePipesOnce(OutputPipe *out, OutputPipe *err, InputPipe *in, int exitDescriptor,
                      int timeoutMsecs);

} // namespace SharedChild::QtDetail
