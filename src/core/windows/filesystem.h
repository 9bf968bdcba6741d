// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace SharedChild::Detail {

enum class FileKind { Missing, File, Directory };

/// What `path` names right now (GetFileAttributesW()).
FileKind fileKind(const std::wstring &path);

/// `path` made absolute against the current directory and normalised as
/// Windows does before it opens a file (GetFullPathNameW(): '/' becomes '\\',
/// "." and ".." go, and so do the trailing dots and spaces of the last name);
/// empty when that fails.
std::optional<std::wstring> fullPath(const std::wstring &path);

} // namespace SharedChild::Detail
