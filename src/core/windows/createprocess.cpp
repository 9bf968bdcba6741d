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

// Windows 10 1607's attribute, which the SDK hides from code that also runs
// on Windows 7 (_WIN32_WINNT 0x0601); older Windows refuses it.
constexpr DWORD_PTR jobListAttribute = ProcThreadAttributeValue(13, FALSE, TRUE, FALSE);

// The PROC_THREAD_ATTRIBUTE_LIST of a spawn: the only handles the child
// inherits, and the job it is created in, each when there is one. `handles`
// and `job` must outlive the list: Windows keeps pointers to them.
class SpawnAttributes
{
public:
    SpawnAttributes(std::vector<HANDLE> &handles, HANDLE *job, const std::string &program)
    {
        const DWORD count = (handles.empty() ? 0 : 1) + (job ? 1 : 0);
        SIZE_T size = 0;
        ::InitializeProcThreadAttributeList(nullptr, count, 0, &size);
        m_storage.resize(size);
        if (!::InitializeProcThreadAttributeList(list(), count, 0, &size))
            throwLastWin32Error(program + ": InitializeProcThreadAttributeList");
        try {
            if (!handles.empty()) {
                update(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles.data(),
                       handles.size() * sizeof(HANDLE), program + ": inherited handles");
            }
            if (job) {
                update(jobListAttribute, job, sizeof(HANDLE),
                       program + ": kill on parent death (Windows 10 1607 or later)");
            }
        } catch (...) {
            ::DeleteProcThreadAttributeList(list());
            throw;
        }
    }
    ~SpawnAttributes() { ::DeleteProcThreadAttributeList(list()); }
    SpawnAttributes(const SpawnAttributes &) = delete;
    SpawnAttributes &operator=(const SpawnAttributes &) = delete;

    LPPROC_THREAD_ATTRIBUTE_LIST list()
    {
        return reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(m_storage.data());
    }

private:
    void update(DWORD_PTR attribute, void *value, SIZE_T size, const std::string &what)
    {
        if (!::UpdateProcThreadAttribute(list(), 0, attribute, value, size, nullptr, nullptr)) {
            const DWORD error = ::GetLastError();
            throwWin32Error(error, what);
        }
    }

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
// handles in the result.
PROCESS_INFORMATION createProcess(SpawnRequest &request, StandardStreams &streams)
{
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = streams.childHandle(0);
    startup.StartupInfo.hStdOutput = streams.childHandle(1);
    startup.StartupInfo.hStdError = streams.childHandle(2);

    std::vector<HANDLE> inherited = streams.inheritedHandles();
    HANDLE job = request.command->killOnParentDeath() ? parentDeathJob(request.command->program())
                                                      : nullptr;
    std::optional<SpawnAttributes> attributes;
    DWORD flags = CREATE_UNICODE_ENVIRONMENT;
    if (!inherited.empty() || job) {
        attributes.emplace(inherited, job ? &job : nullptr, request.command->program());
        startup.lpAttributeList = attributes->list();
        flags |= EXTENDED_STARTUPINFO_PRESENT;
    }
    if (!inherited.empty())
        streams.makeInheritable();

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
