// SPDX-License-Identifier: MIT
#include "../processhandle.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <string>
#include <system_error>
#include <utility>

static_assert(SharedChild::Child::killSignal == SIGKILL
              && SharedChild::Child::terminateSignal == SIGTERM);

namespace SharedChild {

std::string signalName(int signal)
{
    static constexpr std::array names = {
            std::pair{SIGHUP, "SIGHUP"},       std::pair{SIGINT, "SIGINT"},
            std::pair{SIGQUIT, "SIGQUIT"},     std::pair{SIGILL, "SIGILL"},
            std::pair{SIGTRAP, "SIGTRAP"},     std::pair{SIGABRT, "SIGABRT"},
            std::pair{SIGBUS, "SIGBUS"},       std::pair{SIGFPE, "SIGFPE"},
            std::pair{SIGKILL, "SIGKILL"},     std::pair{SIGUSR1, "SIGUSR1"},
            std::pair{SIGSEGV, "SIGSEGV"},     std::pair{SIGUSR2, "SIGUSR2"},
            std::pair{SIGPIPE, "SIGPIPE"},     std::pair{SIGALRM, "SIGALRM"},
            std::pair{SIGTERM, "SIGTERM"},     std::pair{SIGCHLD, "SIGCHLD"},
            std::pair{SIGCONT, "SIGCONT"},     std::pair{SIGSTOP, "SIGSTOP"},
            std::pair{SIGTSTP, "SIGTSTP"},     std::pair{SIGTTIN, "SIGTTIN"},
            std::pair{SIGTTOU, "SIGTTOU"},     std::pair{SIGURG, "SIGURG"},
            std::pair{SIGXCPU, "SIGXCPU"},     std::pair{SIGXFSZ, "SIGXFSZ"},
            std::pair{SIGVTALRM, "SIGVTALRM"}, std::pair{SIGPROF, "SIGPROF"},
            std::pair{SIGWINCH, "SIGWINCH"},   std::pair{SIGSYS, "SIGSYS"},
    };
    for (const auto &[number, name] : names) {
        if (number == signal)
            return name;
    }
#ifdef SIGRTMIN
    if (signal >= SIGRTMIN && signal <= SIGRTMAX)
        return "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
#endif
    return {};
}

namespace Detail {

void validateSignal(int signal)
{
    if (signal < 0 || signal >= NSIG) {
        throw std::system_error(EINVAL, std::generic_category(),
                                "signal " + std::to_string(signal)
                                        + " is not a valid signal number");
    }
}

} // namespace Detail
} // namespace SharedChild
