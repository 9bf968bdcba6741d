// SPDX-License-Identifier: MIT
#include "selfrun.h"

#include <sharedchild/child.h>

#include <filesystem>

namespace SharedChildStress {

SharedChild::ExitStatus runSelf(const std::vector<std::string> &wrapper,
                                const std::vector<std::string> &arguments)
{
    std::vector<std::string> command = wrapper;
    command.push_back(std::filesystem::read_symlink("/proc/self/exe").string());
    command.insert(command.end(), arguments.begin(), arguments.end());
    const std::string program = command.front();
    command.erase(command.begin());
    return SharedChild::Child::spawn(SharedChild::Command(program, command))->wait();
}

} // namespace SharedChildStress
