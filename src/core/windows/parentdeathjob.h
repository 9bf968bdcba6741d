// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace SharedChild::Detail {

/// Command::setKillOnParentDeath() on Windows. This process keeps one job
/// object limited with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, whose only handle it
/// never closes and never lets a child inherit: Windows closes that handle when
/// the process ends, however it ends, and then ends every process in the job.
/// JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK keeps the children's own children out
/// of it, as PR_SET_PDEATHSIG on Linux reaches only the direct child.
///
/// Puts `process`, created with CREATE_SUSPENDED so that it cannot start
/// children of its own before, in that job, and resumes `thread`, its main
/// thread. On failure it ends the process (and waits for its end), closes both
/// handles and throws std::system_error naming `program` and the reason.
void resumeInParentDeathJob(void *process, void *thread, const std::string &program);

} // namespace SharedChild::Detail
