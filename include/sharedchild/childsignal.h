// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/sharedchild_core_export.h>

namespace SharedChild {

/// \file
/// SIGCHLD and the status of children.
///
/// When SIGCHLD's disposition is SIG_IGN, or its handler was installed with
/// SA_NOCLDWAIT, the kernel reaps every child of the process the moment it
/// exits, and its exit status is gone (POSIX.1-2001). An ignored SIGCHLD is
/// inherited across exec(), so a program can start in that state without ever
/// asking for it: `sh -c 'trap "" CHLD; exec prog'`, some daemons, some CI
/// runners. The library then still spawns, signals and kills children (the
/// pidfd backend safely to the end; the waitid backend only while the child
/// runs, since its PID is freed at exit with no zombie to hold it), but
/// Child::wait(), tryWait() and waitFor() throw std::system_error with ECHILD
/// once the child has exited, as for any child reaped behind the library's
/// back: there is no status to give, and none is made up.
///
/// A program that wants exit statuses and may have been started that way
/// calls restoreChildSignalDefault() first thing in main(), as coreutils
/// timeout(1) does. Dispositions are process-wide, so do it before other
/// threads spawn children or install signal handlers.
///
/// Windows has no SIGCHLD: children are never reaped behind the library's
/// back, childrenAreReapedAutomatically() is false and
/// restoreChildSignalDefault() does nothing.

/// True when the kernel reaps this process's children on its own: SIGCHLD
/// is ignored, or its handler has SA_NOCLDWAIT. Always false on Windows.
/// \threadsafe
SHAREDCHILD_CORE_EXPORT bool childrenAreReapedAutomatically();

/// Makes children waitable again: an ignored SIGCHLD gets its default
/// disposition back (which also ignores the signal, but leaves the exit status
/// to be collected), and a handler installed with SA_NOCLDWAIT is kept without
/// that flag. Any other disposition is left alone. Returns true when something
/// was changed; throws std::system_error if sigaction() fails.
/// Children that were reaped automatically before the call stay lost.
/// \threadsafe The disposition is process-wide, though: see the file's
/// description for when to call it.
SHAREDCHILD_CORE_EXPORT bool restoreChildSignalDefault();

} // namespace SharedChild
