// SPDX-License-Identifier: MIT
// Backend choice on Windows: there is one, process handles.

#include "createprocess.h"
#include "win32error.h"
#include "win32processhandle.h"

#include <windows.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <variant>

namespace SharedChild::Detail {

std::variant<Child::Backend, std::string> chooseBackend(const std::string &requested)
{
    if (requested.empty() || requested == "windows")
        return Child::Backend::Windows;
    return std::string(R"(unknown backend (expected "windows"))");
}

SpawnedProcess spawnProcess(const Command &command)
{
    (void)Child::backend(); // an unknown SHAREDCHILD_BACKEND fails every spawn
    return spawnWithCreateProcess(command);
}

std::int64_t spawnDetachedProcess(const Command &command)
{
    (void)Child::backend();
    return spawnDetachedWithCreateProcess(command);
}

std::unique_ptr<ProcessHandle> adoptProcess(FileDescriptor handle)
{
    // Any process handle will do: while it is open the process ID cannot be
    // reused, and Windows has no reaping that someone else could do first.
    const DWORD pid = ::GetProcessId(handle.get());
    if (pid == 0)
        throwLastWin32Error("cannot adopt: not a process handle");
    return makeWin32ProcessHandle(handle.release(), pid);
}

std::unique_ptr<ProcessHandle> adoptProcess(std::int64_t pid)
{
    // OpenProcess() by ID could open whatever process reused the ID since the
    // child's own handles were closed: only a handle identifies a child safely.
    throwErrno(ENOTSUP,
               "pid " + std::to_string(pid)
                       + ": cannot adopt by process ID on Windows; adopt a process handle instead");
}

} // namespace SharedChild::Detail
