// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace SharedChild::Detail {

enum class FileKind { Missing, File, Directory };

/// What `path` names right now (GetFileAttributesW()).
FileKind fileKind(const std::wstring &path);

/// `path` made absolute against the current directory (GetFullPathNameW());
/// `path` itself when that fails.
std::wstring fullPath(const std::wstring &path);

} // namespace SharedChild::Detail
