// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace SharedChild::Detail {

/// The full path of the executable that `program` names, found in the
/// parent so that errors can say what happened:
/// - with a directory part ('/', '\\' or a drive), the file itself, else
///   (without an extension) the file with the first PATHEXT extension that exists;
/// - a bare name is looked up in the PATH directories in order, each with
///   every PATHEXT extension unless the name has an extension of its own.
/// PATH and PATHEXT come from the child's `environment` when one is set, else
/// from the parent's. Nothing else is searched: not the program's own
/// directory, not the system directories, so a child's PATH means what it says.
///
/// `programText` is the program as the caller gave it (UTF-8), for messages.
/// Throws std::system_error: ENOENT when nothing is found, EACCES for a
/// directory, ENOEXEC for a batch file (CreateProcessW() would run it through
/// cmd.exe, whose quoting rules differ from the ones the arguments get).
std::wstring findProgram(const std::string &programText, const std::wstring &program,
                         const std::optional<std::vector<std::wstring>> &environment);

} // namespace SharedChild::Detail
