// SPDX-License-Identifier: MIT
#include "../pipechannels.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <vector>

namespace SharedChild::QtDetail {

namespace {

constexpr qsizetype readChunk = qsizetype{64} * 1024;
constexpr qsizetype readLimit = qsizetype{1024} * 1024;

void makeNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// write() to a pipe nobody reads raises SIGPIPE, which would kill an
// application that did not ignore it. Block it in this thread for the call and
// consume the one our write raised; a SIGPIPE pending before stays pending.
ssize_t writeWithoutSigpipe(int fd, const char *data, std::size_t size)
{
    sigset_t sigpipeOnly;
    sigemptyset(&sigpipeOnly);
    sigaddset(&sigpipeOnly, SIGPIPE);
    sigset_t saved;
    ::pthread_sigmask(SIG_BLOCK, &sigpipeOnly, &saved);
    sigset_t pendingBefore;
    ::sigpending(&pendingBefore);

    ssize_t written = 0;
    do {
        written = ::write(fd, data, size);
    } while (written < 0 && errno == EINTR);
    const int error = errno;

    if (written < 0 && error == EPIPE && !sigismember(&pendingBefore, SIGPIPE)) {
        const timespec noWait{};
        while (::sigtimedwait(&sigpipeOnly, nullptr, &noWait) < 0 && errno == EINTR) { }
    }
    ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    errno = error;
    return written;
}

} // namespace

// A non-blocking descriptor and the QSocketNotifier that watches it.
class OutputPipe::Native
{
public:
    FileDescriptor fd;
    std::unique_ptr<QSocketNotifier> notifier;
};

class InputPipe::Native
{
public:
    FileDescriptor fd;
    std::unique_ptr<QSocketNotifier> notifier;
};

SpawnPipes::SpawnPipes(Command &) { }

FileDescriptor SpawnPipes::takeParentEnd(Child &child, int stream)
{
    switch (stream) {
    case 0:
        return child.takeStdin();
    case 1:
        return child.takeStdout();
    default:
        return child.takeStderr();
    }
}

OutputPipe::OutputPipe(FileDescriptor pipe, std::function<void()> onReadable)
    : m_native(std::make_unique<Native>())
{
    Native &n = *m_native;
    n.fd = std::move(pipe);
    makeNonBlocking(n.fd.get());
    n.notifier = std::make_unique<QSocketNotifier>(n.fd.get(), QSocketNotifier::Read);
    QObject::connect(n.notifier.get(), &QSocketNotifier::activated, n.notifier.get(),
                     std::move(onReadable));
}

OutputPipe::~OutputPipe() = default;

bool OutputPipe::isOpen() const
{
    return m_native->fd.isValid();
}

OutputPipe::ReadResult OutputPipe::readAvailable(ReadBuffer &into)
{
    // At most readLimit per call: a child that writes faster than we read must
    // not grow the buffer between two readyRead signals without bound.
    ReadResult result;
    while (isOpen() && result.bytes < readLimit) {
        char *space = into.reserve(readChunk);
        const ssize_t got = ::read(m_native->fd.get(), space, readChunk);
        into.chop(readChunk - std::max<ssize_t>(got, 0));
        if (got > 0) {
            result.bytes += got;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno != EAGAIN)
            result.error = errno;
        if (got == 0 || result.error != 0)
            close();
        break;
    }
    return result;
}

void OutputPipe::close()
{
    m_native->notifier.reset();
    m_native->fd.close();
}

InputPipe::InputPipe(FileDescriptor pipe, std::function<void()> onWritable)
    : m_native(std::make_unique<Native>())
{
    Native &n = *m_native;
    n.fd = std::move(pipe);
    makeNonBlocking(n.fd.get());
    n.notifier = std::make_unique<QSocketNotifier>(n.fd.get(), QSocketNotifier::Write);
    n.notifier->setEnabled(false);
    QObject::connect(n.notifier.get(), &QSocketNotifier::activated, n.notifier.get(),
                     std::move(onWritable));
}

InputPipe::~InputPipe() = default;

bool InputPipe::isOpen() const
{
    return m_native->fd.isValid();
}

bool InputPipe::enqueue(const QByteArray &data)
{
    if (!isOpen() || m_closeWhenDrained)
        return false;
    m_pending.append(data);
    m_native->notifier->setEnabled(true);
    return true;
}

InputPipe::WriteResult InputPipe::writeSome()
{
    WriteResult result;
    while (isOpen() && !m_pending.isEmpty()) {
        const ssize_t written = writeWithoutSigpipe(m_native->fd.get(), m_pending.constData(),
                                                    static_cast<std::size_t>(m_pending.size()));
        if (written < 0) {
            if (errno == EAGAIN)
                break;
            result.error = errno;
            closeKeepingPending();
            return result;
        }
        m_pending.remove(0, written);
        result.written += written;
    }
    if (m_closeWhenDrained && m_pending.isEmpty())
        close();
    else if (m_native->notifier)
        m_native->notifier->setEnabled(!m_pending.isEmpty());
    return result;
}

void InputPipe::closeKeepingPending()
{
    m_native->notifier.reset();
    m_native->fd.close();
}

// The pidfd belongs to the Child, which outlives the wait.
ExitWake::ExitWake(Child &child) : m_native(child.pollDescriptor()) { }

bool waitForPipes(const OutputPipe *out, const OutputPipe *err, const InputPipe *in,
                  const ExitWake &exit, int timeoutMsecs)
{
    std::vector<pollfd> watched;
    if (exit.wakesOnExit())
        watched.push_back({exit.native(), POLLIN, 0});
    for (const OutputPipe *pipe : {out, err}) {
        if (pipe && pipe->isOpen())
            watched.push_back({pipe->native().fd.get(), POLLIN, 0});
    }
    if (in && in->isOpen() && in->hasPending())
        watched.push_back({in->native().fd.get(), POLLOUT, 0});
    return ::poll(watched.data(), watched.size(), timeoutMsecs) > 0;
}

} // namespace SharedChild::QtDetail
