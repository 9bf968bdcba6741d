// SPDX-License-Identifier: MIT
// Windows has no SIGCHLD and keeps no zombies to lose: a process handle always
// gives the exit code. See childsignal.h.

#include <sharedchild/childsignal.h>

namespace SharedChild {

bool childrenAreReapedAutomatically()
{
    return false;
}

bool restoreChildSignalDefault()
{
    return false;
}

} // namespace SharedChild
