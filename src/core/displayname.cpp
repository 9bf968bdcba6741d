// SPDX-License-Identifier: MIT
#include "displayname.h"

namespace SharedChild::Detail {

std::string escapeControlCharacters(std::string_view text)
{
    constexpr std::string_view hexDigits = "0123456789abcdef";
    std::string shown;
    shown.reserve(text.size());
    for (const char character : text) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte == 0) {
            shown += "\\0";
        } else if (byte < 0x20 || byte == 0x7f) {
            shown += "\\x";
            shown += hexDigits[byte >> 4];
            shown += hexDigits[byte & 0xf];
        } else {
            shown += character; // UTF-8 beyond ASCII stays readable
        }
    }
    return shown;
}

std::string displayName(std::string_view program)
{
    return program.empty() ? std::string("(empty program name)") : escapeControlCharacters(program);
}

} // namespace SharedChild::Detail
