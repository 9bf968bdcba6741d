// SPDX-License-Identifier: MIT
// SIGCHLD's disposition decides whether children leave a status to collect;
// see childsignal.h.

#include <sharedchild/childsignal.h>

#include <cerrno>
#include <csignal>
#include <system_error>

namespace SharedChild {

namespace {

struct sigaction currentChildAction()
{
    struct sigaction action = {};
    if (::sigaction(SIGCHLD, nullptr, &action) != 0)
        throw std::system_error(errno, std::generic_category(), "sigaction(SIGCHLD)");
    return action;
}

bool reapsAutomatically(const struct sigaction &action)
{
    return action.sa_handler == SIG_IGN || (action.sa_flags & SA_NOCLDWAIT) != 0;
}

} // namespace

bool childrenAreReapedAutomatically()
{
    return reapsAutomatically(currentChildAction());
}

bool restoreChildSignalDefault()
{
    struct sigaction action = currentChildAction();
    if (!reapsAutomatically(action))
        return false;
    // A handler the program installed stays; only the flag that throws the
    // status away goes. SA_SIGINFO and sa_sigaction share the handler's slot.
    if (action.sa_handler == SIG_IGN) {
        action.sa_handler = SIG_DFL;
        action.sa_flags = 0;
        sigemptyset(&action.sa_mask);
    }
    action.sa_flags &= ~SA_NOCLDWAIT;
    if (::sigaction(SIGCHLD, &action, nullptr) != 0)
        throw std::system_error(errno, std::generic_category(), "sigaction(SIGCHLD)");
    return true;
}

} // namespace SharedChild
