// SPDX-License-Identifier: MIT
// sharedchild-stress: randomized concurrency, fault injection, forced PID
// reuse at scale and a soak mode. `sharedchild-stress --help` lists the parts.

#include "childchaos.h"
#include "failures.h"
#include "fdlimit.h"
#include "pidreuse.h"
#include "processchaos.h"
#include "processlimit.h"
#include "selfrun.h"
#include "soak.h"
#include "stressoptions.h"
#include "timescale.h"

#include <sharedchild/child.h>

#include <QCoreApplication>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace SharedChildStress;

namespace {

const char *backendName()
{
    switch (SharedChild::Child::backend()) {
    case SharedChild::Child::Backend::Pidfd:
        return "pidfd";
    case SharedChild::Child::Backend::Waitid:
        return "waitid";
    case SharedChild::Child::Backend::Windows:
        break;
    }
    return "windows";
}

bool isInner(const std::string &part)
{
    return part == "pid-reuse-inner" || part == "process-limit-inner";
}

// False when the part could not run here (skipped).
bool runPart(const std::string &part, const StressOptions &options, Failures &failures)
{
    if (part == "children") {
        ChildChaosSettings settings;
        settings.children = options.children;
        settings.threads = options.threads;
        settings.helper = options.helper;
        settings.seed = options.seed;
        runChildChaos(settings, failures);
    } else if (part == "processes") {
        ProcessChaosSettings settings;
        settings.runs = options.runs;
        settings.threads = options.threads;
        settings.helper = options.helper;
        settings.seed = options.seed;
        runProcessChaos(settings, failures);
    } else if (part == "fd-limit") {
        runFdLimit(options, failures);
    } else if (part == "process-limit") {
        runProcessLimit(options, failures);
    } else if (part == "process-limit-inner") {
        runProcessLimitInner(options, failures);
    } else if (part == "pid-reuse") {
        return runPidReuse(options, failures);
    } else if (part == "pid-reuse-inner") {
        runPidReuseInner(options, failures);
    } else if (part == "soak") {
        runSoak(options, failures);
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv); // the SharedChildProcess parts need one
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    for (const std::string &argument : arguments) {
        if (argument == "--help" || argument == "-h") {
            parseStressOptions(arguments);
            return 0;
        }
    }
    const auto options = parseStressOptions(arguments);
    if (!options)
        return 2;
    const bool inner = options->parts.size() == 1 && isInner(options->parts.front());
    if (!inner)
        std::printf("sharedchild-stress: backend %s, seed %llu, time scale %.1f\n", backendName(),
                    static_cast<unsigned long long>(options->seed), SharedChildTest::timeScale());

    int failedParts = 0;
    int ranParts = 0;
    for (const std::string &part : options->parts) {
        Failures failures(part);
        const auto start = std::chrono::steady_clock::now();
        const bool ran = runPart(part, *options, failures);
        const double seconds
                = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        ranParts += ran ? 1 : 0;
        if (failures.count() > 0) {
            ++failedParts;
            std::printf("FAILED %s: %d failures (%.1f s)\n", part.c_str(), failures.count(),
                        seconds);
        } else if (!inner) {
            std::printf("%s %s (%.1f s)\n", ran ? "PASSED" : "SKIPPED", part.c_str(), seconds);
        }
        std::fflush(stdout);
    }
    if (failedParts > 0)
        return 1;
    return ranParts == 0 ? skippedExitCode : 0;
}
