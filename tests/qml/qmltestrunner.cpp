// SPDX-License-Identifier: MIT
// qmltestrunner, built here (-input, -import and the other options work as in
// Qt's), with one difference: any QML warning fails the run. Qt's runner only
// prints a binding's TypeError and passes, so a test could pass while the code
// under test throws in every binding it touches.
//
// The sanitizer builds need it too: Debian's qmltestrunner is not
// instrumented, and an uninstrumented program cannot load an instrumented
// plugin (the sanitizer runtime has to be the first library loaded).
#include <QObject>
#include <QQmlEngine>
#include <QtQuickTest/quicktest.h>

#include <cstdio>

namespace {

class FailOnQmlWarnings : public QObject
{
    Q_OBJECT

public:
    int warningCount = 0;

public slots:
    // QuickTest calls this for the engine of every test file. The engine still
    // prints each warning itself; here they are only counted.
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        connect(engine, &QQmlEngine::warnings, this,
                [this](const QList<QQmlError> &warnings) { warningCount += warnings.size(); });
    }
};

} // namespace

int main(int argc, char **argv)
{
    FailOnQmlWarnings setup;
    const int result = quick_test_main_with_setup(argc, argv, "sharedchild", nullptr, &setup);
    if (setup.warningCount > 0) {
        std::fprintf(stderr, "sharedchild-qmltestrunner: FAIL: %d QML warning(s), see above\n",
                     setup.warningCount);
        return result != 0 ? result : 1;
    }
    return result;
}

#include "qmltestrunner.moc"
