// SPDX-License-Identifier: MIT
// Windows has no signals. The library speaks of the numbers POSIX fixes (the
// same on every POSIX system), so that portable code can say sendSignal(9) or
// read "killed by signal 9 (SIGKILL)"; 9 and 15 map to TerminateProcess().

#include "../processhandle.h"

#include <array>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

namespace SharedChild {

namespace {

constexpr std::array fixedSignals = {
        std::pair{1, "SIGHUP"},   std::pair{2, "SIGINT"},  std::pair{3, "SIGQUIT"},
        std::pair{6, "SIGABRT"},  std::pair{9, "SIGKILL"}, std::pair{14, "SIGALRM"},
        std::pair{15, "SIGTERM"},
};

} // namespace

std::string signalName(int signal)
{
    for (const auto &[number, name] : fixedSignals) {
        if (number == signal)
            return name;
    }
    return {};
}

namespace Detail {

void validateSignal(int signal)
{
    if (signal == 0 || signal == 9 || signal == 15)
        return;
    const std::string name = signalName(signal);
    if (name.empty()) {
        throw std::system_error(EINVAL, std::generic_category(),
                                "signal " + std::to_string(signal)
                                        + " is not a valid signal number");
    }
    throw std::system_error(ENOTSUP, std::generic_category(),
                            "signal " + std::to_string(signal) + " (" + name
                                    + ") cannot be sent on Windows: only 9 (SIGKILL) and 15 "
                                      "(SIGTERM), which end the child with TerminateProcess()");
}

} // namespace Detail
} // namespace SharedChild
