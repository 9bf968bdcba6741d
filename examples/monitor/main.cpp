// SPDX-License-Identifier: MIT
// SharedChild Monitor: start commands and watch, terminate, kill or stop them.
// The SharedChild QML module is found through Qt's import path: install it
// there, or point QML_IMPORT_PATH at it (the build tree's "qml" directory).

#include "selftest.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("SharedChild Monitor"));
    QGuiApplication::setApplicationVersion(QStringLiteral(SHAREDCHILD_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Starts commands and shows their PID, state, run time, exit status, CPU time, "
            "peak memory and output."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption selfTest(
            QStringLiteral("self-test"),
            QStringLiteral("Drive the window through a scripted session, check it, save a "
                           "screenshot to <png> and exit (non-zero on any mismatch)."),
            QStringLiteral("png"));
    parser.addOption(selfTest);
    parser.process(app);

    // Fusion looks the same everywhere, the offscreen screenshot included;
    // QT_QUICK_CONTROLS_STYLE still picks another.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Fusion"));

    if (parser.isSet(selfTest))
        countWarnings();
    QQmlApplicationEngine engine;
    engine.load(QUrl(QStringLiteral("qrc:/SharedChildMonitor/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!window)
        return 1;

    if (parser.isSet(selfTest))
        return runSelfTest(window, parser.value(selfTest));
    return app.exec();
}
