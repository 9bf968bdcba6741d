// SPDX-License-Identifier: MIT
// A slot connected to any signal of SharedChildProcess (its own and those it
// has as a QIODevice) may delete the object, call deleteLater() or start it
// again, wherever the signal comes from: the event loop, waitForFinished() in
// the object's thread (while the child runs, or after it has exited, when the
// pipes are drained), a failed start(), or close().
// Every row must end without a crash or a use after free (the ASan build runs
// this suite too), with the slot really called, and with no child left. The
// same rows run on Windows (under Wine), except those of stop reports.

#include <sharedchild/sharedchildprocess.h>

#include "processcensus.h"

#include <QCoreApplication>
#include <QDir>
#include <QMetaMethod>
#include <QPointer>
#include <QProcess>
#include <QScopeGuard>
#include <QSet>
#include <QTest>

#include <functional>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#endif

namespace {

enum class Action { Delete, DeleteLater, StartAgain };
enum class Path { EventLoop, WaitForFinished, WaitAfterExit, FailedStart, Close };

// Reacts to the first emission only, so that start() from a slot that the
// start itself triggers again cannot recurse without end.
class Reactor : public QObject
{
    Q_OBJECT
public:
    Reactor(SharedChildProcess *process, Action action) : m_process(process), m_action(action) { }
    int calls = 0;

public Q_SLOTS:
    void react()
    {
        if (++calls > 1 || !m_process)
            return;
        switch (m_action) {
        case Action::Delete:
            delete m_process.data();
            break;
        case Action::DeleteLater:
            m_process->deleteLater();
            break;
        case Action::StartAgain:
            m_process->start();
            break;
        }
    }

private:
    QPointer<SharedChildProcess> m_process;
    Action m_action;
};

int childProcessCount()
{
    return static_cast<int>(SharedChildTest::childPids().size());
}

const QString helper = QStringLiteral(SCTEST_HELPER);

#ifdef Q_OS_WIN
constexpr bool hasStopReports = false;

// Blocks until the child has exited, without running the event loop, so the
// next waitForFinished() finds it exited at once. The object's open handle
// keeps the process ID from being reused meanwhile.
void waitUntilExited(qint64 pid)
{
    const HANDLE process = ::OpenProcess(SYNCHRONIZE, FALSE, static_cast<DWORD>(pid));
    QVERIFY2(process, "OpenProcess failed");
    ::WaitForSingleObject(process, INFINITE);
    ::CloseHandle(process);
}

void continueStopped(SharedChildProcess *) { }
#else
constexpr bool hasStopReports = true;

// Blocks until the child has exited, without reaping it and without running
// the event loop, so the next waitForFinished() finds it exited at once.
void waitUntilExited(qint64 pid)
{
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0
           && errno == EINTR) { }
}

void continueStopped(SharedChildProcess *process)
{
    process->sendSignal(SIGCONT);
}
#endif

const char *const setterSignals[] = {
        "programChanged",           "argumentsChanged",       "workingDirectoryChanged",
        "environmentChanged",       "detachOnDestroyChanged", "newProcessGroupChanged",
        "killOnParentDeathChanged", "watchStopsChanged",
};
// What a run emits on every path that runs a child (it dies as killed, so
// errorOccurred(Crashed) comes too).
const char *const runSignals[] = {
        "started",
        "stateChanged",
        "runningChanged",
        "processIdChanged",
        "errorStringChanged",
        "errorOccurred",
        "readyRead",
        "channelReadyRead",
        "readyReadStandardOutput",
        "readyReadStandardError",
        "readChannelFinished",
        "exitStatusChanged",
        "finished",
};
const char *const writeSignals[] = {"bytesWritten", "channelBytesWritten"};

// Each path's child (the helper's steps): it writes to stdout and stderr, and
// what it does after that decides which further signals come. "die" reads as
// a crash on every OS (SIGKILL; on Windows an unhandled exception).
QStringList stepsFor(Path path)
{
    const QStringList written{QStringLiteral("steps"), QStringLiteral("out=out"),
                              QStringLiteral("err=err")};
    const QStringList more{QStringLiteral("out=more"), QStringLiteral("err=more"),
                           QStringLiteral("die")};
    const QString read = QStringLiteral("read");
    switch (path) {
    case Path::EventLoop: // reads a line, stops itself, and once continued reads another
        if (hasStopReports)
            return written + QStringList{read, QStringLiteral("stop"), read} + more;
        return written + QStringList{read, read} + more;
    case Path::WaitForFinished:
        return written + QStringList{read} + more;
    case Path::Close: // close() kills it
        return {QStringLiteral("steps"), QStringLiteral("out=out"), read,
                QStringLiteral("sleep=1000")};
    case Path::WaitAfterExit:
    case Path::FailedStart:
        break;
    }
    return written + QStringList{QStringLiteral("die")};
}

} // namespace

