// SPDX-License-Identifier: MIT
// SharedChildProcess as a QProcess drop-in: the QIODevice API (lines, streams,
// read channels, peeking), the waitFor*() functions, QProcess's channel modes
// and defaults, environments, the ways to start, and errors and exit status as
// QProcess reports them. Each case is written as QProcess code would be. The
// children are the test helper, so the suite runs on Windows (under Wine) too.

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include "processcensus.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>

#include <initializer_list>

#ifdef Q_OS_WIN
#include <windows.h> // with NOMINMAX (tests/qt-windows/CMakeLists.txt)
#else
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace {

const QString helper = QStringLiteral(SCTEST_HELPER);

// The helper's arguments for running `list` (its `steps` verb), e.g.
// steps({"out=a", "read"}).
QStringList steps(std::initializer_list<const char *> list)
{
    QStringList arguments{QStringLiteral("steps")};
    for (const char *step : list)
        arguments << QString::fromUtf8(step);
    return arguments;
}

// The helper's arguments for exiting at once with `code`.
QStringList exitWith(int code)
{
    return {QStringLiteral("exit"), QString::number(code)};
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

// Gone, or a zombie that only its parent (not us) may reap.
bool hasExited(qint64 pid)
{
    const char state = SharedChildTest::processStateLetter(static_cast<pid_t>(pid));
    return state == 0 || state == 'Z';
}

// The same directory, however a program wrote its name (Windows: backslashes).
bool sameDirectory(const QByteArray &written, const QString &directory)
{
    return QDir(QString::fromLocal8Bit(written.trimmed())).canonicalPath()
            == QDir(directory).canonicalPath();
}

// Points this process's standard stream `stream` (0, 1 or 2) at `path` for the
// scope's life, so a forwarded channel can be checked: what a child started
// meanwhile inherits (POSIX: the descriptor; Windows: the standard handle).
class RedirectedStream
{
public:
    RedirectedStream(int stream, const QString &path) : m_stream(stream)
    {
        const bool input = stream == 0;
#ifdef Q_OS_WIN
        m_saved = ::GetStdHandle(ids[stream]);
        m_file = ::CreateFileW(
                reinterpret_cast<const wchar_t *>(path.utf16()),
                input ? GENERIC_READ : GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                input ? OPEN_EXISTING : CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
        m_ok = m_file != INVALID_HANDLE_VALUE && ::SetStdHandle(ids[stream], m_file);
#else
        m_saved = ::dup(stream);
        const int file = ::open(QFile::encodeName(path).constData(),
                                input ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC, 0600);
        m_ok = m_saved >= 0 && file >= 0 && ::dup2(file, stream) == stream;
        if (file >= 0)
            ::close(file);
#endif
    }
    ~RedirectedStream()
    {
#ifdef Q_OS_WIN
        ::SetStdHandle(ids[m_stream], m_saved);
        if (m_file != INVALID_HANDLE_VALUE)
            ::CloseHandle(m_file);
#else
        if (m_saved >= 0) {
            ::dup2(m_saved, m_stream);
            ::close(m_saved);
        }
#endif
    }
    bool ok() const
    {
        return m_ok;
    }
    RedirectedStream(const RedirectedStream &) = delete;
    RedirectedStream &operator=(const RedirectedStream &) = delete;

private:
    int m_stream;
    bool m_ok = false;
#ifdef Q_OS_WIN
    static constexpr DWORD ids[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
    HANDLE m_saved = nullptr;
    HANDLE m_file = INVALID_HANDLE_VALUE;
#else
    int m_saved = -1;
#endif
};

} // namespace

class tst_QIODevice : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreQProcesss();
    void readLineInAReadyReadSlotKeepsUpWithAFastWriter();
    void waitForReadyReadLoop();
    void textStreamAndDataStream();
    void peekGetCharUngetCharAndAtEnd();
    void textModeConvertsLineEnds();
    void readChannelsAreSeparate();
    void switchingChannelsKeepsBufferedBytes();
    void channelSignals();
    void waitFunctionsOnANeverStartedObject();
    void waitForReadyReadInsideReadyRead();
    void waitForBytesWritten();
    void waitForBytesWrittenAndFinishedInsideSlots();
    void timeoutSetsTimedout();
    void mergedAndForwardedChannels();
    void forwardedInput();
    void outputFileAppendAndNullDevice();
    void pipelineBetweenTwoProcesses();
    void closeWriteChannelAfterPendingData();
    void environmentAsQProcess();
    void startVariants();
    void openStartsTheProgram();
    void execute();
    void crashAndExitStatusAsQProcess();
    void finishedConnectsToAQProcessSlot();
    void stateSequence();
    void failedStartAsQProcess();
    void startDetachedIsNeverOurChild();
    void startDetachedFailure();
    void childProcessModifierRunsBeforeExec();
    void missingWorkingDirectoryIsReportedAsQProcessDoes();
    void unwrittenInputIsCountedAfterTheRun();
    void dataWrittenJustBeforeExitIsReadyReadFirst();
    void pipelineThroughADetachedProcess();
    void slotDeletingTheObjectInsideStartWithAProgram();
};

void tst_QIODevice::defaultsAreQProcesss()
{
    SharedChildProcess process;
    QCOMPARE(process.processChannelMode(), SharedChildProcess::SeparateChannels);
    QCOMPARE(process.inputChannelMode(), SharedChildProcess::ManagedInputChannel);
    QCOMPARE(process.readChannel(), SharedChildProcess::StandardOutput);
    QCOMPARE(process.error(), SharedChildProcess::UnknownError);
    QCOMPARE(process.errorString(), QStringLiteral("Unknown error"));
    QCOMPARE(process.state(), SharedChildProcess::NotRunning);
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.exitStatus() == SharedChildProcess::NormalExit);
    QVERIFY(process.isSequential());
    QVERIFY(!process.isOpen());
    QVERIFY(process.processEnvironment().inheritsFromParent());

    // Pipes by default: unchanged QProcess code writes to the child and reads
    // what it prints.
    process.start(helper, {QStringLiteral("upper")});
    QCOMPARE(process.openMode(), QIODevice::ReadWrite);
    process.write("it\n");
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("IT\n"));
}

