// SPDX-License-Identifier: MIT
#include "parentdeathjob.h"

#include "win32error.h"

#include <windows.h>

namespace SharedChild::Detail {

namespace {

HANDLE createParentDeathJob(const std::string &program)
{
    // Not inheritable (no security attributes): a child holding a handle would
    // keep the job open after this process died, and nothing would be killed.
    const HANDLE job = ::CreateJobObjectW(nullptr, nullptr);
    if (!job) {
        const DWORD error = ::GetLastError();
        throwWin32Error(error, program + ": kill on parent death: CreateJobObject");
    }
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

} // namespace

void *parentDeathJob(const std::string &program)
{
    // Never closed: closing it would end the children in it, which must live
    // as long as this process does. A creation that throws leaves it unmade.
    static const HANDLE job = createParentDeathJob(program);
    return job;
}

} // namespace SharedChild::Detail
