// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace SharedChild::Detail {

/// The UTF-16 form of UTF-8 `text` (what the W functions of Windows take);
/// empty when `text` is not valid UTF-8.
std::optional<std::wstring> toUtf16(std::string_view text);

/// The UTF-8 form of UTF-16 `text`; unpaired surrogates become U+FFFD.
std::string toUtf8(std::wstring_view text);

} // namespace SharedChild::Detail
