// SPDX-License-Identifier: MIT
// SharedChildProcess on Windows (run under Wine by scripts/test-qt-windows):
// the overlapped pipe channels, driven both by the event loop (their
// QWinEventNotifiers) and by the blocking waitFor*() calls (their
// WaitForMultipleObjects()), with the test helper as the child.
#include <sharedchild/sharedchildprocess.h>

#include "processcensus.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <cerrno>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include <windows.h>

namespace {

const QString helper = QStringLiteral(SCTEST_HELPER);
constexpr int longWait = 120000; // Wine is slow; a working run finishes far sooner
constexpr qint64 mebibyte = 1024 * 1024;

// Counts what arrives on both output channels without keeping it, and
// records the thread finished() is emitted in.
struct OutputCounter
{
    explicit OutputCounter(SharedChildProcess &process)
    {
        QObject::connect(&process, &SharedChildProcess::readyReadStandardOutput, &process,
                         [this, &process] { out += process.readAllStandardOutput().size(); });
        QObject::connect(&process, &SharedChildProcess::readyReadStandardError, &process,
                         [this, &process] { err += process.readAllStandardError().size(); });
        QObject::connect(&process, &SharedChildProcess::finished, &process, [this] {
            ++finished;
            finishedIn = QThread::currentThread();
        });
    }
    qint64 out = 0;
    qint64 err = 0;
    int finished = 0;
    QThread *finishedIn = nullptr;
};

} // namespace

