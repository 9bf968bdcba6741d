// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/exitstatus.h>

#include <string>
#include <system_error>
#include <vector>

namespace SharedChildStress {

/// Runs this program again behind `wrapper` (e.g. {"unshare", "--pid", ...};
/// may be empty) with `arguments`, sharing our standard streams and
/// environment, and waits for it. Throws std::system_error when it cannot
/// start (e.g. ENOENT when the wrapper is not installed).
SharedChild::ExitStatus runSelf(const std::vector<std::string> &wrapper,
                                const std::vector<std::string> &arguments);

/// Exit code of a part that could not run here (ctest's SKIP_RETURN_CODE).
constexpr int skippedExitCode = 77;

} // namespace SharedChildStress