void tst_QIODevice::readLineInAReadyReadSlotKeepsUpWithAFastWriter()
{
    // 200,000 numbered lines as fast as the child can write them; the slot
    // reads whole lines only and must see every one, in order.
    constexpr int lineCount = 200000;
    SharedChildProcess process;
    int expected = 1;
    bool inOrder = true;
    connect(&process, &QIODevice::readyRead, this, [&] {
        while (process.canReadLine()) {
            const QByteArray line = process.readLine();
            inOrder = inOrder && line == QByteArray::number(expected) + '\n';
            ++expected;
        }
    });
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    process.start(helper, {QStringLiteral("count"), QString::number(lineCount)});
    QVERIFY(finished.wait(60000));
    QVERIFY(inOrder);
    QCOMPARE(expected - 1, lineCount);
    QVERIFY(process.atEnd());
}

void tst_QIODevice::waitForReadyReadLoop()
{
    SharedChildProcess process;
    process.start(helper, steps({"out=line 1", "out=line 2", "out=line 3"}));
    QByteArray all;
    while (process.waitForReadyRead(10000))
        all += process.readAll();
    all += process.readAll();
    QCOMPARE(all, QByteArray("line 1\nline 2\nline 3\n"));
    QCOMPARE(process.state(), SharedChildProcess::NotRunning); // the loop ended with the run
    QVERIFY(process.exitStatus().success());
    QCOMPARE(process.error(), SharedChildProcess::UnknownError); // not Timedout
}

void tst_QIODevice::textStreamAndDataStream()
{
    SharedChildProcess echo;
    echo.start(helper, {QStringLiteral("echo")});
    QTextStream text(&echo);
    text << "first line\n" << 42 << " second\n";
    text.flush();
    echo.closeWriteChannel();
    QVERIFY(echo.waitForFinished(10000));
    QCOMPARE(text.readLine(), QStringLiteral("first line"));
    int number = 0;
    QString word;
    text >> number >> word;
    QCOMPARE(number, 42);
    QCOMPARE(word, QStringLiteral("second"));

    SharedChildProcess binary;
    binary.start(helper, {QStringLiteral("echo")});
    QDataStream out(&binary);
    out << QStringLiteral("värde") << qint64(1) << 2.5;
    binary.closeWriteChannel();
    QVERIFY(binary.waitForFinished(10000));
    QDataStream in(&binary);
    QString value;
    qint64 one = 0;
    double half = 0;
    in >> value >> one >> half;
    QCOMPARE(in.status(), QDataStream::Ok);
    QCOMPARE(value, QStringLiteral("värde"));
    QCOMPARE(one, qint64(1));
    QCOMPARE(half, 2.5);
}

void tst_QIODevice::peekGetCharUngetCharAndAtEnd()
{
    SharedChildProcess process;
    process.start(helper, steps({"put=abc\\ndef"}));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.bytesAvailable(), 7);
    QCOMPARE(process.peek(2), QByteArray("ab"));
    char c = 0;
    QVERIFY(process.getChar(&c));
    QCOMPARE(c, 'a');
    process.ungetChar('A');
    QVERIFY(process.canReadLine());
    QCOMPARE(process.readLine(), QByteArray("Abc\n"));
    QVERIFY(!process.canReadLine()); // "def" has no newline
    QVERIFY(!process.atEnd());
    QCOMPARE(process.read(10), QByteArray("def"));
    QVERIFY(process.atEnd());
    QCOMPARE(process.read(1), QByteArray());
}

