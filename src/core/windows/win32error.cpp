// SPDX-License-Identifier: MIT
#include "win32error.h"

#include <windows.h>

#include <cerrno>

namespace SharedChild::Detail {

namespace {

// The errno value for the Win32 errors that spawning, waiting and opening
// files produce; 0 when none fits.
int errnoFromWin32(unsigned long error)
{
    switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
    case ERROR_MOD_NOT_FOUND:
        return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        return EACCES;
    case ERROR_TOO_MANY_OPEN_FILES:
        return EMFILE;
    case ERROR_INVALID_HANDLE:
        return EBADF;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT:
        return ENOMEM;
    case ERROR_BAD_FORMAT:
    case ERROR_BAD_EXE_FORMAT:
    case ERROR_INVALID_EXE_SIGNATURE:
    case ERROR_EXE_MACHINE_TYPE_MISMATCH:
        return ENOEXEC;
    case ERROR_DIRECTORY:
        return ENOTDIR;
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_NAME:
        return EINVAL;
    case ERROR_FILENAME_EXCED_RANGE:
        return ENAMETOOLONG;
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
        return EPIPE;
    case ERROR_NOT_SUPPORTED:
        return ENOTSUP;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        return EEXIST;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        return ENOSPC;
    case ERROR_WRITE_PROTECT:
        return EROFS;
    case ERROR_NO_PROC_SLOTS:
    case ERROR_MAX_THRDS_REACHED:
        return EAGAIN;
    default:
        return 0;
    }
}

} // namespace

std::error_code errorCodeFromWin32(unsigned long error)
{
    if (const int mapped = errnoFromWin32(error))
        return {mapped, std::generic_category()};
    return {static_cast<int>(error), std::system_category()};
}

void throwWin32Error(unsigned long error, const std::string &what)
{
    const std::error_code code = errorCodeFromWin32(error);
    if (code.category() == std::generic_category())
        throw std::system_error(code, what);
    throw std::system_error(code, what + " (Windows error " + std::to_string(error) + ")");
}

void throwLastWin32Error(const std::string &what)
{
    throwWin32Error(::GetLastError(), what);
}

void throwErrno(int error, const std::string &what)
{
    throw std::system_error(error, std::generic_category(), what);
}

} // namespace SharedChild::Detail
