// SPDX-License-Identifier: MIT
#include "standardstreams.h"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace SharedChild::Detail {

namespace {

constexpr const char *streamNames[] = {"stdin", "stdout", "stderr"};

[[noreturn]] void fail(const Command &command, int stream, const std::string &what)
{
    throw std::system_error(errno, std::generic_category(),
                            command.program() + ": cannot " + what + " for " + streamNames[stream]);
}

// The child dup2()s these onto 0, 1 and 2; a source that is itself one of
// those numbers (because the parent had closed its own stdin, say) could be
// overwritten by an earlier dup2, so every source is moved to 3 or above.
FileDescriptor aboveStandardStreams(int fd)
{
    if (fd < 0 || fd > 2)
        return FileDescriptor(fd);
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    const int error = errno;
    ::close(fd);
    errno = error;
    return FileDescriptor(moved);
}

FileDescriptor openFile(const Command &command, int stream, const Stdio &stdio)
{
    int flags = O_CLOEXEC;
    if (stdio.kind() == Stdio::Kind::Null)
        flags |= O_RDWR;
    else if (stream == 0)
        flags |= O_RDONLY;
    else
        flags |= O_WRONLY | O_CREAT
                | (stdio.kind() == Stdio::Kind::AppendFile ? O_APPEND : O_TRUNC);
    const std::string &path = stdio.kind() == Stdio::Kind::Null ? "/dev/null" : stdio.path();
    FileDescriptor fd = aboveStandardStreams(::open(path.c_str(), flags, 0666));
    if (!fd)
        fail(command, stream, "open " + path);
    return fd;
}

void openPipe(const Command &command, int stream, SpawnPlan &plan)
{
    int ends[2] = {-1, -1};
    if (::pipe2(ends, O_CLOEXEC) != 0)
        fail(command, stream, "create a pipe");
    FileDescriptor readEnd = aboveStandardStreams(ends[0]);
    FileDescriptor writeEnd = aboveStandardStreams(ends[1]);
    if (!readEnd || !writeEnd)
        fail(command, stream, "create a pipe");
    const bool childReads = stream == 0;
    plan.childEnds[stream] = std::move(childReads ? readEnd : writeEnd);
    plan.parentEnds[stream] = std::move(childReads ? writeEnd : readEnd);
}

} // namespace

void openStandardStreams(const Command &command, SpawnPlan &plan)
{
    const Stdio *modes[] = {&command.stdinMode(), &command.stdoutMode(), &command.stderrMode()};
    for (int stream = 0; stream < 3; ++stream) {
        const Stdio &stdio = *modes[stream];
        switch (stdio.kind()) {
        case Stdio::Kind::Inherit:
            break;
        case Stdio::Kind::Null:
        case Stdio::Kind::File:
        case Stdio::Kind::AppendFile:
            if (stream == 0 && stdio.kind() == Stdio::Kind::AppendFile) {
                errno = EINVAL;
                fail(command, stream, "append to a file");
            }
            plan.childEnds[stream] = openFile(command, stream, stdio);
            break;
        case Stdio::Kind::Pipe:
            openPipe(command, stream, plan);
            break;
        case Stdio::Kind::MergeWithStdout:
            if (stream != 2) {
                errno = EINVAL;
                fail(command, stream, "merge with stdout");
            }
            plan.mergeStderrIntoStdout = true;
            break;
        case Stdio::Kind::Descriptor:
            // A copy, above the standard numbers, that the child dup2()s as any other source.
            plan.childEnds[stream]
                    = FileDescriptor(::fcntl(stdio.nativeDescriptor(), F_DUPFD_CLOEXEC, 3));
            if (!plan.childEnds[stream])
                fail(command, stream, "use the given descriptor");
            break;
        }
    }
}

} // namespace SharedChild::Detail
