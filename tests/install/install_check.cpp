// SPDX-License-Identifier: MIT
// One program over both installed libraries: the core's Child terminated by
// one thread while another waits, and SharedChildProcess reading a child's
// output.
// Built twice by tests/install/inside.sh (CMake and pkg-config); exits 0 when
// everything came back as expected.

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>

#include <chrono>
#include <iostream>
#include <thread>

namespace {

bool coreWorks()
{
    // Still running after a short waitFor(); terminated from one thread while
    // another is blocked in wait().
    auto sleeper = SharedChild::Child::spawn(SharedChild::Command("sleep", {"60"}));
    const bool stillRunning = !sleeper->waitFor(std::chrono::milliseconds(10)).has_value();
    std::thread terminator([&] { sleeper->terminate(); });
    const SharedChild::ExitStatus status = sleeper->wait();
    terminator.join();
    std::cout << "core: sleep 60 ended with " << status.toString() << '\n';
    return stillRunning && status.signalNumber() == 15;
}

bool qtWorks()
{
    SharedChildProcess process;
    process.start(QStringLiteral("sh"),
                  {QStringLiteral("-c"), QStringLiteral("echo installed; exit 4")});
    if (!process.waitForFinished(60000)) {
        std::cout << "qt: " << process.errorString().toStdString() << '\n';
        return false;
    }
    const QByteArray output = process.readAllStandardOutput();
    std::cout << "qt: sh printed " << output.trimmed().toStdString() << " and exited "
              << process.exitCode() << '\n';
    return output == "installed\n" && process.exitCode() == 4;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool core = coreWorks();
    const bool qt = qtWorks();
    return core && qt ? 0 : 1;
}
