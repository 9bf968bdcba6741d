// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace SharedChild::Detail {

/// The environment block CreateProcessW() takes with CREATE_UNICODE_ENVIRONMENT:
/// every KEY=VALUE entry NUL-terminated, one more NUL at the end (two when
/// there is no entry at all), sorted by name as Windows requires: ordinal and
/// case-insensitive, equal names keeping their order. Names may start with
/// '=' (the per-drive directories, "=C:=C:\\work").
std::wstring environmentBlock(std::vector<std::wstring> entries);

/// The value of `name` among KEY=VALUE `entries`, the name compared
/// case-insensitively as Windows does; empty when absent.
std::optional<std::wstring> environmentValue(const std::vector<std::wstring> &entries,
                                             std::wstring_view name);

} // namespace SharedChild::Detail
