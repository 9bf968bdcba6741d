// SPDX-License-Identifier: MIT
#include "pipechannels.h"

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

OutputPipe::OutputPipe(FileDescriptor fd, std::function<void()> onReadable) : m_fd(std::move(fd))
{
    makeNonBlocking(m_fd.get());
    m_notifier = std::make_unique<QSocketNotifier>(m_fd.get(), QSocketNotifier::Read);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                     std::move(onReadable));
}

OutputPipe::ReadResult OutputPipe::readAvailable(ReadBuffer &into)
{
    // At most readLimit per call: a child that writes faster than we read must
    // not grow the buffer between two readyRead signals without bound.
    ReadResult result;
    while (m_fd.isValid() && result.bytes < readLimit) {
        char *space = into.reserve(readChunk);
        const ssize_t got = ::read(m_fd.get(), space, readChunk);
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
    m_notifier.reset();
    m_fd.close();
}

InputPipe::InputPipe(FileDescriptor fd, std::function<void()> onWritable) : m_fd(std::move(fd))
{
    makeNonBlocking(m_fd.get());
    m_notifier = std::make_unique<QSocketNotifier>(m_fd.get(), QSocketNotifier::Write);
    m_notifier->setEnabled(false);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                     std::move(onWritable));
}

bool InputPipe::enqueue(const QByteArray &data)
{
    if (!m_fd.isValid() || m_closeWhenDrained)
        return false;
    m_pending.append(data);
    updateNotifier();
    return true;
}

InputPipe::WriteResult InputPipe::writeSome()
{
    WriteResult result;
    while (m_fd.isValid() && !m_pending.isEmpty()) {
        const ssize_t written = writeWithoutSigpipe(m_fd.get(), m_pending.constData(),
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
    else
        updateNotifier();
    return result;
}

void InputPipe::closeWhenDrained()
{
    m_closeWhenDrained = true;
    if (m_pending.isEmpty())
        close();
}

void InputPipe::close()
{
    m_notifier.reset();
    m_fd.close();
    m_pending.clear();
}

void InputPipe::closeKeepingPending()
{
    m_notifier.reset();
    m_fd.close();
}

void InputPipe::updateNotifier()
{
    if (m_notifier)
        m_notifier->setEnabled(!m_pending.isEmpty());
}

bool waitForPipes(const OutputPipe *out, const OutputPipe *err, const InputPipe *in,
                  int exitDescriptor, int timeoutMsecs)
{
    std::vector<pollfd> watched;
    if (exitDescriptor >= 0)
        watched.push_back({exitDescriptor, POLLIN, 0});
    for (const OutputPipe *pipe : {out, err}) {
        if (pipe && pipe->isOpen())
            watched.push_back({pipe->descriptor(), POLLIN, 0});
    }
    if (in && in->isOpen() && in->hasPending())
        watched.push_back({in->descriptor(), POLLOUT, 0});
    return ::poll(watched.data(), watched.size(), timeoutMsecs) > 0;
}

} // namespace SharedChild::QtDetail
