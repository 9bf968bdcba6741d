// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/exitstatus.h>

#include <csignal>
#include <optional>
#include <sys/resource.h>

namespace SharedChild::Detail {

ResourceUsage resourceUsageFrom(const struct rusage &usage);

/// The exit status in a siginfo_t filled by waitid(WEXITED); empty when it
/// reports no exit (no child ready, or a stop/continue event).
std::optional<ExitStatus> exitStatusFrom(const siginfo_t &info, ResourceUsage usage = {});

/// The stop signal in a siginfo_t filled by waitid(WSTOPPED | WCONTINUED);
/// empty for a continue report or when nothing was pending.
std::optional<int> stopSignalFrom(const siginfo_t &info);

/// The exit status in a status word filled by waitpid()/wait4().
ExitStatus exitStatusFromWaitStatus(int status, ResourceUsage usage = {});

} // namespace SharedChild::Detail