void tst_QIODevice::textModeConvertsLineEnds()
{
    // QIODevice's Text mode, whichever way the bytes are read.
    SharedChildProcess process;
    process.start(helper, steps({"put=a\\r\\nb\\r\\nc\\r\\n"}),
                  QIODevice::ReadOnly | QIODevice::Text);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readLine(), QByteArray("a\n"));
    char line[8] = {};
    QCOMPARE(process.readLine(line, sizeof(line)), 2);
    QCOMPARE(QByteArray(line), QByteArray("b\n"));
    QCOMPARE(process.readAll(), QByteArray("c\n"));
}

void tst_QIODevice::readChannelsAreSeparate()
{
    SharedChildProcess process;
    process.start(helper, steps({"out=out", "err=err"}));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readChannel(), SharedChildProcess::StandardOutput);
    QCOMPARE(process.readAll(), QByteArray("out\n"));
    process.setReadChannel(SharedChildProcess::StandardError);
    QCOMPARE(process.readLine(), QByteArray("err\n"));
    QCOMPARE(process.readAllStandardOutput(), QByteArray()); // read already
    QCOMPARE(process.readChannel(), SharedChildProcess::StandardError); // restored
}

void tst_QIODevice::switchingChannelsKeepsBufferedBytes()
{
    // A small read makes QIODevice buffer more than was asked for; switching
    // channels must not lose those bytes nor hand them to the other channel.
    SharedChildProcess process;
    process.start(helper, steps({"out=0123456789", "err=error-text"}));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.read(2), QByteArray("01"));
    process.setReadChannel(SharedChildProcess::StandardError);
    QCOMPARE(process.readAll(), QByteArray("error-text\n"));
    process.setReadChannel(SharedChildProcess::StandardOutput);
    QCOMPARE(process.readAll(), QByteArray("23456789\n"));
}

void tst_QIODevice::channelSignals()
{
    SharedChildProcess process;
    QSignalSpy readyRead(&process, &QIODevice::readyRead);
    QSignalSpy channelReadyRead(&process, &QIODevice::channelReadyRead);
    QSignalSpy readChannelFinished(&process, &QIODevice::readChannelFinished);
    QSignalSpy aboutToClose(&process, &QIODevice::aboutToClose);
    QSignalSpy bytesWritten(&process, &QIODevice::bytesWritten);
    QSignalSpy channelBytesWritten(&process, &QIODevice::channelBytesWritten);
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    process.start(helper, steps({"err=err", "read", "out=out", "sleep=60"}));
    process.write("go\n");
    QTRY_VERIFY_WITH_TIMEOUT(readyRead.size() > 0, 10000);
    QVERIFY(bytesWritten.size() > 0);
    QCOMPARE(bytesWritten[0][0].toLongLong(), 3);
    QCOMPARE(channelBytesWritten[0][0].toInt(), 0);
    QCOMPARE(channelBytesWritten[0][1].toLongLong(), 3);
    // readyRead is for the read channel only; channelReadyRead for both.
    QTRY_VERIFY_WITH_TIMEOUT(channelReadyRead.size() >= 2, 10000);
    QSet<int> channels;
    for (const auto &arguments : channelReadyRead)
        channels.insert(arguments[0].toInt());
    QCOMPARE(channels, (QSet<int>{0, 1}));
    QCOMPARE(readyRead.size(), 1);
    QCOMPARE(readChannelFinished.size(), 0);

    process.close(); // kills the child, as QProcess
    QVERIFY(aboutToClose.size() >= 1);
    QCOMPARE(readChannelFinished.size(), 1);
    QCOMPARE(finished.size(), 1);
    QVERIFY(!process.isOpen());
    QVERIFY(process.exitStatus() == SharedChildProcess::CrashExit);
}

void tst_QIODevice::waitFunctionsOnANeverStartedObject()
{
    SharedChildProcess process;
    QVERIFY(!process.waitForStarted(0));
    QVERIFY(!process.waitForReadyRead(0));
    QVERIFY(!process.waitForBytesWritten(0));
    QVERIFY(!process.waitForFinished(0));
    QVERIFY(!process.wait().isValid());
    QCOMPARE(process.error(), SharedChildProcess::UnknownError);
}

void tst_QIODevice::waitForReadyReadInsideReadyRead()
{
    // As QProcess: a slot may write and wait for the answer; the nested wait
    // services stdin, returns true, and emits no nested readyRead.
    SharedChildProcess process;
    int depth = 0;
    int maxDepth = 0;
    bool nestedWaitSucceeded = false;
    QByteArray all;
    connect(&process, &QIODevice::readyRead, this, [&] {
        maxDepth = std::max(maxDepth, ++depth);
        all += process.readAll();
        if (all == "first\n") {
            process.write("go\n");
            nestedWaitSucceeded = process.waitForReadyRead(10000);
            all += process.readAll();
        }
        --depth;
    });
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    process.start(helper, steps({"out=first", "read", "out=second"}));
    QVERIFY(finished.wait(10000));
    QVERIFY(nestedWaitSucceeded);
    QCOMPARE(all, QByteArray("first\nsecond\n"));
    QCOMPARE(maxDepth, 1);
}

