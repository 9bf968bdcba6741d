// SPDX-License-Identifier: MIT
// The Windows pipe channels: named pipes whose parent's ends do overlapped
// I/O, as QProcess's (QWindowsPipeReader/Writer). One ReadFile() is always in
// flight on an open output pipe, and one WriteFile() on stdin while data is
// queued; each signals a manual-reset event, which a QWinEventNotifier turns
// into a call in the owner's thread and which waitForPipes() waits on, next
// to the process handle, with WaitForMultipleObjects().
//
// Why not the core's pipes (CreatePipe(): anonymous, synchronous only) with a
// reader thread per output and a writer thread for stdin: three threads per
// running child, where this needs none of its own (QWinEventNotifier waits in
// the OS's thread pool); and a thread blocked in ReadFile()/WriteFile() on a
// child that neither writes nor reads can only be stopped by
// CancelSynchronousIo(), so close() would either hang or leave it behind. An
// overlapped request is cancelled with CancelIoEx() and done. The core keeps
// its synchronous pipes for its own users (a plain ReadFile() on an
// overlapped handle is not allowed): the named pipes are made here and the
// child gets its ends through Stdio::descriptor(); the child's ends are
// ordinary synchronous handles, as every program expects.
#include "../pipechannels.h"

#include <QRandomGenerator>
#include <QWinEventNotifier>

#include <windows.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cwchar>
#include <string>
#include <system_error>

