// SPDX-License-Identifier: MIT
#include "standardstreams.h"

#include "filesystem.h"
#include "utf16.h"
#include "win32error.h"

#include <windows.h>

#include <algorithm>
#include <cerrno>

namespace SharedChild::Detail {

namespace {

constexpr const char *streamNames[] = {"stdin", "stdout", "stderr"};
constexpr DWORD stdHandleIds[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};

std::string failure(const Command &command, int stream, const std::string &what)
{
    return command.program() + ": cannot " + what + " for " + streamNames[stream];
}

// The parent's own stream, duplicated so that the child's copy can be made
// inheritable and closed without touching ours. None when we have none.
FileDescriptor duplicateOwn(const Command &command, int stream)
{
    const HANDLE own = ::GetStdHandle(stdHandleIds[stream]);
    if (own == nullptr || own == INVALID_HANDLE_VALUE)
        return {};
    HANDLE duplicate = nullptr;
    if (!::DuplicateHandle(::GetCurrentProcess(), own, ::GetCurrentProcess(), &duplicate, 0, FALSE,
                           DUPLICATE_SAME_ACCESS))
        throwLastWin32Error(failure(command, stream, "duplicate the parent's stream"));
    return FileDescriptor(duplicate);
}

// A copy of the caller's descriptor that the child can inherit while ours stays as it is.
FileDescriptor duplicateGiven(const Command &command, int stream, HANDLE given)
{
    HANDLE duplicate = nullptr;
    if (!::DuplicateHandle(::GetCurrentProcess(), given, ::GetCurrentProcess(), &duplicate, 0,
                           FALSE, DUPLICATE_SAME_ACCESS))
        throwLastWin32Error(failure(command, stream, "duplicate the given descriptor"));
    return FileDescriptor(duplicate);
}

FileDescriptor openFile(const Command &command, int stream, const Stdio &stdio)
{
    const bool null = stdio.kind() == Stdio::Kind::Null;
    const std::string &path = null ? std::string("NUL") : stdio.path();
    const std::optional<std::wstring> widePath = toUtf16(path);
    if (!widePath || path.find('\0') != std::string::npos)
        throwErrno(EINVAL, failure(command, stream, "open " + path));

    DWORD access = GENERIC_WRITE;
    DWORD disposition = CREATE_ALWAYS;
    if (null) {
        access = GENERIC_READ | GENERIC_WRITE;
        disposition = OPEN_EXISTING;
    } else if (stream == 0) {
        access = GENERIC_READ;
        disposition = OPEN_EXISTING;
    } else if (stdio.kind() == Stdio::Kind::AppendFile) {
        // Without FILE_WRITE_DATA every write goes to the end, atomically.
        access = FILE_APPEND_DATA | SYNCHRONIZE;
        disposition = OPEN_ALWAYS;
    }
    const HANDLE file = ::CreateFileW(widePath->c_str(), access,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                      nullptr, disposition, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE) {
        const DWORD error = ::GetLastError();
        if (fileKind(*widePath) == FileKind::Directory)
            throwErrno(EISDIR, failure(command, stream, "open " + path));
        throwWin32Error(error, failure(command, stream, "open " + path));
    }
    return FileDescriptor(file);
}

} // namespace

StandardStreams::StandardStreams(const Command &command)
{
    const Stdio *modes[] = {&command.stdinMode(), &command.stdoutMode(), &command.stderrMode()};
    for (int stream = 0; stream < 3; ++stream) {
        const Stdio &stdio = *modes[stream];
        switch (stdio.kind()) {
        case Stdio::Kind::Inherit:
            m_childEnds[stream] = duplicateOwn(command, stream);
            break;
        case Stdio::Kind::Null:
        case Stdio::Kind::File:
        case Stdio::Kind::AppendFile:
            if (stream == 0 && stdio.kind() == Stdio::Kind::AppendFile)
                throwErrno(EINVAL, failure(command, stream, "append to a file"));
            m_childEnds[stream] = openFile(command, stream, stdio);
            break;
        case Stdio::Kind::Pipe: {
            HANDLE readEnd = nullptr;
            HANDLE writeEnd = nullptr;
            if (!::CreatePipe(&readEnd, &writeEnd, nullptr, 0))
                throwLastWin32Error(failure(command, stream, "create a pipe"));
            FileDescriptor read(readEnd);
            FileDescriptor write(writeEnd);
            const bool childReads = stream == 0;
            m_childEnds[stream] = std::move(childReads ? read : write);
            m_parentEnds[stream] = std::move(childReads ? write : read);
            break;
        }
        case Stdio::Kind::MergeWithStdout:
            if (stream != 2)
                throwErrno(EINVAL, failure(command, stream, "merge with stdout"));
            m_mergeStderrIntoStdout = true;
            break;
        case Stdio::Kind::Descriptor:
            m_childEnds[stream] = duplicateGiven(command, stream, stdio.nativeDescriptor());
            break;
        }
    }
}

void *StandardStreams::childHandle(int stream) const
{
    if (stream == 2 && m_mergeStderrIntoStdout)
        stream = 1;
    const FileDescriptor &end = m_childEnds[static_cast<std::size_t>(stream)];
    return end.isValid() ? end.get() : nullptr;
}

std::vector<void *> StandardStreams::inheritedHandles() const
{
    std::vector<void *> handles;
    for (int stream = 0; stream < 3; ++stream) {
        void *handle = childHandle(stream);
        if (handle && std::find(handles.begin(), handles.end(), handle) == handles.end())
            handles.push_back(handle);
    }
    return handles;
}

void StandardStreams::makeInheritable() const
{
    for (void *handle : inheritedHandles()) {
        if (!::SetHandleInformation(handle, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
            throwLastWin32Error("SetHandleInformation");
    }
}

} // namespace SharedChild::Detail