void tst_QIODevice::waitForBytesWritten()
{
    SharedChildProcess process;
    process.start(helper, {QStringLiteral("echo")});
    const QByteArray data(256 * 1024, 'x'); // more than a pipe holds
    QCOMPARE(process.write(data), data.size());
    QCOMPARE(process.bytesToWrite(), data.size());
    qint64 drained = 0;
    while (process.bytesToWrite() > 0 && process.waitForBytesWritten(10000))
        drained = data.size() - process.bytesToWrite();
    QCOMPARE(process.bytesToWrite(), 0);
    QCOMPARE(drained, data.size());
    QVERIFY(!process.waitForBytesWritten(0)); // nothing left to write
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll().size(), data.size());
}

void tst_QIODevice::waitForBytesWrittenAndFinishedInsideSlots()
{
    // As QProcess: a bytesWritten slot may write more and wait for it, and
    // a readyRead slot may wait for the end of the run. The child answers
    // only once its input has ended: a child that echoed at once could make
    // readyRead, and so the wait for the end, come inside the wait for the
    // write, before the input could be closed (seen under load in CI).
    SharedChildProcess process;
    int bytesWrittenDepth = 0;
    int maxDepth = 0;
    bool nestedWritten = false;
    connect(&process, &QIODevice::bytesWritten, this, [&] {
        maxDepth = std::max(maxDepth, ++bytesWrittenDepth);
        if (!nestedWritten) {
            nestedWritten = true;
            process.write("second\n");
            QVERIFY(process.waitForBytesWritten(10000));
            process.closeWriteChannel();
        }
        --bytesWrittenDepth;
    });
    bool finishedInSlot = false;
    connect(&process, &QIODevice::readyRead, this, [&] {
        if (!finishedInSlot)
            finishedInSlot = process.waitForFinished(10000);
    });
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    process.start(helper, {QStringLiteral("sponge")});
    process.write("first\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY(nestedWritten);
    QCOMPARE(maxDepth, 1); // no nested bytesWritten
    QVERIFY(finishedInSlot);
    QCOMPARE(process.readAll(), QByteArray("first\nsecond\n"));
}

void tst_QIODevice::timeoutSetsTimedout()
{
    SharedChildProcess process;
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    process.start(helper, {QStringLiteral("sleep"), QStringLiteral("60")});
    QVERIFY(!process.waitForReadyRead(50));
    QCOMPARE(process.error(), SharedChildProcess::Timedout);
    QCOMPARE(process.errorString(), QStringLiteral("Process operation timed out"));
    QVERIFY(!process.waitForFinished(50));
    QCOMPARE(process.error(), SharedChildProcess::Timedout);
    QCOMPARE(errors.size(), 0); // as QProcess: set, not emitted
    process.kill();
    QVERIFY(process.waitForFinished(10000));
}

void tst_QIODevice::mergedAndForwardedChannels()
{
    QTemporaryDir dir;
    SharedChildProcess merged;
    merged.setProcessChannelMode(SharedChildProcess::MergedChannels);
    merged.start(helper, steps({"out=a", "err=b", "out=c"}));
    QVERIFY(merged.waitForFinished(10000));
    QCOMPARE(merged.readAll(), QByteArray("a\nb\nc\n"));

    const QString ourStderr = dir.filePath(QStringLiteral("stderr"));
    {
        const RedirectedStream redirect(2, ourStderr);
        QVERIFY(redirect.ok());
        SharedChildProcess process;
        process.setProcessChannelMode(SharedChildProcess::ForwardedErrorChannel);
        process.start(helper, steps({"out=out", "err=err"}));
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.readAllStandardOutput(), QByteArray("out\n"));
        QCOMPARE(process.readAllStandardError(), QByteArray());
    }
    QCOMPARE(readFile(ourStderr), QByteArray("err\n"));

    const QString ourStdout = dir.filePath(QStringLiteral("stdout"));
    {
        const RedirectedStream redirect(1, ourStdout);
        QVERIFY(redirect.ok());
        SharedChildProcess process;
        process.setProcessChannelMode(SharedChildProcess::ForwardedOutputChannel);
        process.start(helper, steps({"out=out", "err=err"}));
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.readAllStandardError(), QByteArray("err\n"));
        QCOMPARE(process.readAllStandardOutput(), QByteArray());
    }
    QCOMPARE(readFile(ourStdout), QByteArray("out\n"));

    // Both forwarded: nothing to read, so the device is not open for reading.
    SharedChildProcess forwarded;
    forwarded.setProcessChannelMode(SharedChildProcess::ForwardedChannels);
    forwarded.setStandardOutputFile(SharedChildProcess::nullDevice());
    forwarded.start(helper, exitWith(0));
    QVERIFY(!forwarded.isReadable());
    QVERIFY(forwarded.waitForFinished(10000));
}