namespace SharedChild::QtDetail {

namespace {

constexpr DWORD pipeBufferSize = 1024 * 1024; // as QProcess's
constexpr qsizetype readChunk = qsizetype{64} * 1024;
constexpr qsizetype readLimit = qsizetype{1024} * 1024; // per readAvailable(), as on POSIX
constexpr qsizetype writeChunk = qsizetype{1024} * 1024;

int errnoOf(DWORD error)
{
    switch (error) {
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA: // the reader is closing its end
    case ERROR_PIPE_NOT_CONNECTED:
        return EPIPE;
    case ERROR_ACCESS_DENIED:
        return EACCES;
    case ERROR_INVALID_HANDLE:
        return EBADF;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_NO_SYSTEM_RESOURCES:
        return ENOMEM;
    default:
        return EIO;
    }
}

[[noreturn]] void throwPipeError(DWORD error, const Command &command, int stream)
{
    static const char *const names[] = {"stdin", "stdout", "stderr"};
    throw std::system_error(static_cast<int>(error), std::system_category(),
                            command.program() + ": cannot create a pipe for " + names[stream]);
}

struct NamedPipe
{
    FileDescriptor parentEnd; // overlapped
    FileDescriptor childEnd; // synchronous
};

NamedPipe makeNamedPipe(const Command &command, int stream)
{
    const bool parentWrites = stream == 0;
    wchar_t name[96];
    HANDLE server = INVALID_HANDLE_VALUE;
    // FILE_FLAG_FIRST_PIPE_INSTANCE: a name someone else took already fails,
    // so nobody can slip in a pipe of their own; try another name then.
    for (int attempt = 0; server == INVALID_HANDLE_VALUE; ++attempt) {
        std::swprintf(name, std::size(name), L"\\\\.\\pipe\\sharedchild-%lx-%x",
                      ::GetCurrentProcessId(), QRandomGenerator::global()->generate());
        server = ::CreateNamedPipeW(
                name,
                (parentWrites ? PIPE_ACCESS_OUTBOUND : PIPE_ACCESS_INBOUND) | FILE_FLAG_OVERLAPPED
                        | FILE_FLAG_FIRST_PIPE_INSTANCE,
                PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1,
                parentWrites ? pipeBufferSize : 0, parentWrites ? 0 : pipeBufferSize, 0, nullptr);
        const DWORD error = ::GetLastError();
        if (server == INVALID_HANDLE_VALUE
            && ((error != ERROR_ACCESS_DENIED && error != ERROR_PIPE_BUSY) || attempt == 100))
            throwPipeError(error, command, stream);
    }
    NamedPipe pipe{FileDescriptor(server), {}};
    // The child may change its end's mode (SetNamedPipeHandleState()), as
    // with QProcess's pipes, hence the attributes right.
    const HANDLE client = ::CreateFileW(name,
                                        parentWrites ? GENERIC_READ | FILE_WRITE_ATTRIBUTES
                                                     : GENERIC_WRITE | FILE_READ_ATTRIBUTES,
                                        0, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (client == INVALID_HANDLE_VALUE)
        throwPipeError(::GetLastError(), command, stream);
    pipe.childEnd = FileDescriptor(client);
    return pipe;
}

// One overlapped request at a time on a pipe. A request in flight (`busy`)
// owns `buffer` and `overlapped` until its result is collected; one that
// failed at once keeps its error in `failure` and sets the event itself, so
// that it is reported like one that failed later.
class PipeRequests
{
public:
    FileDescriptor pipe;
    FileDescriptor event; // manual-reset, of `overlapped`
    OVERLAPPED overlapped{};
    QByteArray buffer;
    bool busy = false;
    DWORD failure = 0;
    std::unique_ptr<QWinEventNotifier> notifier;

    /// Takes `pipe`, whose completions call `onDone` in this thread; false
    /// (the pipe left closed) when the OS has no event left.
    bool open(FileDescriptor taken, std::function<void()> onDone)
    {
        const HANDLE created = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
        if (!created)
            return false;
        event = FileDescriptor(created);
        pipe = std::move(taken);
        notifier = std::make_unique<QWinEventNotifier>(created);
        QObject::connect(notifier.get(), &QWinEventNotifier::activated, notifier.get(),
                         [onDone = std::move(onDone)](HANDLE) { onDone(); });
        return true;
    }

    /// `issue` calls ReadFile() or WriteFile() with the OVERLAPPED it is given.
    template<typename Issue>
    void start(Issue issue)
    {
        overlapped = {};
        overlapped.hEvent = event.get();
        failure = 0;
        busy = true;
        if (!issue(&overlapped) && ::GetLastError() != ERROR_IO_PENDING) {
            failure = ::GetLastError();
            ::SetEvent(event.get());
        }
    }

    /// ERROR_IO_INCOMPLETE while the request runs, else 0 or its error, with
    /// `done` bytes; the request is over then.
    DWORD result(DWORD &done)
    {
        done = 0;
        DWORD error = failure;
        if (error == 0 && !::GetOverlappedResult(pipe.get(), &overlapped, &done, FALSE))
            error = ::GetLastError();
        if (error != ERROR_IO_INCOMPLETE)
            busy = false;
        return error;
    }

    /// Cancels the request in flight, waits until the OS is done with its
    /// buffer, and closes the pipe; the bytes the request moved before.
    DWORD close()
    {
        retireNotifier(); // before the event it waits on
        DWORD done = 0;
        if (busy && failure == 0) {
            ::CancelIoEx(pipe.get(), &overlapped); // ERROR_NOT_FOUND: it completed already
            if (!::GetOverlappedResult(pipe.get(), &overlapped, &done, TRUE))
                done = 0;
        }
        busy = false;
        pipe.close();
        return done;
    }

    ~PipeRequests() { retireNotifier(); }

private:
    // Under Wine, a wait callback can still run after QWinEventNotifier's
    // destructor has cancelled the wait and waited for its callbacks, and it
    // then posts to the freed notifier (Qt 6.4.2's waitCallback; an access
    // violation 4 times in about 400 runs of tst_sharedchildprocess). Disabled,
    // the notifier ignores such a post; deleted later, it is still there to
    // take one.
    void retireNotifier()
    {
        if (!notifier)
            return;
        notifier->setEnabled(false);
        QObject::disconnect(notifier.get(), nullptr, nullptr, nullptr);
        notifier.release()->deleteLater();
    }
};

} // namespace

class OutputPipe::Native : public PipeRequests
{
public:
    void startRead()
    {
        start([this](OVERLAPPED *request) {
            return ::ReadFile(pipe.get(), buffer.data(), static_cast<DWORD>(buffer.size()), nullptr,
                              request);
        });
    }
};

class InputPipe::Native : public PipeRequests
{
public:
    void startWrite(const QByteArray &pending)
    {
        // Shares the queue's data when it fits in one write.
        buffer = pending.size() <= writeChunk ? pending : pending.first(writeChunk);
        start([this](OVERLAPPED *request) {
            return ::WriteFile(pipe.get(), buffer.constData(), static_cast<DWORD>(buffer.size()),
                               nullptr, request);
        });
    }
};

SpawnPipes::SpawnPipes(Command &command)
{
    for (int stream = 0; stream < 3; ++stream) {
        const Stdio &mode = stream == 0 ? command.stdinMode()
                : stream == 1           ? command.stdoutMode()
                                        : command.stderrMode();
        if (mode.kind() != Stdio::Kind::Pipe)
            continue;
        NamedPipe pipe = makeNamedPipe(command, stream);
        const Stdio childEnd = Stdio::descriptor(pipe.childEnd.get());
        if (stream == 0)
            command.setStdin(childEnd);
        else if (stream == 1)
            command.setStdout(childEnd);
        else
            command.setStderr(childEnd);
        m_parentEnds[stream] = std::move(pipe.parentEnd);
        m_childEnds[stream] = std::move(pipe.childEnd);
    }
}

FileDescriptor SpawnPipes::takeParentEnd(Child &, int stream)
{
    return std::move(m_parentEnds[static_cast<std::size_t>(stream)]);
}

OutputPipe::OutputPipe(FileDescriptor pipe, std::function<void()> onReadable)
    : m_native(std::make_unique<Native>())
{
    // Without an event there are no reads: the pipe counts as closed.
    if (!m_native->open(std::move(pipe), std::move(onReadable)))
        return;
    m_native->buffer.resize(readChunk);
    m_native->startRead();
}

OutputPipe::~OutputPipe()
{
    close();
}

bool OutputPipe::isOpen() const
{
    return m_native->pipe.isValid();
}

OutputPipe::ReadResult OutputPipe::readAvailable(ReadBuffer &into)
{
    // Each completed read starts the next one, which completes at once while
    // the pipe holds data: up to readLimit per call, as on POSIX.
    ReadResult result;
    Native &n = *m_native;
    while (isOpen() && result.bytes < readLimit) {
        DWORD got = 0;
        const DWORD error = n.result(got);
        if (error == ERROR_IO_INCOMPLETE)
            break;
        if (error == 0) {
            std::memcpy(into.reserve(got), n.buffer.constData(), got);
            result.bytes += got;
            n.startRead();
            continue;
        }
        // The writer closed its end (the child and whoever inherited it):
        // the end of the output, as read() returning 0 on POSIX.
        if (error != ERROR_BROKEN_PIPE && error != ERROR_HANDLE_EOF
            && error != ERROR_PIPE_NOT_CONNECTED)
            result.error = errnoOf(error);
        close();
        break;
    }
    return result;
}

void OutputPipe::close()
{
    m_native->close(); // what a cancelled read got is discarded
}

InputPipe::InputPipe(FileDescriptor pipe, std::function<void()> onWritable)
    : m_native(std::make_unique<Native>())
{
    // Without an event enqueue() refuses, and write() reports the error.
    m_native->open(std::move(pipe), std::move(onWritable));
}

InputPipe::~InputPipe()
{
    closeKeepingPending();
}

bool InputPipe::isOpen() const
{
    return m_native->pipe.isValid();
}

bool InputPipe::enqueue(const QByteArray &data)
{
    if (!isOpen() || m_closeWhenDrained)
        return false;
    m_pending.append(data);
    // Its completion is reported by writeSome(), which the event leads to.
    if (!m_native->busy && !m_pending.isEmpty())
        m_native->startWrite(m_pending);
    return true;
}

InputPipe::WriteResult InputPipe::writeSome()
{
    WriteResult result;
    Native &n = *m_native;
    while (isOpen() && n.busy) {
        DWORD done = 0;
        const DWORD error = n.result(done);
        if (error == ERROR_IO_INCOMPLETE)
            break; // the child has not taken it all yet
        n.buffer.clear();
        if (error != 0) {
            result.error = errnoOf(error);
            closeKeepingPending();
            return result;
        }
        m_pending.remove(0, done);
        result.written += done;
        if (m_pending.isEmpty())
            ::ResetEvent(n.event.get()); // else the notifier would fire on and on
        else
            n.startWrite(m_pending);
    }
    if (m_closeWhenDrained && m_pending.isEmpty())
        close();
    return result;
}

void InputPipe::closeKeepingPending()
{
    // A write that went through before the cancel is no longer pending.
    m_pending.remove(0, m_native->close());
}

// A duplicate of the process handle: the Child's own closes at the reap,
// which another thread may do during the wait. None once it is reaped (the
// exit is known then), or when the OS refuses one (the caller looks every
// few milliseconds instead).
ExitWake::ExitWake(Child &child)
{
    try {
        m_owned = child.openExitNotifier();
    } catch (const std::system_error &) {
        return;
    }
    m_native = m_owned.get();
}

bool waitForPipes(const OutputPipe *out, const OutputPipe *err, const InputPipe *in,
                  const ExitWake &exit, int timeoutMsecs)
{
    // An open pipe always has a request in flight (or a result not yet
    // collected), whose event is set once it completes.
    HANDLE handles[4];
    DWORD count = 0;
    if (exit.wakesOnExit())
        handles[count++] = exit.native();
    for (const OutputPipe *pipe : {out, err}) {
        if (pipe && pipe->isOpen())
            handles[count++] = pipe->native().event.get();
    }
    if (in && in->isOpen() && in->hasPending())
        handles[count++] = in->native().event.get();
    const DWORD timeout = timeoutMsecs < 0 ? INFINITE : static_cast<DWORD>(timeoutMsecs);
    if (count == 0) {
        ::Sleep(timeout); // as poll() with nothing to watch
        return false;
    }
    return ::WaitForMultipleObjects(count, handles, FALSE, timeout) < WAIT_OBJECT_0 + count;
}

} // namespace SharedChild::QtDetail
