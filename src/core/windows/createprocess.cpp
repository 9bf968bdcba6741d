// SPDX-License-Identifier: MIT
#include "createprocess.h"

#include "parentdeathjob.h"
#include "spawnrequest.h"
#include "standardstreams.h"
#include "win32error.h"
#include "win32processhandle.h"

#include <windows.h>

#include <cerrno>
#include <vector>

namespace SharedChild::Detail {

namespace {

// A PROC_THREAD_ATTRIBUTE_LIST naming the only handles the child inherits.
// `handles` must outlive the list: Windows keeps a pointer to it.
class InheritedHandleList
{
public:
    explicit InheritedHandleList(std::vector<HANDLE> &handles)
    {
        SIZE_T size = 0;
        ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
        m_storage.resize(size);
        if (!::InitializeProcThreadAttributeList(list(), 1, 0, &size))
            throwLastWin32Error("InitializeProcThreadAttributeList");
        if (!::UpdateProcThreadAttribute(list(), 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                         handles.data(), handles.size() * sizeof(HANDLE), nullptr,
                                         nullptr)) {
            const DWORD error = ::GetLastError();
            ::DeleteProcThreadAttributeList(list());
            throwWin32Error(error, "UpdateProcThreadAttribute");
        }
    }
    ~InheritedHandleList() { ::DeleteProcThreadAttributeList(list()); }
    InheritedHandleList(const InheritedHandleList &) = delete;
    InheritedHandleList &operator=(const InheritedHandleList &) = delete;

    LPPROC_THREAD_ATTRIBUTE_LIST list()
    {
        return reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(m_storage.data());
    }

private:
    std::vector<unsigned char> m_storage;
};

void refuseUnsupported(const Command &command)
{
    if (command.childSetup()) {
        throwErrno(ENOTSUP,
                   command.program()
                           + ": a child setup hook is not supported on Windows (no fork)");
    }
}

// CreateProcessW() for `request` with `streams`; the caller owns both
// handles in the result. A child killed on parent death starts suspended and
// runs once it is in the job that ends it.
PROCESS_INFORMATION createProcess(SpawnRequest &request, StandardStreams &streams)
{
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = streams.childHandle(0);
    startup.StartupInfo.hStdOutput = streams.childHandle(1);
    startup.StartupInfo.hStdError = streams.childHandle(2);

    std::vector<HANDLE> inherited = streams.inheritedHandles();
    std::optional<InheritedHandleList> handleList;
    DWORD flags = CREATE_UNICODE_ENVIRONMENT;
    const bool killOnParentDeath = request.command->killOnParentDeath();
    if (killOnParentDeath)
        flags |= CREATE_SUSPENDED;
    if (!inherited.empty()) {
        handleList.emplace(inherited);
        startup.lpAttributeList = handleList->list();
        flags |= EXTENDED_STARTUPINFO_PRESENT;
        streams.makeInheritable();
    }

    PROCESS_INFORMATION process{};
    // CreateProcessW() may write to the command line, so it gets its own copy.
    std::wstring commandLine = request.commandLine;
    const BOOL started = ::CreateProcessW(
            request.application.c_str(), commandLine.data(), nullptr, nullptr,
            inherited.empty() ? FALSE : TRUE, flags,
            request.environmentBlock ? request.environmentBlock->data() : nullptr,
            request.workingDirectory ? request.workingDirectory->c_str() : nullptr,
            &startup.StartupInfo, &process);
    if (!started)
        throwCreateProcessError(request, ::GetLastError());
    if (killOnParentDeath)
        resumeInParentDeathJob(process.hProcess, process.hThread, request.command->program());
    return process;
}

} // namespace

SpawnedProcess spawnWithCreateProcess(const Command &command)
{
    refuseUnsupported(command);
    SpawnRequest request = makeSpawnRequest(command);
    StandardStreams streams(command);
    const PROCESS_INFORMATION process = createProcess(request, streams);
    ::CloseHandle(process.hThread);
    return {makeWin32ProcessHandle(process.hProcess, process.dwProcessId),
            streams.takeParentEnds()};
}

std::int64_t spawnDetachedWithCreateProcess(const Command &command)
{
    refuseUnsupported(command);
    SpawnRequest request = makeSpawnRequest(command);
    StandardStreams streams(command);
    const PROCESS_INFORMATION process = createProcess(request, streams);
    ::CloseHandle(process.hThread);
    ::CloseHandle(process.hProcess);
    return process.dwProcessId;
}

} // namespace SharedChild::Detail
