// SPDX-License-Identifier: MIT
#include "failures.h"

#include <cstdio>

namespace SharedChildStress {

namespace {
constexpr int printedFailures = 20; // enough to see a pattern, few enough to read
}

void Failures::add(const std::string &what)
{
    std::lock_guard lock(m_mutex);
    if (++m_count <= printedFailures)
        std::fprintf(stderr, "FAIL [%s] %s\n", m_part.c_str(), what.c_str());
    else if (m_count == printedFailures + 1)
        std::fprintf(stderr, "FAIL [%s] (further failures are counted, not printed)\n",
                     m_part.c_str());
}

int Failures::count() const
{
    std::lock_guard lock(m_mutex);
    return m_count;
}

} // namespace SharedChildStress
