// SPDX-License-Identifier: MIT
// sctimeout [OPTION] DURATION COMMAND [ARG]... — coreutils timeout(1) on
// SharedChild: the main thread blocks in wait() while a timer thread signals
// the child, and a third thread takes the signals sent to sctimeout itself.
// None of them can hit a process that reused the child's PID.
//
// Process groups, decided as coreutils decides them: sctimeout moves itself
// into a new group (unless --foreground) and the command stays in it, rather
// than the command getting a group of its own. Run from an interactive shell,
// sctimeout already leads the TTY's foreground group, so the command can
// still read the terminal and gets Ctrl-C directly; a command in a group of
// its own would be a background job there and stop on its first read. The
// price is that sctimeout is in the group it signals (see signalrelay.h).

#include "signalrelay.h"
#include "timeoutmonitor.h"
#include "timeoutoptions.h"

#include <sharedchild/child.h>
#include <sharedchild/childsignal.h>

#include <QCoreApplication>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <sys/resource.h>
#include <unistd.h>

namespace {

constexpr int exitTimedOut = 124;
constexpr int exitInternalFailure = 125;
constexpr int exitCannotInvoke = 126;
constexpr int exitNotFound = 127;

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

// Dies of `signal` like the command did, so that our parent sees a death by
// signal and not an exit code; with core dumps off, as the command already
// dumped one if it was going to. Returns only if that is not possible.
void dieBySignal(int signal)
{
    const rlimit noCore{0, 0};
    if (::setrlimit(RLIMIT_CORE, &noCore) != 0)
        return;
    struct sigaction defaultAction = {};
    defaultAction.sa_handler = SIG_DFL;
    sigemptyset(&defaultAction.sa_mask);
    ::sigaction(signal, &defaultAction, nullptr);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signal);
    ::pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
    ::raise(signal);
}

// sctimeout's stderr is coreutils timeout's: its own messages and nothing
// else. Under a locale whose encoding is not UTF-8 (LC_ALL=C, as scripts and
// coreutils' own tests run it) Qt 6.5+ switches its LC_CTYPE to UTF-8 and
// says so on stderr while QCoreApplication is constructed (Qt 6.4's check
// never fires). The switch is Qt's own business: the command still gets the
// environment as it is. Only that message is dropped, and only then.
QtMessageHandler previousHandler = nullptr;

void dropLocaleSwitchNotice(QtMsgType type, const QMessageLogContext &context,
                            const QString &message)
{
    if (type == QtWarningMsg && message.startsWith(QLatin1String("Detected locale \"")))
        return;
    previousHandler(type, context, message);
}

void ignoreSignal(int signal)
{
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(signal, &ignore, nullptr);
}

int run(int argc, char *argv[], const std::string &name)
{
    // Blocked in every thread from here on; the relay thread takes them.
    blockSignals(handledSignals(SIGTERM));
    // An ignored SIGCHLD, inherited across exec, would have the kernel reap
    // the command and take its status with it.
    SharedChild::restoreChildSignalDefault();

    previousHandler = qInstallMessageHandler(dropLocaleSwitchNotice);
    QCoreApplication app(argc, argv);
    qInstallMessageHandler(previousHandler);
    QCoreApplication::setApplicationName(QStringLiteral("sctimeout"));
    QCoreApplication::setApplicationVersion(QStringLiteral("1.0"));

    QString error;
    const std::optional<TimeoutOptions> options = parseTimeoutOptions(app.arguments(), error);
    if (!options) {
        if (!error.isEmpty())
            std::fprintf(stderr, "%s: %s\n", name.c_str(), qPrintable(error));
        std::fprintf(stderr, "Try '%s --help' for more information.\n", name.c_str());
        return exitInternalFailure;
    }
    const sigset_t handled = handledSignals(options->signal);
    blockSignals(handled);

    if (!options->foreground)
        ::setpgid(0, 0); // fails only for a session leader, which leads its group already
    // A background sctimeout must not stop when it writes a message to the
    // TTY; the command gets every disposition back to its default.
    ignoreSignal(SIGTTIN);
    ignoreSignal(SIGTTOU);

    std::shared_ptr<SharedChild::Child> child;
    try {
        child = SharedChild::Child::spawn(
                SharedChild::Command(options->program, options->arguments));
    } catch (const std::system_error &spawnError) {
        std::fprintf(stderr, "%s: failed to run command '%s': %s\n", name.c_str(),
                     options->program.c_str(), spawnError.code().message().c_str());
        return exitCodeForSpawnError(spawnError.code());
    }

    // Shared with the relay thread, which never ends.
    std::shared_ptr<TimeoutMonitor> monitor;
    try {
        monitor = std::make_shared<TimeoutMonitor>(*options, name, child);
        startSignalRelay(handled, [monitor](int signal) { monitor->handleSignal(signal); });
    } catch (const std::system_error &threadError) {
        // Unwatched, the command would run with no time limit.
        std::fprintf(stderr, "%s: cannot watch command '%s': %s\n", name.c_str(),
                     options->program.c_str(), threadError.what());
        child->kill();
        return exitInternalFailure;
    }

    SharedChild::ExitStatus status;
    try {
        status = child->wait();
    } catch (const std::system_error &waitError) {
        monitor->childExited();
        std::fprintf(stderr, "%s: error waiting for command '%s': %s\n", name.c_str(),
                     options->program.c_str(), waitError.what());
        return exitInternalFailure;
    }
    monitor->childExited();
    const bool timedOut = monitor->timedOut();

    bool preserveStatus = options->preserveStatus;
    int code = status.exitCode();
    if (!status.exitedNormally()) {
        const int signal = status.signalNumber();
        if (status.coreDumped())
            std::fprintf(stderr, "%s: the monitored command dumped core\n", name.c_str());
        if (!timedOut)
            dieBySignal(signal);
        // KILL cannot be caught, so 137 is how users tell a forced kill apart
        // (with --foreground; otherwise the KILL took sctimeout along).
        preserveStatus = preserveStatus || (timedOut && signal == SIGKILL);
        code = 128 + signal;
    }
    return timedOut && !preserveStatus ? exitTimedOut : code;
}

} // namespace

int main(int argc, char *argv[])
{
    const std::string name = argc > 0 && argv[0][0] != '\0' ? argv[0] : "sctimeout";
    try {
        return run(argc, argv, name);
    } catch (const std::exception &failure) {
        // Nothing of sctimeout's own may end in std::terminate().
        std::fprintf(stderr, "%s: %s\n", name.c_str(), failure.what());
        return exitInternalFailure;
    }
}
