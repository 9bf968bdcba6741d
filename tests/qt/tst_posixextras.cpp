// SPDX-License-Identifier: MIT
// SharedChildProcess beyond QProcess, where only POSIX has it: stop/continue
// reports, process-group kill and stop(), a lost status. tst_extras holds
// the extras every OS has.

#include <sharedchild/sharedchildprocess.h>

#include "startinthread.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cerrno>
#include <csignal>

namespace {

const QString helper = QStringLiteral(SCTEST_HELPER);

void configure(SharedChildProcess &process, const QStringList &arguments)
{
    process.setProgram(helper);
    process.setArguments(arguments);
}

// Alive and not a zombie.
bool isAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray fields = stat.readAll();
    const char state = fields.at(fields.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
}

qint64 firstNumberIn(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readLine().trimmed().toLongLong() : 0;
}

} // namespace

class tst_PosixExtras : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stopAndContinueAreReported();
    void startWhileStoppedIsRefused();
    void stopsAreNotWatchedUnlessAskedFor();
    void processGroupKillLeavesNoGrandchild();
    void stopEscalatesOnTheWholeGroup();
    void futureCarriesALostStatusAsAnException();
};

void tst_PosixExtras::stopAndContinueAreReported()
{
    SharedChildProcess process;
    process.setWatchStops(true);
    // Its own process group: the kernel discards SIGTSTP sent to an orphaned
    // process group, which ours is when the test runs without a shell (CI).
    process.setNewProcessGroup(true);
    configure(process, {QStringLiteral("sleep"), QStringLiteral("1000")});
    QSignalSpy stopped(&process, &SharedChildProcess::stopped);
    QSignalSpy continued(&process, &SharedChildProcess::continued);
    QSignalSpy states(&process, &SharedChildProcess::stateChanged);
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    QVERIFY(process.start());

    for (const int signal : {SIGSTOP, SIGTSTP}) {
        process.sendSignal(signal);
        QVERIFY(stopped.wait(10000));
        QCOMPARE(stopped.last()[0].toInt(), signal);
        QCOMPARE(process.state(), SharedChildProcess::Stopped);
        QVERIFY(process.isRunning()); // stopped is not exited
        QVERIFY(!process.tryWait().isValid());
        process.sendSignal(SIGCONT);
        QVERIFY(continued.wait(10000));
        QCOMPARE(process.state(), SharedChildProcess::Running);
    }
    QCOMPARE(stopped.size(), 2);
    QCOMPARE(continued.size(), 2);
    QCOMPARE(finished.size(), 0);

    process.sendSignal(SIGSTOP);
    QVERIFY(stopped.wait(10000));
    process.kill(); // a stopped child dies of SIGKILL too
    QVERIFY(finished.wait(10000));
    QCOMPARE(process.exitStatus().signalNumber(), SIGKILL);
    QCOMPARE(process.state(), SharedChildProcess::NotRunning);
    QCOMPARE(states.last()[0].value<SharedChildProcess::ProcessState>(),
             SharedChildProcess::NotRunning);
}

void tst_PosixExtras::startWhileStoppedIsRefused()
{
    SharedChildProcess process;
    process.setWatchStops(true);
    configure(process, {QStringLiteral("sleep"), QStringLiteral("1000")});
    QSignalSpy stopped(&process, &SharedChildProcess::stopped);
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    QVERIFY(process.start());
    const qint64 pid = process.processId();
    process.sendSignal(SIGSTOP);
    QVERIFY(stopped.wait(10000));
    QCOMPARE(process.state(), SharedChildProcess::Stopped);
    // A stopped child is still a run in progress: starting again would drop
    // it. As QProcess, the refusal is a warning, not an error of the run.
    QTest::ignoreMessage(QtWarningMsg, "SharedChildProcess::start: Process is already running");
    QVERIFY(!process.start());
    QCOMPARE(errors.size(), 0);
    QCOMPARE(process.processId(), pid);
    process.kill();
    QCOMPARE(process.wait().signalNumber(), SIGKILL);
}

