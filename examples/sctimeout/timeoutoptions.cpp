// SPDX-License-Identifier: MIT
#include "timeoutoptions.h"

#include <sharedchild/exitstatus.h>

#include <QCommandLineParser>
#include <QRegularExpression>

#include <cerrno>
#include <climits>
#include <clocale>
#include <cmath>
#include <csignal>
#include <cstdlib>

std::optional<std::chrono::nanoseconds> parseDuration(const QString &text)
{
    if (text.isEmpty())
        return std::nullopt;
    QString number = text;
    double unitSeconds = 1;
    switch (text.back().toLatin1()) {
    case 's':
        number.chop(1);
        break;
    case 'm':
        unitSeconds = 60;
        number.chop(1);
        break;
    case 'h':
        unitSeconds = 3600;
        number.chop(1);
        break;
    case 'd':
        unitSeconds = 86400;
        number.chop(1);
        break;
    default:
        break;
    }
    // strtod in the C locale, as coreutils parses it: "1.5", "1e-1", "inf".
    const std::string bytes = number.toStdString();
    char *end = nullptr;
    const double value = std::strtod(bytes.c_str(), &end);
    if (bytes.empty() || end != bytes.c_str() + bytes.size() || std::isnan(value) || value < 0)
        return std::nullopt;
    const double seconds = value * unitSeconds;
    constexpr double maxSeconds = 1e9; // ~31 years: as good as "never"
    if (seconds > 0 && seconds < 1e-9)
        return std::chrono::nanoseconds(1); // a tiny positive timeout is still a timeout
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(seconds, maxSeconds) * 1e9));
}

namespace {

// Real-time signals as coreutils names them: RTMIN, RTMIN+1, ... up to the
// middle of the range, then ..., RTMAX-1, RTMAX. Empty for other signals.
std::string realTimeName(int signal)
{
#ifdef SIGRTMIN
    const int first = SIGRTMIN;
    const int last = SIGRTMAX;
    if (signal < first || signal > last)
        return {};
    const bool low = signal <= first + (last - first) / 2;
    const int delta = signal - (low ? first : last);
    std::string name = low ? "RTMIN" : "RTMAX";
    if (delta != 0)
        name += (delta > 0 ? "+" : "") + std::to_string(delta);
    return name;
#else
    return {};
#endif
}

// "RTMIN", "RTMIN+3", "RTMAX-2" (upper case, no SIG); empty if not one.
std::optional<int> parseRealTime(const std::string &name)
{
#ifdef SIGRTMIN
    const bool fromFirst = name.rfind("RTMIN", 0) == 0;
    if (!fromFirst && name.rfind("RTMAX", 0) != 0)
        return std::nullopt;
    const std::string offset = name.substr(5);
    int delta = 0;
    if (!offset.empty()) {
        const char sign = fromFirst ? '+' : '-';
        if (offset.size() < 2 || offset[0] != sign
            || offset.find_first_not_of("0123456789", 1) != std::string::npos || offset.size() > 4)
            return std::nullopt;
        delta = std::stoi(offset.substr(1)) * (fromFirst ? 1 : -1);
    }
    const int signal = (fromFirst ? SIGRTMIN : SIGRTMAX) + delta;
    if (signal < SIGRTMIN || signal > SIGRTMAX)
        return std::nullopt;
    return signal;
#else
    (void)name;
    return std::nullopt;
#endif
}

bool hasName(int signal)
{
    return !SharedChild::signalName(signal).empty() || !realTimeName(signal).empty();
}

} // namespace

std::optional<int> parseSignal(const QString &text)
{
    const std::string bytes = text.toStdString();
    if (!bytes.empty() && bytes[0] >= '0' && bytes[0] <= '9') {
        // A number, possibly a shell's $? for a death by signal: 143 (128 +
        // 15) and ksh's 271 (256 + 15) both mean 15, as in coreutils.
        char *end = nullptr;
        errno = 0;
        const long value = std::strtol(bytes.c_str(), &end, 10);
        if (*end != '\0' || errno != 0 || value > INT_MAX)
            return std::nullopt;
        const int signal = static_cast<int>(value) & (value >= 0xFF ? 0xFF : 0x7F);
        return signal == 0 || hasName(signal) ? std::optional(signal) : std::nullopt;
    }
    // As given, then without a SIG prefix: "TERM", "SIGTERM", "sigterm".
    std::string name = text.toUpper().toStdString();
    for (const bool asGiven : {true, false}) {
        if (!asGiven) {
            if (name.rfind("SIG", 0) != 0)
                break;
            name.erase(0, 3);
        }
        if (name == "EXIT")
            return 0; // "no signal", as coreutils' sig2str() calls it
        if (const auto realTime = parseRealTime(name))
            return realTime;
        for (int signal = 1; signal < NSIG; ++signal) {
            if (SharedChild::signalName(signal) == "SIG" + name)
                return signal;
        }
    }
    return std::nullopt;
}

