// SPDX-License-Identifier: MIT
// SharedChildProcess's standard streams: pipes, files, the null device,
// merged stderr, and pipes that are closed early on either side.

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_WIN
#include <windows.h>

#include <psapi.h> // after windows.h, which it needs
#else
#include <csignal>
#endif

#if defined(__SANITIZE_ADDRESS__)
// hundredMebibytesEachWayWithBoundedMemory() measures the peak RSS. ASan keeps
// up to 256 MiB of freed memory in quarantine by default, which would count as
// growth; a small quarantine keeps the figure about our buffers.
extern "C" __attribute__((visibility("default"), used)) const char *__asan_default_options()
{
    return "quarantine_size_mb=8";
}
#endif

namespace {

const QString helper = QStringLiteral(SCTEST_HELPER);
constexpr qint64 mebibyte = 1024 * 1024;
// The core's portable number: Windows reports kill() as 9 too.
constexpr int sigkill = SharedChild::Child::killSignal;

void configure(SharedChildProcess &process, const QStringList &arguments)
{
    process.setProgram(helper);
    process.setArguments(arguments);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

// The high-water mark of this process's resident memory (Windows: its
// working set), in bytes.
qint64 peakRss()
{
#ifdef Q_OS_WIN
    PROCESS_MEMORY_COUNTERS memory{};
    if (!::GetProcessMemoryInfo(::GetCurrentProcess(), &memory, sizeof memory))
        return -1;
    return static_cast<qint64>(memory.PeakWorkingSetSize);
#else
    const QByteArray status = readFile(QStringLiteral("/proc/self/status"));
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
#endif
}

} // namespace

class tst_Channels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void echoThroughPipes();
    void everyReadyReadComesBeforeFinished();
    void stderrSeparateAndMerged();
    void nullDevice();
    void filesTruncateAppendAndInput();
    void badChannelSetupFailsToStart();
    void hundredMebibytesEachWayWithBoundedMemory();
    void waitForFinishedServicesPipes();
    void closeReadChannelDiscardsAndLeavesTheChildAlone();
    void writingToAChildThatStoppedReading();
    void childClosingItsStdoutEarly();
};

void tst_Channels::echoThroughPipes()
{
    SharedChildProcess process;
    configure(process, {QStringLiteral("echo")});
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    QVERIFY(process.start()); // pipes by default, as QProcess
    QCOMPARE(process.write("hello\n"), 6);
    QCOMPARE(process.write("world\n"), 6);
    process.closeWriteChannel();
    QVERIFY(finished.wait(10000));
    QVERIFY(process.exitStatus().success());
    QCOMPARE(process.readAllStandardOutput(), QByteArray("hello\nworld\n"));
    QCOMPARE(process.readAllStandardOutput(), QByteArray()); // read once
    QCOMPARE(process.write("late"), 0); // as QProcess after closeWriteChannel()
}

void tst_Channels::everyReadyReadComesBeforeFinished()
{
    SharedChildProcess process;
    configure(process, {QStringLiteral("stream"), QStringLiteral("2")});
    process.setStandardInputFile(SharedChildProcess::nullDevice());
    QStringList events;
    qint64 out = 0;
    qint64 err = 0;
    connect(&process, &SharedChildProcess::readyReadStandardOutput, this, [&] {
        out += process.readAllStandardOutput().size();
        events << QStringLiteral("out");
    });
    connect(&process, &SharedChildProcess::readyReadStandardError, this, [&] {
        err += process.readAllStandardError().size();
        events << QStringLiteral("err");
    });
    connect(&process, &SharedChildProcess::finished, this,
            [&] { events << QStringLiteral("finished"); });
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    QVERIFY(process.start());
    QVERIFY(finished.wait(30000));
    QCOMPARE(events.last(), QStringLiteral("finished"));
    QCOMPARE(events.count(QStringLiteral("finished")), 1);
    QCOMPARE(out, 2 * mebibyte);
    QCOMPARE(err, 2 * mebibyte);
    QCOMPARE(process.exitStatus().exitCode(), 1); // stdin was empty, not 2 MiB
}