void tst_QIODevice::forwardedInput()
{
    QTemporaryDir dir;
    const QString input = dir.filePath(QStringLiteral("input"));
    QFile file(input);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("from our stdin\n");
    file.close();
    const RedirectedStream redirect(0, input);
    QVERIFY(redirect.ok());
    SharedChildProcess process;
    process.setInputChannelMode(SharedChildProcess::ForwardedInputChannel);
    process.start(helper, {QStringLiteral("echo")});
    QVERIFY(!process.isWritable());
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("from our stdin\n"));
}

void tst_QIODevice::outputFileAppendAndNullDevice()
{
    QTemporaryDir dir;
    const QString output = dir.filePath(QStringLiteral("out"));
    const QString errors = dir.filePath(QStringLiteral("err"));
    SharedChildProcess process;
    process.setStandardOutputFile(output);
    process.setStandardErrorFile(errors);
    process.start(helper, steps({"out=one", "err=e1"}));
    QVERIFY(process.waitForFinished(10000));
    process.setStandardOutputFile(output, QIODevice::Append);
    process.setStandardErrorFile(errors, QIODevice::Append);
    process.start(helper, steps({"out=two", "err=e2"}));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(readFile(output), QByteArray("one\ntwo\n"));
    QCOMPARE(readFile(errors), QByteArray("e1\ne2\n"));
    QVERIFY(!process.isReadable()); // neither channel is a pipe

    SharedChildProcess quiet;
    quiet.setStandardOutputFile(SharedChildProcess::nullDevice());
    quiet.start(helper, steps({"out=dropped", "err=kept"}));
    QVERIFY(quiet.waitForFinished(10000));
    QCOMPARE(quiet.readAllStandardOutput(), QByteArray());
    QCOMPARE(quiet.readAllStandardError(), QByteArray("kept\n"));
}

void tst_QIODevice::pipelineBetweenTwoProcesses()
{
    SharedChildProcess source;
    SharedChildProcess sink;
    source.setStandardOutputProcess(&sink);
    // Either order works; the sink first here, as a shell would.
    sink.start(helper, {QStringLiteral("upper")});
    source.start(helper, steps({"copy", "out=tail"}));
    source.write("hello pipe\n");
    source.closeWriteChannel();
    QVERIFY(source.waitForFinished(10000));
    QVERIFY(source.exitStatus().success());
    QCOMPARE(source.readAll(), QByteArray()); // the data went past us
    // The sink sees end of file once the source is gone: no copy of the
    // write end may stay open in this process.
    QVERIFY(sink.waitForFinished(10000));
    QCOMPARE(sink.readAll(), QByteArray("HELLO PIPE\nTAIL\n"));
}

void tst_QIODevice::closeWriteChannelAfterPendingData()
{
    SharedChildProcess process;
    process.start(helper, {QStringLiteral("upper")});
    process.write(QByteArray(1000000, 'y'));
    process.closeWriteChannel(); // after the queued data has gone out
    QCOMPARE(process.write("ignored"), 0);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray(1000000, 'Y'));
}

void tst_QIODevice::environmentAsQProcess()
{
    SharedChildProcess process;
    process.setEnvironment({QStringLiteral("A=first"), QStringLiteral("not-an-entry"),
                            QStringLiteral("B=b"), QStringLiteral("A=second")});
    QCOMPARE(process.environment(),
             (QStringList{QStringLiteral("A=second"), QStringLiteral("B=b")}));
    QCOMPARE(process.processEnvironment().value(QStringLiteral("A")), QStringLiteral("second"));
    process.start(helper, steps({"env=A", "env=B", "env=HOME"}));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("second\nb\n<unset>\n"));

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SHAREDCHILD_QIODEVICE"), QStringLiteral("set"));
    process.setProcessEnvironment(environment);
    process.start(helper, {QStringLiteral("env"), QStringLiteral("SHAREDCHILD_QIODEVICE")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("set\n"));

    // An empty list is an empty environment, as in Qt 6: nothing of ours
    // reaches the child, while an untouched object passes all of it on.
    qputenv("SHAREDCHILD_QIODEVICE_OURS", "ours");
    const auto unset = qScopeGuard([] { qunsetenv("SHAREDCHILD_QIODEVICE_OURS"); });
    SharedChildProcess inheriting;
    inheriting.start(helper, steps({"env=SHAREDCHILD_QIODEVICE_OURS", "env=PATH"}));
    QVERIFY(inheriting.waitForFinished(10000));
    const QByteArray inherited = inheriting.readAll();
    QVERIFY2(inherited.startsWith("ours\n") && !inherited.contains("<unset>"),
             inherited.constData());
    process.setEnvironment({});
    process.start(helper, steps({"env=SHAREDCHILD_QIODEVICE_OURS", "env=PATH", "env-names"}));
    QVERIFY(process.waitForFinished(10000));
    QList<QByteArray> names = process.readAll().split('\n');
    QCOMPARE(names.mid(0, 2), (QList<QByteArray>{"<unset>", "<unset>"}));
    names = names.mid(2);
    names.removeAll(QByteArray());
#ifdef Q_OS_WIN
    // Windows (Wine) gives every process these two, and Wine its own.
    names.removeIf([](const QByteArray &name) {
        return name.startsWith("WINE") || name == "SystemDrive" || name == "SystemRoot";
    });
#endif
    QCOMPARE(names, QList<QByteArray>());

    QVERIFY(SharedChildProcess::systemEnvironment()
                    .filter(QRegularExpression(QStringLiteral("^PATH=")))
                    .size()
            == 1);
}