class tst_Reentrancy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everySignalIsCovered();
    void slotMayDeleteOrRestart_data();
    void slotMayDeleteOrRestart();

private:
    static QSet<QByteArray> coveredSignals();
};

QSet<QByteArray> tst_Reentrancy::coveredSignals()
{
    QSet<QByteArray> covered;
    for (const char *name : setterSignals)
        covered.insert(name);
    for (const char *name : runSignals)
        covered.insert(name);
    for (const char *name : writeSignals)
        covered.insert(name);
    covered.insert("aboutToClose");
    covered.insert("stopped");
    covered.insert("continued");
    return covered;
}

// A signal added to the class (or to QIODevice) later must be added to the rows as well.
void tst_Reentrancy::everySignalIsCovered()
{
    const QMetaObject &meta = SharedChildProcess::staticMetaObject;
    const QSet<QByteArray> covered = coveredSignals();
    for (int i = QIODevice::staticMetaObject.methodOffset(); i < meta.methodCount(); ++i) {
        const QMetaMethod method = meta.method(i);
        if (method.methodType() == QMetaMethod::Signal)
            QVERIFY2(covered.contains(method.name()), method.name().constData());
    }
}

void tst_Reentrancy::slotMayDeleteOrRestart_data()
{
    QTest::addColumn<QByteArray>("signal");
    QTest::addColumn<Action>("action");
    QTest::addColumn<Path>("path");

    const std::pair<Action, const char *> actions[] = {
            {Action::Delete, "delete"},
            {Action::DeleteLater, "deleteLater"},
            {Action::StartAgain, "start"},
    };
    const auto addRows
            = [&](Path path, const char *pathName, const QList<QByteArray> &signalNames) {
                  for (const QByteArray &signal : signalNames) {
                      for (const auto &[action, actionName] : actions) {
                          QTest::addRow("%s/%s/%s", pathName, signal.constData(), actionName)
                                  << signal << action << path;
                      }
                  }
              };
    QList<QByteArray> eventLoop;
    for (const char *name : setterSignals)
        eventLoop << name;
    for (const char *name : runSignals)
        eventLoop << name;
    for (const char *name : writeSignals)
        eventLoop << name;
    if (hasStopReports)
        eventLoop << "stopped"
                  << "continued";
    addRows(Path::EventLoop, "eventLoop", eventLoop);

    QList<QByteArray> waiting;
    for (const char *name : runSignals)
        waiting << name;
    addRows(Path::WaitAfterExit, "waitAfterExit", waiting);
    for (const char *name : writeSignals)
        waiting << name;
    addRows(Path::WaitForFinished, "waitForFinished", waiting);
    addRows(Path::Close, "close",
            {"aboutToClose", "bytesWritten", "stateChanged", "errorOccurred", "readChannelFinished",
             "finished"});

    addRows(Path::FailedStart, "failedStart",
            {"stateChanged", "processIdChanged", "exitStatusChanged", "errorStringChanged",
             "errorOccurred"});
}

