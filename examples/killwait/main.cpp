// SPDX-License-Identifier: MIT
// The shared_child README example, done with SharedChildProcess: a sleeping
// child, a std::thread blocked in wait(), kill() from the main thread, and
// finished() handled in the main thread's event loop.

#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <thread>

namespace {

QElapsedTimer clock_;

void step(const char *format, auto... args)
{
    std::printf("[%6.1f ms] ", static_cast<double>(clock_.nsecsElapsed()) / 1e6);
    // A bare printf(format) would expand any '%' in a plain message
    // (clang's -Wformat-security).
    if constexpr (sizeof...(args) == 0)
        std::fputs(format, stdout);
    else
        std::printf(format, args...);
    std::printf("\n");
    std::fflush(stdout);
}

const char *threadName()
{
    return QThread::currentThread() == qApp->thread() ? "main thread" : "waiting thread";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    clock_.start();

    SharedChildProcess process;
    process.setProgram(QStringLiteral("sleep"));
    process.setArguments({QStringLiteral("1000000")});

    QObject::connect(&process, &SharedChildProcess::finished, &app,
                     [&](const SharedChildExitStatus &status) {
                         step("finished(%s) delivered in the %s", qPrintable(status.text()),
                              threadName());
                         app.quit();
                     });

    if (!process.start()) {
        std::fprintf(stderr, "killwait: %s\n", qPrintable(process.errorString()));
        return 1;
    }
    step("started `sleep 1000000` as pid %lld", static_cast<long long>(process.processId()));

    SharedChildExitStatus seenByWaiter;
    std::thread waiter([&] {
        step("the %s calls wait() and blocks", threadName());
        seenByWaiter = process.wait();
        step("wait() returned in the %s: %s", threadName(), qPrintable(seenByWaiter.text()));
    });

    // Kill from the main thread while the other thread is blocked in wait():
    // QProcess cannot do this, since its wait and kill belong to one thread.
    QTimer::singleShot(200, &app, [&] {
        step("the main thread calls kill() while the other thread is still waiting");
        process.kill();
    });

    const int code = app.exec();
    waiter.join();

    const bool agree = seenByWaiter == process.exitStatus() && !seenByWaiter.success()
            && seenByWaiter.signalNumber() == SIGKILL;
    step("both threads saw the same status: %s; success() = %s", agree ? "yes" : "NO",
         seenByWaiter.success() ? "true" : "false");
    return agree ? code : 1;
}
