// SPDX-License-Identifier: MIT
#pragma once

#include <mutex>
#include <string>

namespace SharedChildStress {

/// The failures of one part, collected from any thread. The first few are
/// printed as they happen, so that a long run shows them early.
class Failures
{
public:
    explicit Failures(std::string part) : m_part(std::move(part)) { }

    /// Records a failure; any thread.
    void add(const std::string &what);
    int count() const;

private:
    const std::string m_part;
    mutable std::mutex m_mutex;
    int m_count = 0; // guarded by m_mutex
};

} // namespace SharedChildStress