void tst_Reentrancy::slotMayDeleteOrRestart()
{
    QFETCH(QByteArray, signal);
    QFETCH(Action, action);
    QFETCH(Path, path);
    QTRY_COMPARE_WITH_TIMEOUT(childProcessCount(), 0, 10000);

    auto *process = new SharedChildProcess;
    const QPointer<SharedChildProcess> guard(process);
    int startedCount = 0;
    int finishedCount = 0;
    int stoppedCount = 0;
    int continuedCount = 0;
    // Counters first: they run before the reacting slot.
    connect(process, &SharedChildProcess::started, this, [&] { ++startedCount; });
    connect(process, &SharedChildProcess::finished, this, [&] { ++finishedCount; });
    connect(process, &SharedChildProcess::stopped, this, [&] { ++stoppedCount; });
    connect(process, &SharedChildProcess::continued, this, [&] { ++continuedCount; });

    Reactor reactor(process, action);
    const auto connectReactor = [&] {
        const QMetaObject &meta = SharedChildProcess::staticMetaObject;
        QMetaMethod signalMethod;
        for (int i = QIODevice::staticMetaObject.methodOffset(); i < meta.methodCount(); ++i) {
            if (meta.method(i).methodType() == QMetaMethod::Signal
                && meta.method(i).name() == signal)
                signalMethod = meta.method(i);
        }
        const QMetaMethod react
                = reactor.metaObject()->method(reactor.metaObject()->indexOfSlot("react()"));
        return static_cast<bool>(connect(process, signalMethod, &reactor, react));
    };
    if (path != Path::FailedStart)
        QVERIFY(connectReactor());

    const auto alive = [&guard] { return !guard.isNull(); };
    // Whatever a failed check leaves, the next row starts without it.
    const auto cleanup = qScopeGuard([&guard] { delete guard.data(); });
    // The program comes last: a start() from an earlier setter's slot fails
    // (no program yet), and one from programChanged's starts a complete run.
    for (const auto &setStep : std::initializer_list<std::function<void()>>{
                 [&] { process->setArguments(stepsFor(path)); },
                 [&] { process->setWatchStops(path == Path::EventLoop); },
                 [&] { process->setWorkingDirectory(QDir::tempPath()); },
                 [&] { process->setEnvironment(QProcess::systemEnvironment()); },
                 [&] { process->setDetachOnDestroy(true); },
                 [&] { process->setDetachOnDestroy(false); },
                 [&] { process->setNewProcessGroup(true); },
                 [&] { process->setKillOnParentDeath(true); },
                 [&] { process->setProgram(helper); },
         }) {
        if (alive())
            setStep();
    }

    if (path == Path::FailedStart && alive()) {
        // A finished run first, so the failed start changes state, PID and status.
        QVERIFY(process->start());
        QVERIFY(process->waitForFinished(10000));
        process->setProgram(QStringLiteral("/nonexistent/sharedchild-reentrancy"));
        QVERIFY(connectReactor());
        process->start();
    } else if (alive()) {
        process->start();
        if (alive())
            process->write("line\n");
    }

    switch (path) {
    case Path::EventLoop:
        if (hasStopReports) {
            QTRY_VERIFY_WITH_TIMEOUT(!alive() || stoppedCount > 0 || finishedCount > 0, 10000);
            if (alive() && process->state() == SharedChildProcess::Stopped)
                continueStopped(process);
            QTRY_VERIFY_WITH_TIMEOUT(!alive() || continuedCount > 0 || finishedCount > 0, 10000);
        }
        if (alive())
            process->write("line\n");
        QTRY_VERIFY_WITH_TIMEOUT(!alive() || finishedCount > 0, 10000);
        break;
    case Path::WaitForFinished:
        if (alive())
            QVERIFY(process->waitForFinished(10000));
        break;
    case Path::WaitAfterExit:
        if (alive())
            waitUntilExited(process->processId());
        if (alive())
            QVERIFY(process->waitForFinished(10000));
        break;
    case Path::Close:
        if (alive())
            process->close();
        break;
    case Path::FailedStart:
        break;
    }

    QVERIFY2(reactor.calls > 0, "the signal under test was not emitted");
    switch (action) {
    case Action::Delete:
        QVERIFY(!alive());
        break;
    case Action::DeleteLater:
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QTRY_VERIFY_WITH_TIMEOUT(!alive(), 10000);
        break;
    case Action::StartAgain:
        QVERIFY(alive());
        if (process->isRunning()) {
            process->kill();
            QVERIFY(process->waitForFinished(10000));
        }
        // Every run that started got its finished(), once.
        QCOMPARE(finishedCount, startedCount);
        QCOMPARE(process->state(), SharedChildProcess::NotRunning);
        break;
    }
    // Whatever ran was killed with the object or finished, and was reaped.
    QTRY_COMPARE_WITH_TIMEOUT(childProcessCount(), 0, 10000);
}

QTEST_GUILESS_MAIN(tst_Reentrancy)
#include "tst_reentrancy.moc"
