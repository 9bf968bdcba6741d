// SPDX-License-Identifier: MIT
#pragma once

#include "../processhandle.h"

namespace SharedChild::Detail {

/// The Windows backend's spawn: CreateProcessW() with the program found in
/// the parent, arguments quoted for CommandLineToArgvW(), a sorted UTF-16
/// environment block, and STARTUPINFOEX whose PROC_THREAD_ATTRIBUTE_HANDLE_LIST
/// lets the child inherit its three standard handles and nothing else, so
/// that spawns on other threads cannot leak each other's pipe ends, and whose
/// PROC_THREAD_ATTRIBUTE_JOB_LIST creates a child killed on parent death in
/// the job of parentdeathjob.h.
SpawnedProcess spawnWithCreateProcess(const Command &command);

/// The same start, with the process and thread handles closed at once.
std::int64_t spawnDetachedWithCreateProcess(const Command &command);

} // namespace SharedChild::Detail
