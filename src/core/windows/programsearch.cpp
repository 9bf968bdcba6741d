// SPDX-License-Identifier: MIT
#include "programsearch.h"

#include "environmentblock.h"
#include "filesystem.h"
#include "utf16.h"
#include "win32error.h"

#include <windows.h>

#include <algorithm>
#include <cerrno>

namespace SharedChild::Detail {

namespace {

// A variable of the child's environment when it has one, else of ours.
std::optional<std::wstring> variable(const std::optional<std::vector<std::wstring>> &environment,
                                     const wchar_t *name)
{
    if (environment)
        return environmentValue(*environment, name);
    const DWORD size = ::GetEnvironmentVariableW(name, nullptr, 0);
    if (size == 0)
        return std::nullopt;
    std::wstring value(size, L'\0');
    value.resize(::GetEnvironmentVariableW(name, value.data(), size));
    return value;
}

// The ';'-separated entries of a PATH-like list, without empty entries and
// without the quotes that may surround an entry holding ';'.
std::vector<std::wstring> splitList(const std::wstring &list)
{
    std::vector<std::wstring> entries;
    std::size_t begin = 0;
    while (begin <= list.size()) {
        const auto end = std::min(list.find(L';', begin), list.size());
        std::wstring entry = list.substr(begin, end - begin);
        if (entry.size() >= 2 && entry.front() == L'"' && entry.back() == L'"')
            entry = entry.substr(1, entry.size() - 2);
        if (!entry.empty())
            entries.push_back(std::move(entry));
        begin = end + 1;
    }
    return entries;
}

bool hasDirectoryPart(const std::wstring &program)
{
    return program.find_first_of(L"/\\:") != std::wstring::npos;
}

bool hasExtension(const std::wstring &path)
{
    const auto nameStart = path.find_last_of(L"/\\:");
    const auto dot = path.rfind(L'.');
    return dot != std::wstring::npos && (nameStart == std::wstring::npos || dot > nameStart);
}

bool endsWithIgnoringCase(const std::wstring &text, std::wstring_view suffix)
{
    if (text.size() < suffix.size())
        return false;
    const std::wstring_view tail = std::wstring_view(text).substr(text.size() - suffix.size());
    return ::CompareStringOrdinal(tail.data(), static_cast<int>(tail.size()), suffix.data(),
                                  static_cast<int>(suffix.size()), TRUE)
            == CSTR_EQUAL;
}

// Whether CreateProcessW() would hand `path` (a full path) to cmd.exe. The
// trailing dots and spaces are dropped once more in case a path kept some
// (GetFullPathNameW() leaves a path that starts with \\?\ as it is): refusing such an odd
// name costs nothing, missing a batch file would.
bool isBatchFileName(const std::wstring &path)
{
    const auto end = path.find_last_not_of(L". ");
    const std::wstring name = path.substr(0, end == std::wstring::npos ? 0 : end + 1);
    return endsWithIgnoringCase(name, L".bat") || endsWithIgnoringCase(name, L".cmd");
}

// The first of `path` and `path` + each PATHEXT extension that is a file.
std::optional<std::wstring> firstFile(const std::wstring &path, bool tryAsGiven,
                                      const std::vector<std::wstring> &extensions)
{
    if (tryAsGiven && fileKind(path) == FileKind::File)
        return path;
    if (hasExtension(path))
        return std::nullopt;
    for (const std::wstring &extension : extensions) {
        std::wstring candidate = path + extension;
        if (fileKind(candidate) == FileKind::File)
            return candidate;
    }
    return std::nullopt;
}

} // namespace

std::wstring findProgram(const std::string &programText, const std::wstring &program,
                         const std::optional<std::vector<std::wstring>> &environment)
{
    const std::vector<std::wstring> extensions
            = splitList(variable(environment, L"PATHEXT").value_or(L".COM;.EXE;.BAT;.CMD"));
    std::optional<std::wstring> found;
    if (hasDirectoryPart(program)) {
        found = firstFile(program, true, extensions);
        if (!found && fileKind(program) == FileKind::Directory)
            throwErrno(EACCES, programText + ": is a directory");
        if (!found)
            throwErrno(ENOENT, programText);
    } else {
        for (const std::wstring &directory :
             splitList(variable(environment, L"PATH").value_or(L""))) {
            const bool separated = directory.back() == L'\\' || directory.back() == L'/';
            found = firstFile(directory + (separated ? L"" : L"\\") + program,
                              hasExtension(program), extensions);
            if (found)
                break;
        }
        if (!found)
            throwErrno(ENOENT, programText + " (searched in PATH)");
    }
    // CreateProcessW() runs a file that is no program through cmd.exe when the
    // last four characters of its normalised path say ".bat" or ".cmd", and
    // cmd.exe would then read the arguments as commands. The spelling that
    // found the file proves nothing ("x.bat.", "x.bat ", "x.bat/." and a
    // PATHEXT entry ".BAT." all open x.bat), so the check looks at the very
    // string CreateProcessW() is given: the normalised one.
    const std::optional<std::wstring> application = fullPath(*found);
    if (!application)
        throwLastWin32Error(programText + ": cannot resolve the path " + toUtf8(*found));
    if (isBatchFileName(*application)) {
        throwErrno(ENOEXEC,
                   programText + ": " + toUtf8(*application)
                           + " is a batch file; start cmd.exe /c with it (its quoting rules "
                             "are not the ones the arguments get)");
    }
    return *application;
}

} // namespace SharedChild::Detail