void tst_Channels::stderrSeparateAndMerged()
{
    SharedChildProcess process;
    configure(process, {QStringLiteral("stream"), QStringLiteral("1")});
    process.setStandardInputFile(SharedChildProcess::nullDevice());
    process.setProcessChannelMode(SharedChildProcess::MergedChannels);
    QVERIFY(process.start());
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.readAllStandardOutput().size(), 2 * mebibyte);
    QTest::ignoreMessage(QtWarningMsg,
                         "SharedChildProcess::readAllStandardError: Called with MergedChannels");
    QCOMPARE(process.readAllStandardError().size(), 0);

    process.setProcessChannelMode(SharedChildProcess::SeparateChannels);
    QVERIFY(process.start());
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.readAllStandardOutput().size(), mebibyte);
    QCOMPARE(process.readAllStandardError().size(), mebibyte);
}

void tst_Channels::nullDevice()
{
    SharedChildProcess process;
    configure(process, {QStringLiteral("echo")});
    process.setStandardInputFile(SharedChildProcess::nullDevice());
    QVERIFY(process.start());
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(process.exitStatus().success());
    QCOMPARE(process.readAllStandardOutput(), QByteArray()); // read EOF at once
}

void tst_Channels::filesTruncateAppendAndInput()
{
    QTemporaryDir dir;
    const QString input = dir.filePath(QStringLiteral("in"));
    const QString output = dir.filePath(QStringLiteral("out"));
    writeFile(input, "from a file\n");
    writeFile(output, "old content that must go\n");

    SharedChildProcess process;
    configure(process, {QStringLiteral("echo")});
    process.setStandardInputFile(input);
    process.setStandardOutputFile(output);
    QVERIFY(process.start());
    QVERIFY(process.wait().success());
    QCOMPARE(readFile(output), QByteArray("from a file\n"));

    process.setStandardOutputFile(output, QIODevice::Append);
    QVERIFY(process.start());
    QVERIFY(process.wait().success());
    QCOMPARE(readFile(output), QByteArray("from a file\nfrom a file\n"));
}

void tst_Channels::badChannelSetupFailsToStart()
{
    SharedChildProcess process;
    configure(process, {QStringLiteral("echo")});
    process.setStandardInputFile(QStringLiteral("/nonexistent/input-file"));
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    QVERIFY(!process.start());
    QCOMPARE(errors.size(), 1);
    QVERIFY2(process.errorString().contains(QStringLiteral("/nonexistent/input-file")),
             qPrintable(process.errorString()));
    QVERIFY2(process.errorString().contains(QStringLiteral("stdin")),
             qPrintable(process.errorString()));

    QCOMPARE(process.error(), SharedChildProcess::FailedToStart);

    process.setStandardInputFile({});
    process.setStandardOutputFile(QStringLiteral("/nonexistent/output-file"));
    QVERIFY(!process.start());
    QCOMPARE(errors.size(), 2);
    QVERIFY2(process.errorString().contains(QStringLiteral("stdout")),
             qPrintable(process.errorString()));
}

void tst_Channels::hundredMebibytesEachWayWithBoundedMemory()
{
    constexpr qint64 total = 100 * mebibyte;
    const QByteArray chunk(static_cast<int>(mebibyte), 'i');
    SharedChildProcess process;
    configure(process, {QStringLiteral("stream"), QString::number(total / mebibyte)});

    qint64 sent = 0;
    qint64 out = 0;
    qint64 err = 0;
    // Feed stdin a chunk at a time, as the child takes it.
    auto feed = [&] {
        while (sent < total && process.bytesToWrite() < mebibyte) {
            process.write(chunk);
            sent += chunk.size();
        }
        if (sent == total && process.bytesToWrite() == 0)
            process.closeWriteChannel();
    };
    connect(&process, &SharedChildProcess::bytesWritten, this, feed);
    connect(&process, &SharedChildProcess::readyReadStandardOutput, this,
            [&] { out += process.readAllStandardOutput().size(); });
    connect(&process, &SharedChildProcess::readyReadStandardError, this,
            [&] { err += process.readAllStandardError().size(); });
    QSignalSpy finished(&process, &SharedChildProcess::finished);

    const qint64 rssBefore = peakRss();
    QVERIFY(process.start());
    feed();
    QVERIFY(finished.wait(120000));
    QCOMPARE(process.exitStatus().exitCode(), 0); // the child got all 100 MiB of stdin
    QCOMPARE(out, total);
    QCOMPARE(err, total);
    const qint64 growth = peakRss() - rssBefore;
    qInfo("peak RSS grew by %lld KiB", growth / 1024);
    QVERIFY2(growth < 32 * mebibyte,
             qPrintable(QStringLiteral("peak RSS grew by %1 MiB").arg(growth / mebibyte)));
}

