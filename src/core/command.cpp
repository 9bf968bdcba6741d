// SPDX-License-Identifier: MIT
#include <sharedchild/command.h>

#include <utility>

namespace SharedChild {

Command::Command(std::string program, std::vector<std::string> arguments)
    : m_program(std::move(program)), m_arguments(std::move(arguments))
{ }

Command &Command::setArguments(std::vector<std::string> arguments)
{
    m_arguments = std::move(arguments);
    return *this;
}

Command &Command::addArgument(std::string argument)
{
    m_arguments.push_back(std::move(argument));
    return *this;
}

Command &Command::setWorkingDirectory(std::string directory)
{
    m_workingDirectory = std::move(directory);
    return *this;
}

Command &Command::setEnvironment(std::vector<std::string> environment)
{
    m_environment = std::move(environment);
    return *this;
}

Command &Command::inheritEnvironment()
{
    m_environment.reset();
    return *this;
}

Command &Command::setStdin(Stdio stdio)
{
    m_stdin = std::move(stdio);
    return *this;
}

Command &Command::setStdout(Stdio stdio)
{
    m_stdout = std::move(stdio);
    return *this;
}

Command &Command::setStderr(Stdio stdio)
{
    m_stderr = std::move(stdio);
    return *this;
}

Command &Command::setNewProcessGroup(bool enabled)
{
    m_newProcessGroup = enabled;
    return *this;
}

Command &Command::setKillOnParentDeath(bool enabled)
{
    m_killOnParentDeath = enabled;
    return *this;
}

Command &Command::setChildSetup(std::function<void()> setup)
{
    m_childSetup = std::move(setup);
    return *this;
}

} // namespace SharedChild
