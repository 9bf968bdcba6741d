// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <functional>

namespace SharedChild {
class Child;
}

namespace SharedChild::Detail {

/// The hasher for maps keyed by `const Child *`. With std::hash<const Child *>
/// the map's code would be exported from the library (Child is an exported
/// class); a hasher of ours, hidden like the rest of Detail, keeps it inside.
struct ChildPointerHash
{
    std::size_t operator()(const Child *child) const noexcept
    {
        return std::hash<const void *>()(child);
    }
};

} // namespace SharedChild::Detail
