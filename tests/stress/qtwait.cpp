// SPDX-License-Identifier: MIT
#include "qtwait.h"

#include <QEventLoop>
#include <QTimer>

namespace SharedChildStress {

bool awaitFinishedSignal(SharedChildProcess &process, std::chrono::milliseconds timeout)
{
    const auto finished = [&process] {
        return process.state() == SharedChildProcess::NotRunning && process.exitStatus().isValid();
    };
    if (finished())
        return true;
    QEventLoop loop;
    QObject::connect(&process, &SharedChildProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    loop.exec();
    return finished();
}

} // namespace SharedChildStress