void tst_QIODevice::startVariants()
{
    QCOMPARE(SharedChildProcess::splitCommand(u"sh -c \"echo a  b\" \"\"\"q\"\"\""),
             (QStringList{QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo a  b"),
                          QStringLiteral("\"q\"")}));
    SharedChildProcess process;
    process.startCommand(QLatin1Char('"') + helper
                         + QStringLiteral("\" steps \"out=from command\""));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("from command\n"));
    QCOMPARE(process.program(), helper);
    QCOMPARE(process.arguments(), steps({"out=from command"}));

    process.setProgram(helper);
    process.setArguments(steps({"out=again"}));
    process.start(QIODevice::ReadOnly);
    QVERIFY(!process.isWritable());
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("again\n"));

    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    process.startCommand(QStringLiteral("   "));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
    QCOMPARE(process.errorString(), QStringLiteral("No program defined"));
}

void tst_QIODevice::openStartsTheProgram()
{
    SharedChildProcess process;
    QTest::ignoreMessage(QtWarningMsg, "SharedChildProcess::start: program not set");
    QVERIFY(!process.open());
    process.setProgram(helper);
    process.setArguments(steps({"out=opened"}));
    QVERIFY(process.open(QIODevice::ReadOnly));
    QCOMPARE(process.state(), SharedChildProcess::Running);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("opened\n"));
}

void tst_QIODevice::execute()
{
    QCOMPARE(SharedChildProcess::execute(helper, exitWith(7)), 7);
    QCOMPARE(SharedChildProcess::execute(helper, steps({"die"})), -1);
    QCOMPARE(SharedChildProcess::execute(QStringLiteral("/nonexistent/sharedchild-execute")), -2);
}

void tst_QIODevice::crashAndExitStatusAsQProcess()
{
    SharedChildProcess process;
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    process.start(helper, {QStringLiteral("sleep"), QStringLiteral("60")});
    process.kill();
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(process.exitStatus() == SharedChildProcess::CrashExit);
    QVERIFY(process.exitStatus() != SharedChildProcess::NormalExit);
    const SharedChildProcess::ExitStatus asEnum = process.exitStatus();
    QCOMPARE(asEnum, SharedChildProcess::CrashExit);
    // QProcess on POSIX: the signal number; ours reports kill() so on Windows too.
    QCOMPARE(process.exitCode(), int(SharedChild::Child::killSignal));
    QCOMPARE(process.error(), SharedChildProcess::Crashed);
    QCOMPARE(process.errorString(), QStringLiteral("Process crashed"));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors[0][0].value<SharedChildProcess::ProcessError>(), SharedChildProcess::Crashed);

    process.start(helper, exitWith(9));
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(process.exitStatus() == SharedChildProcess::NormalExit);
    QCOMPARE(process.exitCode(), 9);
    QCOMPARE(process.error(), SharedChildProcess::UnknownError); // reset by start()
    QCOMPARE(errors.size(), 1);
}

void tst_QIODevice::finishedConnectsToAQProcessSlot()
{
    // QProcess code: a slot taking (int exitCode, ExitStatus), and spies that
    // read the arguments as QProcess's.
    SharedChildProcess process;
    int code = -100;
    SharedChildProcess::ExitStatus status = SharedChildProcess::CrashExit;
    connect(&process, &SharedChildProcess::finished, this,
            [&](int exitCode, SharedChildProcess::ExitStatus exitStatus) {
                code = exitCode;
                status = exitStatus;
            });
    QSignalSpy spy(&process, &SharedChildProcess::finished);
    process.start(helper, exitWith(5));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(code, 5);
    QCOMPARE(status, SharedChildProcess::NormalExit);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy[0][0].toInt(), 5);
    QCOMPARE(spy[0][1].value<SharedChildProcess::ExitStatus>(), SharedChildProcess::NormalExit);
    QCOMPARE(spy[0][0].value<SharedChildExitStatus>().exitCode(), 5); // ours, for QML
}

