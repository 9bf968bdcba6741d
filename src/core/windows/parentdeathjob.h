// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace SharedChild::Detail {

/// Command::setKillOnParentDeath() on Windows: the job object that a child
/// killed on parent death is created in (PROC_THREAD_ATTRIBUTE_JOB_LIST, so it
/// never runs outside it, not even when this process dies mid-spawn). One per
/// process, made at the first call and limited with
/// JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE; its only handle is never inherited and
/// never closed, so Windows closes it when this process ends, however it ends,
/// and then ends every process in the job. JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK
/// keeps the children's own children out of it, as PR_SET_PDEATHSIG on Linux
/// reaches only the direct child. Throws std::system_error naming `program`
/// when the job cannot be made; the next call tries again.
void *parentDeathJob(const std::string &program);

} // namespace SharedChild::Detail
