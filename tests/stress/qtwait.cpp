// SPDX-License-Identifier: MIT
#include "qtwait.h"

#include <QEventLoop>
#include <QTimer>

namespace SharedChildStress {

bool awaitFinishedSignal(SharedChildProcess &process, std::chrono::milliseconds timeout)
{
    if (process.state() == SharedChildProcess::Finished)
        return true;
    QEventLoop loop;
    QObject::connect(&process, &SharedChildProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    loop.exec();
    return process.state() == SharedChildProcess::Finished;
}

} // namespace SharedChildStress