void tst_PosixExtras::stopsAreNotWatchedUnlessAskedFor()
{
    SharedChildProcess process;
    configure(process, {QStringLiteral("sleep"), QStringLiteral("1000")});
    QSignalSpy stopped(&process, &SharedChildProcess::stopped);
    QVERIFY(process.start());
    process.sendSignal(SIGSTOP);
    // A watching object in the same program sees its own stop, so the waiter
    // has polled at least once while ours was stopped too.
    SharedChildProcess witness;
    witness.setWatchStops(true);
    configure(witness, {QStringLiteral("sleep"), QStringLiteral("1000")});
    QSignalSpy witnessStopped(&witness, &SharedChildProcess::stopped);
    QVERIFY(witness.start());
    witness.sendSignal(SIGSTOP);
    QVERIFY(witnessStopped.wait(10000));
    QVERIFY(QTest::qWaitFor([&] { return witnessStopped.size() == 1; }, 0));
    QCOMPARE(stopped.size(), 0);
    QCOMPARE(process.state(), SharedChildProcess::Running);
    process.kill();
    witness.kill();
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(witness.waitForFinished(10000));
}

void tst_PosixExtras::processGroupKillLeavesNoGrandchild()
{
    QTemporaryDir dir;
    const QString pidFile = dir.filePath(QStringLiteral("grandchild"));
    SharedChildProcess process;
    process.setNewProcessGroup(true);
    process.setProgram(QStringLiteral("/bin/sh"));
    process.setArguments(
            {QStringLiteral("-c"), QStringLiteral("sleep 1000 & echo $! > %1; wait").arg(pidFile)});
    QVERIFY(process.start());
    QTRY_VERIFY_WITH_TIMEOUT(firstNumberIn(pidFile) > 0, 10000);
    const qint64 grandchild = firstNumberIn(pidFile);
    QVERIFY(isAlive(grandchild));
    process.killProcessGroup(SIGKILL);
    QCOMPARE(process.wait().signalNumber(), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(!isAlive(grandchild), 10000);
}

void tst_PosixExtras::stopEscalatesOnTheWholeGroup()
{
    // Shell and grandchild both ignore SIGTERM: only the group-wide SIGKILL
    // after the grace period ends them.
    QTemporaryDir dir;
    const QString pidFile = dir.filePath(QStringLiteral("grandchild"));
    const QString ready = dir.filePath(QStringLiteral("ready"));
    SharedChildProcess process;
    process.setNewProcessGroup(true);
    process.setProgram(QStringLiteral("/bin/sh"));
    process.setArguments({QStringLiteral("-c"),
                          QStringLiteral("trap '' TERM; '%1' --ready %2 ignore-term 1000 & "
                                         "echo $! > %3; wait")
                                  .arg(helper, ready, pidFile)});
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    QVERIFY(process.start());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(ready) && firstNumberIn(pidFile) > 0, 10000);
    const qint64 grandchild = firstNumberIn(pidFile);

    QElapsedTimer timer;
    timer.start();
    process.stop(300);
    QVERIFY(finished.wait(10000));
    QVERIFY(timer.elapsed() >= 290);
    QCOMPARE(process.exitStatus().signalNumber(), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(!isAlive(grandchild), 10000);
}

void tst_PosixExtras::futureCarriesALostStatusAsAnException()
{
    // With SIGCHLD ignored the kernel reaps the child itself: the status is lost.
    const auto previous = std::signal(SIGCHLD, SIG_IGN);
    SharedChildProcess process;
    configure(process, {QStringLiteral("exit"), QStringLiteral("0")});
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    QVERIFY(process.start());
    QFuture<SharedChildExitStatus> future = process.future();
    bool failedWithEchild = false;
    QFuture<void> handled = future.then([](const SharedChildExitStatus &) {
                                  }).onFailed([&](const std::system_error &error) {
        failedWithEchild = error.code().value() == ECHILD;
    });
    handled.waitForFinished();
    std::signal(SIGCHLD, previous);
    QVERIFY(failedWithEchild);
    QVERIFY(errors.wait(10000));
    QCOMPARE(errors.last()[0].value<SharedChildProcess::ProcessError>(),
             SharedChildProcess::StatusLost);
    QVERIFY(!process.exitStatus().isValid());
}

QTEST_GUILESS_MAIN(tst_PosixExtras)
#include "tst_posixextras.moc"
