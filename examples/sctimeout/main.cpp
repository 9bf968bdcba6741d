// SPDX-License-Identifier: MIT
// sctimeout [OPTION] DURATION COMMAND [ARG]... — coreutils timeout(1) on
// SharedChild: the main thread blocks in wait() while a timer thread signals
// the child, and a third thread forwards signals sent to sctimeout itself.
// None of them can hit a process that reused the child's PID.

#include "timeoutoptions.h"

#include <sharedchild/child.h>

#include <QCoreApplication>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <sys/resource.h>
#include <thread>

namespace {

constexpr int exitTimedOut = 124;
constexpr int exitInternalFailure = 125;
constexpr int exitCannotInvoke = 126;
constexpr int exitNotFound = 127;

// Signals that sctimeout passes on to the command, as coreutils does.
sigset_t forwardedSignals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM})
        sigaddset(&set, signal);
    return set;
}

int exitCodeForSpawnError(const std::error_code &code)
{
    switch (code.value()) {
    case ENOENT:
    case ENOTDIR:
        return exitNotFound;
    case EAGAIN:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
        return exitInternalFailure;
    default:
        return exitCannotInvoke;
    }
}

std::string signalText(int signal)
{
    const std::string name = SharedChild::signalName(signal);
    return name.empty() ? std::to_string(signal) : name.substr(3);
}

// Send `signal`, then SIGCONT so that a stopped command can act on it.
void sendWithContinue(SharedChild::Child &child, int signal)
{
    child.sendSignal(signal);
    if (signal != SIGKILL && signal != SIGCONT)
        child.sendSignal(SIGCONT);
}

// Dies of `signal` like the command did, so our parent sees the same status.
[[noreturn]] void dieBySignal(int signal)
{
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    std::signal(signal, SIG_DFL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signal);
    ::pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
    std::raise(signal);
    std::_Exit(128 + signal);
}

} // namespace

int main(int argc, char *argv[])
{
    // Blocked in every thread from here on; the forwarding thread takes them.
    const sigset_t forwarded = forwardedSignals();
    ::pthread_sigmask(SIG_BLOCK, &forwarded, nullptr);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sctimeout"));
    QCoreApplication::setApplicationVersion(QStringLiteral("1.0"));

    QString error;
    const std::optional<TimeoutOptions> options = parseTimeoutOptions(app.arguments(), error);
    if (!options) {
        std::fprintf(stderr, "sctimeout: %s\nTry 'sctimeout --help' for more information.\n",
                     qPrintable(error));
        return exitInternalFailure;
    }

    std::shared_ptr<SharedChild::Child> child;
    try {
        child = SharedChild::Child::spawn(
                SharedChild::Command(options->program, options->arguments));
    } catch (const std::system_error &spawnError) {
        std::fprintf(stderr, "sctimeout: failed to run command '%s': %s\n",
                     options->program.c_str(), spawnError.code().message().c_str());
        return exitCodeForSpawnError(spawnError.code());
    }

    std::thread([child, forwarded] {
        for (;;) {
            int signal = 0;
            if (::sigwait(&forwarded, &signal) == 0)
                sendWithContinue(*child, signal);
        }
    }).detach();

    std::mutex mutex;
    std::condition_variable exited;
    bool done = false;
    bool timedOut = false;
    std::thread timer([&] {
        if (options->duration.count() == 0)
            return;
        std::unique_lock lock(mutex);
        if (exited.wait_for(lock, options->duration, [&] { return done; }))
            return;
        timedOut = true;
        if (options->verbose)
            std::fprintf(stderr, "sctimeout: sending signal %s to command '%s'\n",
                         signalText(options->signal).c_str(), options->program.c_str());
        sendWithContinue(*child, options->signal);
        if (options->killAfter.count() == 0
            || exited.wait_for(lock, options->killAfter, [&] { return done; }))
            return;
        if (options->verbose)
            std::fprintf(stderr, "sctimeout: sending signal KILL to command '%s'\n",
                         options->program.c_str());
        child->kill();
    });

    const SharedChild::ExitStatus status = child->wait();
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    exited.notify_all();
    timer.join();

    bool preserveStatus = options->preserveStatus;
    int code = status.exitCode();
    if (!status.exitedNormally()) {
        const int signal = status.signalNumber();
        if (status.coreDumped())
            std::fprintf(stderr, "sctimeout: the monitored command dumped core\n");
        if (!timedOut)
            dieBySignal(signal);
        // KILL cannot be caught, so 137 is how users tell a forced kill apart.
        preserveStatus = preserveStatus || signal == SIGKILL;
        code = 128 + signal;
    }
    return timedOut && !preserveStatus ? exitTimedOut : code;
}
