// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/sharedchild_core_export.h>

#include <string>
#include <system_error>

namespace SharedChild {

/// The std::system_error that Child::spawn() and Child::spawnDetached() throw
/// when the child failed at a step a caller may want to tell apart, e.g. to
/// word the error as QProcess does ("chdir: ..."). Catching std::system_error
/// catches it too; what() names the program and the reason as always.
class SHAREDCHILD_CORE_EXPORT SpawnError : public std::system_error
{
public:
    enum class Step {
        WorkingDirectory, ///< entering the working directory failed
    };
    SpawnError(int error, const std::string &what, Step step);
    Step step() const noexcept { return m_step; }

private:
    Step m_step;
};

} // namespace SharedChild