void tst_QIODevice::stateSequence()
{
    SharedChildProcess process;
    QSignalSpy states(&process, &SharedChildProcess::stateChanged);
    process.start(helper, exitWith(0));
    QCOMPARE(process.state(), SharedChildProcess::Running);
    QVERIFY(process.waitForStarted());
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(states.size(), 3);
    QCOMPARE(states[0][0].value<SharedChildProcess::ProcessState>(), SharedChildProcess::Starting);
    QCOMPARE(states[1][0].value<SharedChildProcess::ProcessState>(), SharedChildProcess::Running);
    QCOMPARE(states[2][0].value<SharedChildProcess::ProcessState>(),
             SharedChildProcess::NotRunning);
    QVERIFY(!process.waitForStarted()); // no child runs now
}

void tst_QIODevice::failedStartAsQProcess()
{
    SharedChildProcess process;
    QSignalSpy states(&process, &SharedChildProcess::stateChanged);
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    for (int attempt = 1; attempt <= 3; ++attempt) {
        process.start(QStringLiteral("/nonexistent/sharedchild-blurp"));
        QVERIFY(!process.waitForStarted());
        QVERIFY(!process.waitForReadyRead());
        QVERIFY(!process.waitForFinished());
        QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
        QVERIFY2(process.errorString().contains(QStringLiteral("/nonexistent/sharedchild-blurp")),
                 qPrintable(process.errorString()));
        QCOMPARE(errors.size(), attempt);
        QCOMPARE(states.size(), attempt * 2);
        QCOMPARE(states.last()[0].value<SharedChildProcess::ProcessState>(),
                 SharedChildProcess::NotRunning);
    }
    QCOMPARE(finished.size(), 0);
    QCOMPARE(process.processId(), 0);
}

void tst_QIODevice::startDetachedIsNeverOurChild()
{
    QTemporaryDir dir;
    const QString output = dir.filePath(QStringLiteral("detached"));
    SharedChildProcess process;
    process.setProgram(helper);
    process.setArguments(steps({"pid", "env=SC_DETACHED", "cwd"}));
    process.setWorkingDirectory(dir.path());
    process.setEnvironment({QStringLiteral("SC_DETACHED=yes")});
    process.setStandardOutputFile(output);
    QSignalSpy finished(&process, &SharedChildProcess::finished);
    qint64 pid = 0;
    QVERIFY2(process.startDetached(&pid), qPrintable(process.errorString()));
    QVERIFY(pid > 0);
    QCOMPARE(process.state(), SharedChildProcess::NotRunning); // nothing to watch
    QTRY_VERIFY_WITH_TIMEOUT(readFile(output).count('\n') == 3, 10000);
    const QList<QByteArray> lines = readFile(output).split('\n');
    QCOMPARE(lines[0], QByteArray::number(pid));
    QCOMPARE(lines[1], QByteArray("yes"));
    QVERIFY2(sameDirectory(lines[2], dir.path()), lines[2].constData());
#ifndef Q_OS_WIN
    errno = 0;
    QCOMPARE(::waitpid(static_cast<pid_t>(pid), nullptr, WNOHANG), -1);
    QCOMPARE(errno, ECHILD);
#endif
    // Its end, with the event loop running meanwhile, is none of the object's business.
    QTRY_VERIFY_WITH_TIMEOUT(hasExited(pid), 10000);
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 0);
    QCOMPARE(process.state(), SharedChildProcess::NotRunning);

    // The static form, as QProcess::startDetached(program, arguments, directory, &pid).
    const QString marker = dir.filePath(QStringLiteral("marker"));
    QVERIFY(SharedChildProcess::startDetached(
            helper, {QStringLiteral("--out"), QStringLiteral("marker"), QStringLiteral("cwd")},
            dir.path(), &pid));
    QTRY_VERIFY_WITH_TIMEOUT(readFile(marker).endsWith('\n'), 10000);
    QVERIFY2(sameDirectory(readFile(marker), dir.path()), readFile(marker).constData());
}

void tst_QIODevice::startDetachedFailure()
{
    SharedChildProcess process;
    QSignalSpy errors(&process, &SharedChildProcess::errorOccurred);
    process.setProgram(QStringLiteral("/nonexistent/sharedchild-detached"));
    qint64 pid = 0;
    QVERIFY(!process.startDetached(&pid));
    QCOMPARE(pid, -1);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
    QVERIFY2(process.errorString().contains(QStringLiteral("/nonexistent/sharedchild-detached")),
             qPrintable(process.errorString()));
}

