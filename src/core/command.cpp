// SPDX-License-Identifier: MIT
#include <sharedchild/command.h>

#include <utility>

namespace SharedChild {

struct Command::Data
{
    std::string program;
    std::vector<std::string> arguments;
    std::optional<std::string> workingDirectory;
    std::optional<std::vector<std::string>> environment;
    Stdio stdinMode = Stdio::inherit();
    Stdio stdoutMode = Stdio::inherit();
    Stdio stderrMode = Stdio::inherit();
    bool newProcessGroup = false;
    bool killOnParentDeath = false;
    std::function<void()> childSetup;
};

Command::Command(std::string program, std::vector<std::string> arguments)
    : d(std::make_unique<Data>())
{
    d->program = std::move(program);
    d->arguments = std::move(arguments);
}

Command::Command(const Command &other) : d(std::make_unique<Data>(other.data())) { }

Command::Command(Command &&other) noexcept = default;

Command &Command::operator=(const Command &other)
{
    if (this != &other)
        d = std::make_unique<Data>(other.data());
    return *this;
}

Command &Command::operator=(Command &&other) noexcept = default;

Command::~Command() = default;

// A moved-from Command reads as one with nothing set; a setter gives it data
// again. The static is reached only then: its guard costs every read otherwise.
const Command::Data &Command::data() const noexcept
{
    if (d)
        return *d;
    static const Data empty;
    return empty;
}

Command::Data &Command::writable()
{
    if (!d)
        d = std::make_unique<Data>();
    return *d;
}

const std::string &Command::program() const noexcept
{
    return data().program;
}

const std::vector<std::string> &Command::arguments() const noexcept
{
    return data().arguments;
}

Command &Command::setArguments(std::vector<std::string> arguments)
{
    writable().arguments = std::move(arguments);
    return *this;
}

Command &Command::addArgument(std::string argument)
{
    writable().arguments.push_back(std::move(argument));
    return *this;
}

const std::optional<std::string> &Command::workingDirectory() const noexcept
{
    return data().workingDirectory;
}

Command &Command::setWorkingDirectory(std::string directory)
{
    writable().workingDirectory = std::move(directory);
    return *this;
}

const std::optional<std::vector<std::string>> &Command::environment() const noexcept
{
    return data().environment;
}

Command &Command::setEnvironment(std::vector<std::string> environment)
{
    writable().environment = std::move(environment);
    return *this;
}

Command &Command::inheritEnvironment()
{
    writable().environment.reset();
    return *this;
}

const Stdio &Command::stdinMode() const noexcept
{
    return data().stdinMode;
}

const Stdio &Command::stdoutMode() const noexcept
{
    return data().stdoutMode;
}

const Stdio &Command::stderrMode() const noexcept
{
    return data().stderrMode;
}

Command &Command::setStdin(Stdio stdio)
{
    writable().stdinMode = std::move(stdio);
    return *this;
}

Command &Command::setStdout(Stdio stdio)
{
    writable().stdoutMode = std::move(stdio);
    return *this;
}

Command &Command::setStderr(Stdio stdio)
{
    writable().stderrMode = std::move(stdio);
    return *this;
}

bool Command::newProcessGroup() const noexcept
{
    return data().newProcessGroup;
}

Command &Command::setNewProcessGroup(bool enabled)
{
    writable().newProcessGroup = enabled;
    return *this;
}

bool Command::killOnParentDeath() const noexcept
{
    return data().killOnParentDeath;
}

Command &Command::setKillOnParentDeath(bool enabled)
{
    writable().killOnParentDeath = enabled;
    return *this;
}

const std::function<void()> &Command::childSetup() const noexcept
{
    return data().childSetup;
}

Command &Command::setChildSetup(std::function<void()> setup)
{
    writable().childSetup = std::move(setup);
    return *this;
}

} // namespace SharedChild