std::string signalText(int signal)
{
    if (signal == 0)
        return "EXIT";
    if (std::string realTime = realTimeName(signal); !realTime.empty())
        return realTime;
    const std::string name = SharedChild::signalName(signal);
    return name.empty() ? std::to_string(signal) : name.substr(3);
}

std::optional<TimeoutOptions> parseTimeoutOptions(const QStringList &arguments, QString &error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Start COMMAND, and kill it if still running after DURATION.\n"
            "DURATION is a floating point number with an optional suffix: s (seconds, the "
            "default), m (minutes), h (hours) or d (days). 0 disables the timeout.\n"
            "Without --foreground, COMMAND runs in sctimeout's own new process group and "
            "every signal goes to the whole group.\n"
            "Exit status: 124 on timeout (unless --preserve-status), 125 if sctimeout "
            "itself fails, 126 if COMMAND cannot be invoked, 127 if it is not found, "
            "else COMMAND's own status. If COMMAND dies of signal N, so does sctimeout; "
            "if it had to be killed with KILL, sctimeout is killed with it (--foreground: "
            "exit 137). A SIGALRM sent to sctimeout means the time is up."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    const QCommandLineOption signalOption(
            {QStringLiteral("s"), QStringLiteral("signal")},
            QStringLiteral("Signal to send on timeout: a name (TERM, SIGTERM) or a number."),
            QStringLiteral("SIG"), QStringLiteral("TERM"));
    const QCommandLineOption killAfterOption(
            {QStringLiteral("k"), QStringLiteral("kill-after")},
            QStringLiteral("Also send KILL if COMMAND still runs this long after the signal."),
            QStringLiteral("DURATION"));
    const QCommandLineOption preserveOption(
            QStringLiteral("preserve-status"),
            QStringLiteral("Exit with COMMAND's status even when it timed out."));
    const QCommandLineOption foregroundOption(
            QStringLiteral("foreground"),
            QStringLiteral("Leave COMMAND in sctimeout's process group, so that it can read from "
                           "the TTY and get TTY signals; then COMMAND's children are not timed "
                           "out, and after -k only COMMAND itself is killed."));
    const QCommandLineOption verboseOption(
            {QStringLiteral("v"), QStringLiteral("verbose")},
            QStringLiteral("Say on stderr when a signal is sent on timeout."));
    // Not addVersionOption(): it would take -v, which is --verbose here.
    const QCommandLineOption versionOption(QStringLiteral("version"),
                                           QStringLiteral("Print the version and exit."));
    parser.addOptions({signalOption, killAfterOption, preserveOption, foregroundOption,
                       verboseOption, versionOption});
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DURATION"), QStringLiteral("The time limit."));
    parser.addPositionalArgument(QStringLiteral("COMMAND"), QStringLiteral("What to run."),
                                 QStringLiteral("COMMAND [ARG]..."));

    if (!parser.parse(arguments)) {
        // getopt's words, as coreutils prints them.
        const QStringList unknown = parser.unknownOptionNames();
        static const QRegularExpression missingValue(
                QStringLiteral("^Missing value after '(-+)([^']*)'"));
        const QRegularExpressionMatch missing = missingValue.match(parser.errorText());
        if (missing.hasMatch() && missing.captured(1) == QLatin1String("-"))
            error = QStringLiteral("option requires an argument -- '%1'").arg(missing.captured(2));
        else if (missing.hasMatch())
            error = QStringLiteral("option '--%1' requires an argument").arg(missing.captured(2));
        else if (unknown.isEmpty())
            error = parser.errorText();
        else if (unknown.first().size() == 1)
            error = QStringLiteral("invalid option -- '%1'").arg(unknown.first());
        else
            error = QStringLiteral("unrecognized option '--%1'").arg(unknown.first());
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(versionOption))
        parser.showVersion();

    TimeoutOptions options;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2) {
        error.clear(); // coreutils says no more than where to find help
        return std::nullopt;
    }
    const auto duration = parseDuration(positional[0]);
    if (!duration) {
        error = QStringLiteral("invalid time interval '%1'").arg(positional[0]);
        return std::nullopt;
    }
    options.duration = *duration;
    if (parser.isSet(killAfterOption)) {
        const auto killAfter = parseDuration(parser.value(killAfterOption));
        if (!killAfter) {
            error = QStringLiteral("invalid time interval '%1'").arg(parser.value(killAfterOption));
            return std::nullopt;
        }
        options.killAfter = *killAfter;
    }
    const auto signal = parseSignal(parser.value(signalOption));
    if (!signal) {
        error = QStringLiteral("'%1': invalid signal").arg(parser.value(signalOption));
        return std::nullopt;
    }
    options.signal = *signal;
    options.preserveStatus = parser.isSet(preserveOption);
    options.verbose = parser.isSet(verboseOption);
    options.foreground = parser.isSet(foregroundOption);
    options.program = positional[1].toStdString();
    for (qsizetype i = 2; i < positional.size(); ++i)
        options.arguments.push_back(positional[i].toStdString());
    return options;
}
