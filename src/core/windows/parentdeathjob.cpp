// SPDX-License-Identifier: MIT
#include "parentdeathjob.h"

#include "win32error.h"

#include <windows.h>

namespace SharedChild::Detail {

namespace {

HANDLE createParentDeathJob(const std::string &program)
{
    // Default security attributes: the handle is not inheritable.
    const HANDLE job = ::CreateJobObjectW(nullptr, nullptr);
    if (!job)
        throwLastWin32Error(program + ": kill on parent death: CreateJobObject");
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    limits.BasicLimitInformation.LimitFlags
            = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK;
    if (!::SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits,
                                   sizeof limits)) {
        const DWORD error = ::GetLastError();
        ::CloseHandle(job);
        throwWin32Error(error, program + ": kill on parent death: SetInformationJobObject");
    }
    return job;
}

// Never closed: closing it would end the children it holds, which must live
// as long as this process does. A failed creation is tried again next time,
// and its error names the program that asked for it.
HANDLE parentDeathJob(const std::string &program)
{
    static const HANDLE job = createParentDeathJob(program);
    return job;
}

void putInJobAndResume(HANDLE process, HANDLE thread, const std::string &program)
{
    if (!::AssignProcessToJobObject(parentDeathJob(program), process))
        throwLastWin32Error(program + ": kill on parent death: AssignProcessToJobObject");
    if (::ResumeThread(thread) == static_cast<DWORD>(-1))
        throwLastWin32Error(program + ": ResumeThread");
}

} // namespace

void resumeInParentDeathJob(void *process, void *thread, const std::string &program)
{
    try {
        putInJobAndResume(process, thread, program);
    } catch (...) {
        // The child never ran a line of its own: nothing of it may remain.
        ::TerminateProcess(process, 1);
        ::WaitForSingleObject(process, INFINITE);
        ::CloseHandle(thread);
        ::CloseHandle(process);
        throw;
    }
}

} // namespace SharedChild::Detail
