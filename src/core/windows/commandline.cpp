// SPDX-License-Identifier: MIT
#include "commandline.h"

namespace SharedChild::Detail {

void appendQuotedArgument(std::wstring &line, std::wstring_view argument)
{
    if (!argument.empty() && argument.find_first_of(L" \t\n\v\"") == std::wstring_view::npos) {
        line += argument;
        return;
    }
    line += L'"';
    std::size_t backslashes = 0;
    for (const wchar_t c : argument) {
        if (c == L'\\') {
            ++backslashes;
            continue;
        }
        // Backslashes before a quote escape each other, and one more escapes
        // the quote; anywhere else they are literal.
        line.append(c == L'"' ? 2 * backslashes + 1 : backslashes, L'\\');
        backslashes = 0;
        line += c;
    }
    // The closing quote must not be escaped by trailing backslashes.
    line.append(2 * backslashes, L'\\');
    line += L'"';
}

std::wstring commandLine(std::wstring_view program, const std::vector<std::wstring> &arguments)
{
    std::wstring line;
    line += L'"';
    line += program;
    line += L'"';
    for (const std::wstring &argument : arguments) {
        line += L' ';
        appendQuotedArgument(line, argument);
    }
    return line;
}

} // namespace SharedChild::Detail
