// SPDX-License-Identifier: MIT
// SharedChildProcess beyond QProcess, on every OS: resource usage in the exit
// status, QFuture, kill on parent death. tst_posixextras holds the POSIX-only
// extras.

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include "processcensus.h"
#include "startinthread.h"

#include <QFutureWatcher>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>

namespace {

const QString helper = QStringLiteral(SCTEST_HELPER);

void configure(SharedChildProcess &process, const QStringList &arguments)
{
    process.setProgram(helper);
    process.setArguments(arguments);
}

// Running, not a zombie (POSIX) and not gone.
bool isAlive(qint64 pid)
{
    const char state = SharedChildTest::processStateLetter(static_cast<pid_t>(pid));
    return state != 0 && state != 'Z' && state != 'X';
}

} // namespace

class tst_Extras : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resourceUsageInTheExitStatus();
    void continuationMayCallIntoTheObject();
    void futureChainsAndCombines();
    void futureOfAFinishedRunIsReady();
    void futureOfANeverStartedObjectIsCanceled();
    void killOnParentDeathSurvivesTheStartingThread();
};

void tst_Extras::resourceUsageInTheExitStatus()
{
    if (SharedChildTest::runsUnderWine())
        QSKIP("Wine reports no CPU time or peak memory for a process that has exited");
    SharedChildProcess process;
    configure(process, {QStringLiteral("burn"), QStringLiteral("200"), QStringLiteral("64")});
    // With the default pipes: the object's thread services them while it
    // waits, and must still end with the reaped status, usage included.
    QVERIFY(process.start());
    const SharedChildExitStatus status = process.wait();
    QVERIFY(status.success());
    const double cpu = status.userTimeSeconds() + status.systemTimeSeconds();
    QVERIFY2(cpu >= 0.18 && cpu < 2.0, qPrintable(QString::number(cpu)));
    QVERIFY2(status.peakRssBytes() >= 64 * 1024 * 1024,
             qPrintable(QString::number(status.peakRssBytes())));
    // The same through the meta-object, as QML reads it.
    const QVariant viaProperty = process.property("exitStatus");
    const auto *metaObject = &SharedChildExitStatus::staticMetaObject;
    const int index = metaObject->indexOfProperty("peakRssBytes");
    QVERIFY(index >= 0);
    QCOMPARE(metaObject->property(index).readOnGadget(viaProperty.constData()).toLongLong(),
             status.peakRssBytes());
}

void tst_Extras::continuationMayCallIntoTheObject()
{
    // The delivering thread completes the future after it has let go of the
    // run's lock, so a continuation can ask the object again; this one runs in
    // the thread of the waitForFinished() that learns the status.
    SharedChildProcess process;
    configure(process, {QStringLiteral("exit"), QStringLiteral("3")});
    QVERIFY(process.start());
    std::atomic<int> seenAgain{-1};
    const QFuture<void> chained = process.future().then([&](const SharedChildExitStatus &) {
        seenAgain = process.future().result().exitCode();
    });
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(QTest::qWaitFor([&] { return chained.isFinished(); }, 10000));
    QCOMPARE(seenAgain.load(), 3);
}

void tst_Extras::futureChainsAndCombines()
{
    constexpr int childCount = 100;
    std::vector<std::unique_ptr<SharedChildProcess>> processes;
    QList<QFuture<int>> codes;
    for (int i = 0; i < childCount; ++i) {
        auto process = std::make_unique<SharedChildProcess>();
        configure(*process, {QStringLiteral("exit"), QString::number(i)});
        QVERIFY(process->start());
        codes.append(process->future().then(
                [](const SharedChildExitStatus &status) { return status.exitCode(); }));
        processes.push_back(std::move(process));
    }
    QFuture<QList<QFuture<int>>> all = QtFuture::whenAll(codes.begin(), codes.end());
    QFutureWatcher<QList<QFuture<int>>> watcher;
    QSignalSpy done(&watcher, &QFutureWatcherBase::finished);
    watcher.setFuture(all);
    QVERIFY(done.wait(30000));
    const QList<QFuture<int>> results = all.result();
    QCOMPARE(results.size(), childCount);
    for (int i = 0; i < childCount; ++i)
        QCOMPARE(results[i].result(), i);
}

void tst_Extras::futureOfAFinishedRunIsReady()
{
    // The promise is made on the first future() call, here after the run ended.
    SharedChildProcess process;
    configure(process, {QStringLiteral("exit"), QStringLiteral("7")});
    QVERIFY(process.start());
    QVERIFY(process.waitForFinished(10000));
    const QFuture<SharedChildExitStatus> future = process.future();
    QVERIFY(future.isFinished());
    QCOMPARE(future.result().exitCode(), 7);
    QCOMPARE(process.future().result().exitCode(), 7);
}

void tst_Extras::futureOfANeverStartedObjectIsCanceled()
{
    SharedChildProcess process;
    QVERIFY(process.future().isCanceled());
}

void tst_Extras::killOnParentDeathSurvivesTheStartingThread()
{
    // Linux's PR_SET_PDEATHSIG fires when the thread that started the child
    // ends: the library starts such children from its own long-lived thread
    // instead. Windows ties the child to the process (a job object).
    QThread starter;
    starter.start();
    auto *process = new SharedChildProcess;
    process->setKillOnParentDeath(true);
    configure(*process, {QStringLiteral("sleep"), QStringLiteral("1000")});
    QVERIFY(startInThread(*process, starter));
    const qint64 pid = process->processId();
    starter.quit();
    QVERIFY(starter.wait(10000));
    QVERIFY(isAlive(pid));
    QVERIFY(!process->tryWait().isValid());
    process->kill();
    QCOMPARE(process->wait().signalNumber(), int(SharedChild::Child::killSignal));
    delete process; // its thread has ended; nothing is pending for it
}

QTEST_GUILESS_MAIN(tst_Extras)
#include "tst_extras.moc"
