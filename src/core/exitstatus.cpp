// SPDX-License-Identifier: MIT
#include <sharedchild/exitstatus.h>

namespace SharedChild {

ExitStatus ExitStatus::exited(int code, ResourceUsage usage)
{
    ExitStatus status;
    status.m_kind = Kind::Exited;
    status.m_value = code;
    status.m_usage = usage;
    return status;
}

ExitStatus ExitStatus::signaled(int signal, bool coreDumped, ResourceUsage usage)
{
    ExitStatus status;
    status.m_kind = Kind::Signaled;
    status.m_value = signal;
    status.m_coreDumped = coreDumped;
    status.m_usage = usage;
    return status;
}

std::string ExitStatus::toString() const
{
    switch (m_kind) {
    case Kind::Invalid:
        return "no exit status";
    case Kind::Exited:
        return "exit code " + std::to_string(m_value);
    case Kind::Signaled:
        break;
    }
    std::string text = "killed by signal " + std::to_string(m_value);
    if (const std::string name = signalName(m_value); !name.empty())
        text += " (" + name + ")";
    if (m_coreDumped)
        text += ", core dumped";
    return text;
}

} // namespace SharedChild
