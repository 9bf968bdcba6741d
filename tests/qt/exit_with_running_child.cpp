// SPDX-License-Identifier: MIT
// Leaves the program with children still running and objects still alive, to
// show the waiter thread stops cleanly at exit: no hang, no crash in static
// destruction. Modes: "app" (a QCoreApplication is destroyed first), "noapp"
// (none ever existed), "leak" (the object outlives the application),
// "continuation" (a future's continuation calls into the library on the
// waiter thread while the application is being destroyed).

#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <sys/wait.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace {

// Objects nobody deletes are what this program is about; LeakSanitizer is
// told that they are leaked on purpose.
SharedChildProcess *leakedOnPurpose(SharedChildProcess *process)
{
#if defined(__SANITIZE_ADDRESS__)
    __lsan_ignore_object(process);
#endif
    return process;
}

SharedChildProcess *startSleeper(QObject *parent, const char *seconds = "1000")
{
    auto *process = new SharedChildProcess(parent);
    process->setProgram(QStringLiteral("sleep"));
    process->setArguments({QString::fromLatin1(seconds)});
    if (!process->start()) {
        std::fprintf(stderr, "%s\n", qPrintable(process->errorString()));
        std::exit(2);
    }
    return process;
}

SharedChildProcess *trigger = nullptr;

// A post routine added after the waiter thread's own runs before it (Qt runs
// the newest first). The trigger's child dies here and is a zombie when this
// returns, so the waiter thread runs the continuation while the main thread
// goes on to stop it.
void killTriggerAtShutdown()
{
    trigger->kill();
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(trigger->processId()), &info, WEXITED | WNOWAIT);
}

// Each call must return promptly although the waiter thread is being stopped.
int continuationAtShutdown(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    SharedChildProcess *other = startSleeper(&app);
    trigger = startSleeper(&app);
    trigger->future().then([other](const SharedChildExitStatus &) {
        other->stop(100000);
        other->kill();
        const bool finished = other->waitForFinished(-1);
        const SharedChildExitStatus status = other->wait();
        std::printf("continuation: waitForFinished %s, wait: %s\n", finished ? "true" : "false",
                    status.toString().c_str());
        std::fflush(stdout);
    });
    qAddPostRoutine(killTriggerAtShutdown);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    const char *mode = argc > 1 ? argv[1] : "app";
    if (std::strcmp(mode, "noapp") == 0) {
        static SharedChildProcess staticProcess; // destroyed during static destruction
        staticProcess.setProgram(QStringLiteral("sleep"));
        staticProcess.setArguments({QStringLiteral("1000")});
        if (!staticProcess.start())
            return 2;
        leakedOnPurpose(startSleeper(nullptr))->stop(100000); // with a pending SIGKILL deadline
        return 0;
    }
    if (std::strcmp(mode, "continuation") == 0)
        return continuationAtShutdown(argc, argv);
    QCoreApplication app(argc, argv);
    startSleeper(&app)->stop(100000);
    if (std::strcmp(mode, "leak") == 0)
        leakedOnPurpose(
                startSleeper(nullptr, "0.5")); // short: it holds ctest's output pipe until it ends
    return 0;
}
