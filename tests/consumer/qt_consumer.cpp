// SPDX-License-Identifier: MIT
// Uses SharedChild::SharedChild from an installed package: a child's exit
// code arrives through finished() in the event loop. Exits 0 when it does.

#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>
#include <QTimer>

#include <iostream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    SharedChildProcess process;
    process.setProgram(QStringLiteral("sh"));
    process.setArguments({QStringLiteral("-c"), QStringLiteral("exit 4")});
    int result = 1;
    QObject::connect(&process, &SharedChildProcess::finished, &app,
                     [&](const SharedChildExitStatus &status) {
                         std::cout << "qt consumer: " << status.text().toStdString() << '\n';
                         result = status.exitCode() == 4 ? 0 : 1;
                         app.quit();
                     });
    QTimer::singleShot(30000, &app, [&] {
        std::cout << "qt consumer: no finished() within 30 s\n";
        app.quit();
    });
    if (!process.start())
        return 1;
    app.exec();
    return result;
}
