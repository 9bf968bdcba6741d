// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace SharedChild::Detail {

/// `text` with its control characters escaped ("\0" for NUL, "\xNN" for the
/// others), for error messages: a NUL byte in what() would end it early.
std::string escapeControlCharacters(std::string_view text);

/// `program` as error messages show it: escaped, and "(empty program name)"
/// when empty.
std::string displayName(std::string_view program);

} // namespace SharedChild::Detail
