// SPDX-License-Identifier: MIT
#pragma once

// The parent's ends of a child's stdin/stdout/stderr pipes, serviced in the
// owning SharedChildProcess's thread (as QProcess does). They never emit
// anything: they tell the object's private class that a pipe is ready and
// report what a read or write did, and the private class emits the signals,
// so that a slot deleting the object never returns into pipe code.
//
// The one piece of platform code in the Qt layer, one implementation per OS:
// posix/pipechannels.cpp (non-blocking pipes, QSocketNotifier, poll()) and
// windows/pipechannels.cpp (overlapped named pipes, QWinEventNotifier,
// WaitForMultipleObjects()). Each defines the Native parts declared here.

#include "readbuffer.h"

#include <sharedchild/child.h>
#include <sharedchild/command.h>
#include <sharedchild/filedescriptor.h>

#include <QByteArray>

#include <array>
#include <functional>
#include <memory>

namespace SharedChild::QtDetail {

/// The pipes of one spawn. POSIX: the core's own (Stdio::pipe()), taken from
/// the Child afterwards. Windows: the core's anonymous pipes cannot do
/// overlapped I/O, so the channel makes named pipes whose parent's ends can,
/// and gives the child the other ends with Stdio::descriptor().
class SpawnPipes
{
public:
    /// Before the spawn: may replace `command`'s Stdio::pipe() streams.
    /// Throws std::system_error when a pipe cannot be made.
    explicit SpawnPipes(Command &command);
    /// After the spawn, successful or not: the child has its own copies of
    /// its ends now, and ours would hide the end of its output.
    void closeChildEnds();
    /// After a successful spawn: the parent's end of stream 0, 1 or 2
    /// (invalid when that stream is no pipe).
    FileDescriptor takeParentEnd(Child &child, int stream);

private:
    std::array<FileDescriptor, 3> m_parentEnds; // made by the channel (Windows)
    std::array<FileDescriptor, 3> m_childEnds; // closed after the spawn, with this object
};

/// The read end of a stdout or stderr pipe.
class OutputPipe
{
public:
    /// Takes `pipe`; `onReadable` runs in the owner's thread when the pipe
    /// has data or reached its end.
    OutputPipe(FileDescriptor pipe, std::function<void()> onReadable);
    ~OutputPipe();
    OutputPipe(const OutputPipe &) = delete;
    OutputPipe &operator=(const OutputPipe &) = delete;

    bool isOpen() const;

    struct ReadResult
    {
        qint64 bytes = 0;
        int error = 0; // errno of a failed read; the pipe is closed then
    };
    /// Appends what is available now (a bounded amount) to `into`, closing
    /// the pipe at end of file or on an error.
    ReadResult readAvailable(ReadBuffer &into);
    void close();

    class Native; // the OS's part
    const Native &native() const { return *m_native; }

private:
    std::unique_ptr<Native> m_native;
};

/// The write end of a stdin pipe, with a buffer of data not yet accepted.
class InputPipe
{
public:
    /// Takes `pipe`; `onWritable` runs in the owner's thread when the pipe
    /// takes more of the queued data (or fails).
    InputPipe(FileDescriptor pipe, std::function<void()> onWritable);
    ~InputPipe();
    InputPipe(const InputPipe &) = delete;
    InputPipe &operator=(const InputPipe &) = delete;

    struct WriteResult
    {
        qint64 written = 0;
        int error = 0; // errno; EPIPE when the child no longer reads
    };

    bool isOpen() const;
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

    class Native; // the OS's part
    const Native &native() const { return *m_native; }

private:
    std::unique_ptr<Native> m_native;
    QByteArray m_pending; // everything not yet reported written
    bool m_closeWhenDrained = false;
};

/// What wakes waitForPipes() when the child exits: its pidfd (not owned) on
/// Linux, none for the waitid backend, a handle to the process on Windows.
class ExitWake
{
public:
    explicit ExitWake(Child &child);

    /// False: the exit wakes no wait, so the caller must look every few ms.
    bool wakesOnExit() const { return m_native != invalidNativeDescriptor(); }
    NativeDescriptor native() const { return m_native; }

private:
    NativeDescriptor m_native = invalidNativeDescriptor();
    FileDescriptor m_owned; // m_native, when it is ours to close (Windows)
};

/// Blocks until one of the open pipes (or the child's exit, when `exit`
/// wakes on it) is ready or `timeoutMsecs` (-1: no limit) passed; true when
/// something is ready. Lets the owner thread wait for a child and service its
/// pipes meanwhile, so the child cannot block on a full pipe.
bool waitForPipes(const OutputPipe *out, const OutputPipe *err, const InputPipe *in,
                  const ExitWake &exit, int timeoutMsecs);

} // namespace SharedChild::QtDetail
