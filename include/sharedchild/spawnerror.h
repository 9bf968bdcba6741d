// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::SpawnError, the error of a failed spawn step.
#pragma once

#include <sharedchild/sharedchild_core_export.h>

#include <string>
#include <system_error>

namespace SharedChild {

/// The std::system_error that Child::spawn() and Child::spawnDetached() throw
/// when the child failed at a step a caller may want to tell apart, for
/// instance to word the error as QProcess does ("chdir: ..."). Catching
/// std::system_error catches it too; what() names the program and the reason
/// as always.
///
/// \reentrant
class SHAREDCHILD_CORE_EXPORT SpawnError : public std::system_error
{
public:
    /// The step of starting a child that failed.
    enum class Step {
        WorkingDirectory, ///< entering the working directory failed
    };
    /// An error with the OS error number `error` (std::generic_category()),
    /// the message `what` and the failed `step`.
    SpawnError(int error, const std::string &what, Step step);
    /// The step that failed.
    Step step() const noexcept { return m_step; }

private:
    Step m_step;
};

} // namespace SharedChild
