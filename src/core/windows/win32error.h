// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <system_error>

namespace SharedChild::Detail {

/// The error code the library reports for the Win32 error `error`: the errno
/// value of std::generic_category() where one fits (ERROR_FILE_NOT_FOUND is
/// ENOENT, ...), so that callers compare errors the same way on every OS;
/// std::system_category() with the Win32 code otherwise.
std::error_code errorCodeFromWin32(unsigned long error);

/// Throws std::system_error for the Win32 error `error`. `what` names the
/// program and the step; an unmapped code adds its number, since the C
/// runtime's message for it may be generic.
[[noreturn]] void throwWin32Error(unsigned long error, const std::string &what);

/// throwWin32Error() with GetLastError().
[[noreturn]] void throwLastWin32Error(const std::string &what);

/// Throws std::system_error with the errno value `error` (std::generic_category()).
[[noreturn]] void throwErrno(int error, const std::string &what);

} // namespace SharedChild::Detail
