// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

/// What `sctimeout [OPTION] DURATION COMMAND [ARG]...` asked for.
struct TimeoutOptions
{
    std::chrono::nanoseconds duration{0}; ///< 0: no timeout
    std::chrono::nanoseconds killAfter{0}; ///< 0: never escalate to SIGKILL
    int signal = 15; ///< sent when the duration runs out
    bool preserveStatus = false;
    bool verbose = false;
    /// The command keeps sctimeout's process group (the TTY's, when run from an
    /// interactive shell); only the command itself is signalled.
    bool foreground = false;
    std::string program;
    std::vector<std::string> arguments;
};

/// Parses the command line like coreutils timeout. On a usage error returns
/// empty and sets `error` (the caller exits 125; an empty `error` when operands
/// are missing, where coreutils only points to --help); `--help`/`--version`
/// print and exit 0 from inside.
std::optional<TimeoutOptions> parseTimeoutOptions(const QStringList &arguments, QString &error);

/// "1.5", "2m", "0.25h", "1d" in seconds, minutes, hours, days; empty if invalid.
std::optional<std::chrono::nanoseconds> parseDuration(const QString &text);

/// "TERM", "SIGTERM", "term", "15", "EXIT" (0); empty if not a signal of this system.
std::optional<int> parseSignal(const QString &text);

/// How coreutils names a signal in messages: "TERM", "EXIT" for 0, else the number.
std::string signalText(int signal);