void tst_QIODevice::childProcessModifierRunsBeforeExec()
{
    SharedChildProcess process;
    QVERIFY(!process.childProcessModifier());
#ifdef Q_OS_WIN
    // No fork, so nothing runs between it and the program: the start fails
    // and says so, rather than ignoring the function.
    process.setChildProcessModifier([] {});
    QVERIFY(process.childProcessModifier());
    QVERIFY(!process.start(helper, exitWith(0)));
    QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
    QVERIFY2(process.errorString().contains(helper)
                     && process.errorString().contains(QStringLiteral("not supported")),
             qPrintable(process.errorString()));
#else
    // umask() is async-signal-safe, as the modifier's restrictions ask.
    process.setChildProcessModifier([] { ::umask(077); });
    QVERIFY(process.childProcessModifier());
    process.start(helper, steps({"umask"}));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll().trimmed(), QByteArray("0077"));
#endif
}

void tst_QIODevice::missingWorkingDirectoryIsReportedAsQProcessDoes()
{
    const QString missing = QStringLiteral("/nonexistent/sharedchild-directory");
    SharedChildProcess process;
    process.setWorkingDirectory(missing);
    process.start(helper, exitWith(0));
    QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
    // QProcess's prefix, then our message with the program and the directory.
    QVERIFY2(process.errorString().startsWith(QStringLiteral("chdir:")),
             qPrintable(process.errorString()));
    QVERIFY2(process.errorString().contains(missing), qPrintable(process.errorString()));
    QVERIFY2(process.errorString().contains(helper), qPrintable(process.errorString()));

    process.setProgram(helper);
    QVERIFY(!process.startDetached());
    QVERIFY2(process.errorString().startsWith(QStringLiteral("chdir:")),
             qPrintable(process.errorString()));
}

void tst_QIODevice::unwrittenInputIsCountedAfterTheRun()
{
    // As QProcess: bytes the child never took stay in bytesToWrite() until
    // the next start; output read before the end stays readable.
    SharedChildProcess process;
    process.start(helper, steps({"out=before", "sleep=60"}));
    QVERIFY(process.waitForReadyRead(10000));
    // More than the pipe takes: a POSIX pipe holds 64 KiB, our Windows pipes
    // 1 MiB (as QProcess's), which takes one whole write of ours at once.
    process.write(QByteArray(4 * 1024 * 1024, 'z'));
    process.kill();
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(process.bytesToWrite() > 0);
    QCOMPARE(process.readAll(), QByteArray("before\n"));
    process.start(helper, exitWith(0));
    QCOMPARE(process.bytesToWrite(), 0);
    QVERIFY(process.waitForFinished(10000));
}

void tst_QIODevice::dataWrittenJustBeforeExitIsReadyReadFirst()
{
    // The child answers and exits at once, so its exit often comes between
    // our read of the pipe and our look at the child. waitForReadyRead() must
    // still report the answer, and leave the end of the run to the next wait.
    for (int round = 0; round < 200; ++round) {
        SharedChildProcess process;
        process.start(helper, steps({"read", "put=bar"}));
        process.write("go\n");
        QVERIFY2(process.waitForReadyRead(10000), qPrintable(QString::number(round)));
        QCOMPARE(process.readAll(), QByteArray("bar"));
        QVERIFY(process.waitForFinished(10000));
    }
}

void tst_QIODevice::pipelineThroughADetachedProcess()
{
    // As Qt's own test: the middle of source | middle | sink is started
    // detached, with both of its pipes made for it.
    SharedChildProcess source;
    SharedChildProcess middle;
    SharedChildProcess sink;
    source.setStandardOutputProcess(&middle);
    middle.setStandardOutputProcess(&sink);
    source.start(helper, {QStringLiteral("echo")});
    middle.setProgram(helper);
    middle.setArguments({QStringLiteral("upper")});
    QVERIFY2(middle.startDetached(), qPrintable(middle.errorString()));
    sink.start(helper, {QStringLiteral("echo")});
    source.write("through three\n");
    source.closeWriteChannel();
    QVERIFY(source.waitForFinished(10000));
    QVERIFY(sink.waitForFinished(10000));
    QCOMPARE(sink.readAll(), QByteArray("THROUGH THREE\n"));
}

void tst_QIODevice::slotDeletingTheObjectInsideStartWithAProgram()
{
    // start(program, arguments) sets both first, and their change signals
    // may destroy the object: start() must return without touching it.
    for (const bool onArguments : {false, true}) {
        auto *process = new SharedChildProcess;
        const QPointer<SharedChildProcess> alive(process);
        if (onArguments) {
            process->setProgram(helper); // unchanged below: no signal
            connect(process, &SharedChildProcess::argumentsChanged, this,
                    [&alive] { delete alive.data(); });
        } else {
            connect(process, &SharedChildProcess::programChanged, this,
                    [&alive] { delete alive.data(); });
        }
        QVERIFY(!process->start(helper, exitWith(0)));
        QVERIFY(!alive);
    }
}

QTEST_GUILESS_MAIN(tst_QIODevice)
#include "tst_qiodevice.moc"
