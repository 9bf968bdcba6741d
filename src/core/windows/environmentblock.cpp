// SPDX-License-Identifier: MIT
#include "environmentblock.h"

#include <windows.h>

#include <algorithm>

namespace SharedChild::Detail {

namespace {

// The name of a KEY=VALUE entry. The search for '=' starts after the first
// character, so that "=C:=C:\\work" is named "=C:".
std::wstring_view nameOf(std::wstring_view entry)
{
    const auto equals = entry.find(L'=', 1);
    return equals == std::wstring_view::npos ? entry : entry.substr(0, equals);
}

// Ordinal, case-insensitive comparison: the order Windows requires of an
// environment block (uppercase, no locale).
int compareNames(std::wstring_view a, std::wstring_view b)
{
    return ::CompareStringOrdinal(a.data(), static_cast<int>(a.size()), b.data(),
                                  static_cast<int>(b.size()), TRUE)
            - CSTR_EQUAL;
}

} // namespace

std::wstring environmentBlock(std::vector<std::wstring> entries)
{
    std::stable_sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) {
        return compareNames(nameOf(a), nameOf(b)) < 0;
    });
    std::wstring block;
    for (const std::wstring &entry : entries) {
        block += entry;
        block += L'\0';
    }
    if (entries.empty())
        block += L'\0';
    block += L'\0';
    return block;
}

std::optional<std::wstring> environmentValue(const std::vector<std::wstring> &entries,
                                             std::wstring_view name)
{
    for (const std::wstring &entry : entries) {
        const std::wstring_view entryName = nameOf(entry);
        if (entryName.size() < entry.size() && compareNames(entryName, name) == 0)
            return entry.substr(entryName.size() + 1);
    }
    return std::nullopt;
}

} // namespace SharedChild::Detail
