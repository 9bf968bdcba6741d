// SPDX-License-Identifier: MIT
#include "stressoptions.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace SharedChildStress {

namespace {

constexpr const char usage[]
        = "usage: sharedchild-stress [OPTION]... PART...\n"
          "\n"
          "Parts:\n"
          "  children       8 threads wait / tryWait / waitFor / kill / terminate /\n"
          "                 sendSignal at random on children that exit on their own\n"
          "  processes      the same through SharedChildProcess objects, with\n"
          "                 destroy-while-running, stop() and restart\n"
          "  fd-limit       RLIMIT_NOFILE lowered until spawning fails with EMFILE\n"
          "  process-limit  spawning at the RLIMIT_NPROC limit (EAGAIN), in a process\n"
          "                 that drops to user 65534 when started as root\n"
          "  pid-reuse      forced PID reuse in a PID namespace while a thread keeps\n"
          "                 signalling the old child\n"
          "  soak           children and processes in a loop for --minutes, printing\n"
          "                 throughput, descriptors, threads and memory\n"
          "  all            children processes fd-limit process-limit pid-reuse\n"
          "\n"
          "Options:\n"
          "  --children N        children per `children` run (default 2000)\n"
          "  --runs N            runs per `processes` run (default 2000)\n"
          "  --rounds N          PID reuses in `pid-reuse` (default 1000)\n"
          "  --threads N         threads issuing calls (default 8)\n"
          "  --signals-after-reuse N  calls through the old handle per reuse (default 200)\n"
          "  --minutes M         length of `soak` (default 1; fractions allowed)\n"
          "  --report-seconds S  how often `soak` prints (default 5)\n"
          "  --seed N            random seed (default: from the clock; always printed)\n"
          "  --helper PATH       the child program (default: the built sctest-helper)\n"
          "\n"
          "SHAREDCHILD_BACKEND picks the backend; SCTEST_TIME_SCALE stretches the\n"
          "time budgets (the sanitizer builds set it). Exit status: 0 passed, 1 failed,\n"
          "2 usage, 77 skipped (no PID namespaces here).\n";

const std::vector<std::string> knownParts
        = {"children",  "processes", "fd-limit",        "process-limit",
           "pid-reuse", "soak",      "pid-reuse-inner", "process-limit-inner"};

bool isKnownPart(const std::string &part)
{
    for (const std::string &known : knownParts) {
        if (known == part)
            return true;
    }
    return false;
}

template<typename Number>
bool parseNumber(const std::string &text, Number &value)
{
    char *end = nullptr;
    const double parsed = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || parsed < 0)
        return false;
    value = static_cast<Number>(parsed);
    return true;
}

} // namespace

std::optional<StressOptions> parseStressOptions(const std::vector<std::string> &arguments)
{
    StressOptions options;
    options.seed = static_cast<std::uint64_t>(
            std::chrono::steady_clock::now().time_since_epoch().count());
#ifdef SCTEST_HELPER
    options.helper = SCTEST_HELPER;
#endif
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string &argument = arguments[i];
        const bool hasValue = i + 1 < arguments.size();
        const std::string value = hasValue ? arguments[i + 1] : std::string();
        bool valid = true;
        if (argument == "--help" || argument == "-h") {
            std::fputs(usage, stdout);
            return std::nullopt;
        } else if (argument == "--children" && hasValue) {
            valid = parseNumber(value, options.children) && options.children > 0;
        } else if (argument == "--runs" && hasValue) {
            valid = parseNumber(value, options.runs) && options.runs > 0;
        } else if (argument == "--rounds" && hasValue) {
            valid = parseNumber(value, options.rounds) && options.rounds > 0;
        } else if (argument == "--threads" && hasValue) {
            valid = parseNumber(value, options.threads) && options.threads > 0;
        } else if (argument == "--signals-after-reuse" && hasValue) {
            valid = parseNumber(value, options.signalsAfterReuse);
        } else if (argument == "--minutes" && hasValue) {
            valid = parseNumber(value, options.minutes);
        } else if (argument == "--report-seconds" && hasValue) {
            valid = parseNumber(value, options.reportSeconds) && options.reportSeconds > 0;
        } else if (argument == "--seed" && hasValue) {
            valid = parseNumber(value, options.seed);
        } else if (argument == "--helper" && hasValue) {
            options.helper = value;
        } else if (argument == "all") {
            for (const char *part :
                 {"children", "processes", "fd-limit", "process-limit", "pid-reuse"})
                options.parts.push_back(part);
            continue;
        } else if (isKnownPart(argument)) {
            options.parts.push_back(argument);
            continue;
        } else {
            std::fprintf(stderr, "sharedchild-stress: unknown argument \"%s\"\n\n%s",
                         argument.c_str(), usage);
            return std::nullopt;
        }
        if (!valid) {
            std::fprintf(stderr, "sharedchild-stress: bad value \"%s\" for %s\n", value.c_str(),
                         argument.c_str());
            return std::nullopt;
        }
        ++i;
    }
    if (options.parts.empty() || options.helper.empty()) {
        std::fputs(usage, stderr);
        return std::nullopt;
    }
    return options;
}

std::vector<std::string> toArguments(const StressOptions &options, const std::string &part)
{
    return {"--children",
            std::to_string(options.children),
            "--runs",
            std::to_string(options.runs),
            "--rounds",
            std::to_string(options.rounds),
            "--threads",
            std::to_string(options.threads),
            "--signals-after-reuse",
            std::to_string(options.signalsAfterReuse),
            "--seed",
            std::to_string(options.seed),
            "--helper",
            options.helper,
            part};
}

} // namespace SharedChildStress
