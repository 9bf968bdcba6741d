// SPDX-License-Identifier: MIT
#pragma once

#include "../processhandle.h"

namespace SharedChild::Detail {

/// The exit code TerminateProcess() gives a child that kill(), terminate() or
/// sendSignal(9 or 15) ended: 0xF291, the code QProcess::kill() uses on Windows.
constexpr unsigned long terminatedExitCode = 0xF291;

/// A process known by its handle (opened with at least SYNCHRONIZE,
/// PROCESS_TERMINATE and PROCESS_QUERY_LIMITED_INFORMATION), which the object
/// owns. Waits are WaitForSingleObject() on the handle, kill and terminate are
/// TerminateProcess(), the status is GetExitCodeProcess() with GetProcessTimes()
/// and GetProcessMemoryInfo(). The open handle keeps the process ID from being
/// reused; reap() closes it. Windows keeps no zombies: nothing needs reaping.
///
/// Windows has no signals. A child that this object ended with
/// TerminateProcess() on behalf of kill() / terminate() / sendSignal(9 or 15)
/// and whose exit code is terminatedExitCode reports
/// ExitStatus::signaled(9 or 15): the documented mapping of child.h. An exit
/// code from 0x80000000 to 0xCFFFFFFF (an NTSTATUS warning or error: an
/// unhandled exception) reports ExitStatus::unhandledException(). Every other
/// exit, TerminateProcess() by anyone else included, reports its exit code.
std::unique_ptr<ProcessHandle> makeWin32ProcessHandle(void *process, unsigned long pid);

} // namespace SharedChild::Detail
