// SPDX-License-Identifier: MIT
#include <sharedchild/spawnerror.h>

namespace SharedChild {

SpawnError::SpawnError(int error, const std::string &what, Step step)
    : std::system_error(error, std::generic_category(), what), m_step(step)
{ }

} // namespace SharedChild