class WindowsPipes : public QObject
{
    Q_OBJECT

private slots:
    void echoWithBlockingCalls()
    {
        SharedChildProcess process;
        process.start(helper, {QStringLiteral("echo")});
        QVERIFY2(process.waitForStarted(longWait), qPrintable(process.errorString()));
        QCOMPARE(process.write("first line\n"), qint64(11));
        QVERIFY(process.waitForBytesWritten(longWait));
        QVERIFY(process.waitForReadyRead(longWait));
        QByteArray echoed = process.readAllStandardOutput();
        // std::cin's copy may hand the line on in more than one piece.
        while (echoed.size() < 11 && process.waitForReadyRead(longWait))
            echoed += process.readAllStandardOutput();
        QCOMPARE(echoed, QByteArray("first line\n"));
        process.write("second\n");
        process.closeWriteChannel(); // the child sees the end of its input and exits
        QVERIFY(process.waitForFinished(longWait));
        QCOMPARE(process.exitStatus(), SharedChildProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(process.readAllStandardOutput(), QByteArray("second\n"));
    }

    void echoThroughTheEventLoop()
    {
        SharedChildProcess process;
        OutputCounter counter(process);
        QByteArray echoed;
        connect(&process, &SharedChildProcess::readyRead, &process,
                [&] { echoed += process.readAll(); });
        QSignalSpy bytesWritten(&process, &SharedChildProcess::bytesWritten);
        process.start(helper, {QStringLiteral("echo")});
        const QByteArray input = QByteArray("through the event loop\n").repeated(1000);
        process.write(input);
        process.closeWriteChannel();
        QTRY_COMPARE_WITH_TIMEOUT(counter.finished, 1, longWait);
        QCOMPARE(echoed, input);
        QVERIFY(!bytesWritten.isEmpty());
        qint64 total = 0;
        for (const QList<QVariant> &arguments : bytesWritten)
            total += arguments.at(0).toLongLong();
        QCOMPARE(total, input.size());
        QCOMPARE(process.bytesToWrite(), qint64(0));
    }

    void waitForReadyReadWakesForLateOutput()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("go"));
        SharedChildProcess process;
        process.start(helper, {QStringLiteral("wait-file"), QDir::toNativeSeparators(file)});
        QVERIFY(process.waitForStarted(longWait));
        QVERIFY(!process.waitForReadyRead(200)); // nothing yet: a timeout
        QCOMPARE(process.error(), SharedChildProcess::Timedout);
        QFile go(file);
        QVERIFY(go.open(QIODevice::WriteOnly));
        go.close();
        QVERIFY(process.waitForReadyRead(longWait));
        QVERIFY(process.canReadLine() || process.waitForReadyRead(longWait));
        QCOMPARE(process.readLine().trimmed(), QByteArray("exiting"));
        QVERIFY(process.waitForFinished(longWait));
        QCOMPARE(process.exitCode(), 0);
    }

    void readAllStandardErrorSeparately()
    {
        // stream 1 with no input: a MiB to stdout and to stderr, exit 1
        // because stdin held less than that.
        SharedChildProcess process;
        process.start(helper, {QStringLiteral("stream"), QStringLiteral("1")});
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(longWait));
        QCOMPARE(process.exitCode(), 1);
        QCOMPARE(process.readAllStandardOutput().size(), mebibyte);
        QCOMPARE(process.readAllStandardError().size(), mebibyte);
    }

    void hundredMebibytesEachWayBlocking()
    {
        SharedChildProcess process;
        OutputCounter counter(process);
        process.start(helper, {QStringLiteral("stream"), QStringLiteral("100")});
        QVERIFY(process.waitForStarted(longWait));
        const QByteArray block(mebibyte, 'i');
        for (int i = 0; i < 100; ++i)
            process.write(block);
        process.closeWriteChannel();
        QVERIFY2(process.waitForFinished(5 * longWait), qPrintable(process.errorString()));
        QCOMPARE(process.exitCode(), 0); // the child got all 100 MiB
        QCOMPARE(counter.out, 100 * mebibyte);
        QCOMPARE(counter.err, 100 * mebibyte);
        QCOMPARE(counter.finished, 1);
        QCOMPARE(counter.finishedIn, QThread::currentThread());
    }

    void hundredMebibytesEachWayInTheEventLoop()
    {
        SharedChildProcess process;
        OutputCounter counter(process);
        process.start(helper, {QStringLiteral("stream"), QStringLiteral("100")});
        const QByteArray block(mebibyte, 'i');
        for (int i = 0; i < 100; ++i)
            process.write(block);
        process.closeWriteChannel();
        QTRY_COMPARE_WITH_TIMEOUT(counter.finished, 1, 5 * longWait);
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(counter.out, 100 * mebibyte);
        QCOMPARE(counter.err, 100 * mebibyte);
        QCOMPARE(counter.finishedIn, QThread::currentThread());
    }

    void finishedOnceInTheOwnerThread()
    {
        SharedChildProcess process;
        OutputCounter counter(process);
        process.start(helper, {QStringLiteral("exit"), QStringLiteral("3")});
        QTRY_COMPARE_WITH_TIMEOUT(counter.finished, 1, longWait);
        QCOMPARE(counter.finishedIn, QThread::currentThread());
        QCOMPARE(process.exitCode(), 3);
        QVERIFY(process.waitForFinished(100) == false); // not running: as QProcess
        QCoreApplication::processEvents();
        QCOMPARE(counter.finished, 1);
    }

    void endedFromAnotherThread_data()
    {
        QTest::addColumn<bool>("useStop");
        QTest::addColumn<int>("signal");
        QTest::newRow("kill and waitForFinished") << false << 9;
        // Windows has no SIGTERM to ignore: stop()'s first step ends the child.
        QTest::newRow("stop") << true << 15;
    }

    void endedFromAnotherThread()
    {
        QFETCH(bool, useStop);
        QFETCH(int, signal);
        SharedChildProcess process;
        OutputCounter counter(process);
        process.start(helper, {QStringLiteral("sleep"), QStringLiteral("120")});
        QVERIFY(process.waitForStarted(longWait));
        std::atomic<bool> waited{false};
        std::thread other([&] {
            if (useStop) {
                process.stop(100);
                waited = true;
                return;
            }
            process.kill();
            waited = process.waitForFinished(longWait);
        });
        other.join();
        QVERIFY(waited);
        // The end reaches this thread's event loop, once.
        QTRY_COMPARE_WITH_TIMEOUT(counter.finished, 1, longWait);
        QCOMPARE(counter.finishedIn, QThread::currentThread());
        QCOMPARE(process.exitStatus(), SharedChildProcess::CrashExit);
        QCOMPARE(process.exitStatus().signalNumber(), signal);
        QCoreApplication::processEvents();
        QCOMPARE(counter.finished, 1);
    }

    void manyChildrenAtOnce()
    {
        // Every child's notifiers in the one event loop, none starving another.
        constexpr int count = 20;
        std::vector<std::unique_ptr<SharedChildProcess>> processes;
        std::vector<QByteArray> echoed(count);
        int finished = 0;
        for (int i = 0; i < count; ++i) {
            auto process = std::make_unique<SharedChildProcess>();
            SharedChildProcess *p = process.get();
            connect(p, &SharedChildProcess::readyRead, p,
                    [p, &echoed, i] { echoed[i] += p->readAll(); });
            connect(p, &SharedChildProcess::finished, p, [&finished] { ++finished; });
            p->start(helper, {QStringLiteral("echo")});
            p->write(QByteArray::number(i).repeated(10000));
            p->closeWriteChannel();
            processes.push_back(std::move(process));
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished, count, longWait);
        for (int i = 0; i < count; ++i)
            QCOMPARE(echoed[i], QByteArray::number(i).repeated(10000));
    }

    void exitEndsTheWaitWithOnlyStdinOpen()
    {
        // No output pipe whose end could wake the wait: the process handle must.
        SharedChildProcess process;
        process.setStandardOutputFile(SharedChildProcess::nullDevice());
        process.setStandardErrorFile(SharedChildProcess::nullDevice());
        process.start(helper,
                      {QStringLiteral("exit-after"), QStringLiteral("0.2"), QStringLiteral("5")});
        QElapsedTimer timer;
        timer.start();
        QVERIFY(process.waitForFinished(longWait));
        QVERIFY(timer.elapsed() < 10000);
        QCOMPARE(process.exitCode(), 5);
    }

    void writeToAChildThatClosedStdin()
    {
        SharedChildProcess process;
        QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
        process.start(helper, {QStringLiteral("close-stdin"), QStringLiteral("60")});
        QVERIFY(process.waitForStarted(longWait));
        // More than the pipe holds: the write fails once the child's end is gone.
        process.write(QByteArray(4 * mebibyte, 'w'));
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), longWait);
        QCOMPARE(errors.first().at(0).value<SharedChildProcess::ProcessError>(),
                 SharedChildProcess::WriteError);
        QVERIFY2(process.bytesToWrite() > 0, "the unwritten rest still counts");
        process.kill();
        QVERIFY(process.waitForFinished(longWait));
    }

    void programNotFound()
    {
        SharedChildProcess process;
        QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
        process.start(QStringLiteral("no-such-program-sharedchild"), {});
        QVERIFY(!process.waitForStarted(1000));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
    }

    // A start that cannot be done is a failed start that names the program
    // and the reason, as on Linux, and leaves no child: a missing working
    // directory (named too), and a missing program.
    void failedStartSaysWhy_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("workingDirectory");
        QTest::addColumn<QStringList>("mentions");
        const QString notFound = QString::fromStdString(std::generic_category().message(ENOENT));
        const QString missingDirectory = QDir::temp().filePath("no-such-dir-sharedchild");
        QTest::newRow("missing working directory")
                << helper << missingDirectory
                << QStringList{QStringLiteral("sctest-helper"),
                               QStringLiteral("no-such-dir-sharedchild"), notFound};
        const QString missingProgram = QFileInfo(helper).dir().filePath("no-such-sctest-helper");
        QTest::newRow("missing program")
                << missingProgram << QString()
                << QStringList{QStringLiteral("no-such-sctest-helper"), notFound};
    }
    void failedStartSaysWhy()
    {
        QFETCH(QString, program);
        QFETCH(QString, workingDirectory);
        QFETCH(QStringList, mentions);
        SharedChildProcess process;
        QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
        process.setWorkingDirectory(workingDirectory);
        process.start(program, {QStringLiteral("sleep"), QStringLiteral("60")});
        QVERIFY(!process.waitForStarted(longWait));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
        QCOMPARE(process.state(), SharedChildProcess::NotRunning);
        for (const QString &mention : mentions)
            QVERIFY2(process.errorString().contains(mention), qPrintable(process.errorString()));
        QCOMPARE(SharedChildTest::childPids().size(), std::size_t(0));
    }

    // Kill on parent death (a job object on Windows) puts the child in a job,
    // and changes nothing else: it starts, talks through its pipes and
    // finishes as any other. Without it the child is in no job.
    void killOnParentDeathChangesNothingElse_data()
    {
        QTest::addColumn<bool>("killOnParentDeath");
        QTest::newRow("set") << true;
        QTest::newRow("not set") << false;
    }
    void killOnParentDeathChangesNothingElse()
    {
        QFETCH(bool, killOnParentDeath);
        SharedChildProcess process;
        process.setKillOnParentDeath(killOnParentDeath);
        process.start(helper, {QStringLiteral("echo")});
        QVERIFY(process.waitForStarted(longWait));
        const HANDLE child = ::OpenProcess(PROCESS_QUERY_INFORMATION, FALSE,
                                           static_cast<DWORD>(process.processId()));
        QVERIFY2(child, "OpenProcess failed");
        BOOL inJob = FALSE;
        const BOOL asked = ::IsProcessInJob(child, nullptr, &inJob);
        ::CloseHandle(child);
        QVERIFY(asked);
        QCOMPARE(bool(inJob), killOnParentDeath);
        process.write("through the job\n");
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(longWait));
        QCOMPARE(process.exitStatus(), SharedChildProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(process.readAllStandardOutput().trimmed(), QByteArray("through the job"));
    }

    // What Windows lacks is an error at run time, never a crash or a hang: a
    // warning for the process group and the POSIX-only signals, no stop
    // reports, and the child runs on unharmed.
    void whatWindowsLacksIsAWarning()
    {
        SharedChildProcess process;
        process.setNewProcessGroup(true);
        process.setWatchStops(true);
        QSignalSpy stops(&process, &SharedChildProcess::stopped);
        process.start(helper, {QStringLiteral("sleep"), QStringLiteral("60")});
        QVERIFY(process.waitForStarted(longWait));
        QTest::ignoreMessage(
                QtWarningMsg,
                QRegularExpression(QStringLiteral("^SharedChildProcess::killProcessGroup")));
        process.killProcessGroup(9);
        QTest::ignoreMessage(
                QtWarningMsg,
                QRegularExpression(QStringLiteral("^SharedChildProcess::sendSignal.*")));
        process.sendSignal(2); // SIGINT: ENOTSUP
        QVERIFY(!process.waitForFinished(300));
        QCOMPARE(process.state(), SharedChildProcess::Running);
        QCOMPARE(stops.size(), 0);
        process.kill();
        QVERIFY(process.waitForFinished(longWait));
        QCOMPARE(process.exitStatus(), SharedChildProcess::CrashExit);
    }

    void destroyWhileRunning()
    {
        auto *process = new SharedChildProcess;
        process->start(helper, {QStringLiteral("echo")});
        QVERIFY(process->waitForStarted(longWait));
        process->write(QByteArray(4 * mebibyte, 'd')); // a write in flight
        delete process; // kills, cancels the requests, and must not hang
    }
};

QTEST_GUILESS_MAIN(WindowsPipes)
#include "tst_windowspipes.moc"