void tst_Channels::waitForFinishedServicesPipes()
{
    // The owner thread never returns to its event loop: waitForFinished()
    // itself must keep all three pipes moving, or the child blocks for ever.
    SharedChildProcess process;
    configure(process, {QStringLiteral("stream"), QStringLiteral("8")});
    QVERIFY(process.start());
    process.write(QByteArray(static_cast<int>(8 * mebibyte), 'i'));
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitStatus().exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput().size(), 8 * mebibyte);
    QCOMPARE(process.readAllStandardError().size(), 8 * mebibyte);
}

void tst_Channels::closeReadChannelDiscardsAndLeavesTheChildAlone()
{
    // As QProcess: what the child writes from now on is read and dropped, so
    // it neither blocks on a full pipe nor dies of SIGPIPE.
    SharedChildProcess process;
    configure(process, {QStringLiteral("stream"), QStringLiteral("20")});
    process.setStandardInputFile(SharedChildProcess::nullDevice());
    process.setStandardErrorFile(SharedChildProcess::nullDevice());
    QSignalSpy readyRead(&process, &SharedChildProcess::readyReadStandardOutput);
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    QVERIFY(process.start());
    QVERIFY(readyRead.wait(10000));
    process.closeReadChannel(SharedChildProcess::StandardOutput);
    const qint64 keptBefore = process.bytesAvailable();
    const qsizetype signalsBefore = readyRead.size();
    QVERIFY(finished.wait(30000));
    QVERIFY(process.exitStatus().exitedNormally()); // exit 1: its stdin was empty
    QCOMPARE(process.exitStatus().exitCode(), 1);
    QCOMPARE(readyRead.size(), signalsBefore);
    QCOMPARE(process.bytesAvailable(), keptBefore); // what was read before stays readable
    QVERIFY(!process.waitForReadyRead(0));
}

void tst_Channels::writingToAChildThatStoppedReading()
{
#ifndef Q_OS_WIN
    // SIGPIPE at its default: a write that raised it would kill the test run.
    const auto previousHandler = std::signal(SIGPIPE, SIG_DFL);
    const auto restoreHandler = qScopeGuard([&] { std::signal(SIGPIPE, previousHandler); });
#endif
    QTemporaryDir dir;
    const QString ready = dir.filePath(QStringLiteral("ready"));
    SharedChildProcess process;
    configure(process,
              {QStringLiteral("--ready"), ready, QStringLiteral("close-stdin"),
               QStringLiteral("1000")});
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    QVERIFY(process.start());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(ready), 10000); // its stdin is closed now
    QCOMPARE(process.write(QByteArray(static_cast<int>(mebibyte), 'x')), mebibyte);
    QVERIFY(errors.wait(10000));
    QCOMPARE(errors.last()[0].value<SharedChildProcess::ProcessError>(),
             SharedChildProcess::WriteError);
    QVERIFY2(process.errorString().contains(QStringLiteral("Broken pipe")),
             qPrintable(process.errorString()));
    // As QProcess: what the child did not take is still counted, and no
    // more can be written.
    QCOMPARE(process.bytesToWrite(), mebibyte);
    QCOMPARE(process.write("more"), -1);
    QVERIFY(process.isRunning()); // the child is unharmed
    process.kill();
    QCOMPARE(process.wait().signalNumber(), sigkill);
}

void tst_Channels::childClosingItsStdoutEarly()
{
    SharedChildProcess process;
    configure(process, {QStringLiteral("close-stdout"), QStringLiteral("0.3")});
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    QVERIFY(process.start());
    QVERIFY(finished.wait(10000));
    QVERIFY(process.exitStatus().success());
    QCOMPARE(process.readAllStandardOutput(), QByteArray());
}

QTEST_GUILESS_MAIN(tst_Channels)
#include "tst_channels.moc"
