// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace SharedChild::Detail {

/// Appends `argument` to `line`, quoted by the rules of the Microsoft C
/// runtime, so that CommandLineToArgvW() (and every program built with that
/// runtime) gives back exactly `argument`: no quotes unless it is empty or
/// holds blanks or quotes; inside quotes, a quote is escaped by a backslash,
/// and backslashes are doubled only where a quote follows them.
void appendQuotedArgument(std::wstring &line, std::wstring_view argument);

/// The command line for CreateProcessW(): `program` as the first word (quoted
/// always, since the runtime reads the program name up to the next quote
/// without escapes) followed by every argument quoted as above. The caller
/// guarantees that `program` holds no double quote.
std::wstring commandLine(std::wstring_view program, const std::vector<std::wstring> &arguments);

/// The longest command line CreateProcessW() accepts, in UTF-16 code units
/// without the terminating NUL.
constexpr std::size_t maxCommandLineLength = 32766;

} // namespace SharedChild::Detail
