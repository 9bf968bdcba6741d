// SPDX-License-Identifier: MIT
// SharedChildProcess as a QProcess drop-in: the QIODevice API (lines, streams,
// read channels, peeking), the waitFor*() functions, QProcess's channel modes
// and defaults, environments, the ways to start, and errors and exit status as
// QProcess reports them. Each case is written as QProcess code would be.

#include <sharedchild/sharedchildprocess.h>

#include <QDataStream>
#include <QFile>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const QString helper = QStringLiteral(SCTEST_HELPER);
const QString shell = QStringLiteral("/bin/sh");

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

// Points this process's descriptor `fd` at `path` for the scope's life, so a
// forwarded channel can be checked (POSIX).
class RedirectedDescriptor
{
public:
    RedirectedDescriptor(int fd, const QString &path, int flags) : m_fd(fd), m_saved(::dup(fd))
    {
        const int file = ::open(QFile::encodeName(path).constData(), flags, 0600);
        ::dup2(file, fd);
        ::close(file);
    }
    ~RedirectedDescriptor()
    {
        ::dup2(m_saved, m_fd);
        ::close(m_saved);
    }
    RedirectedDescriptor(const RedirectedDescriptor &) = delete;
    RedirectedDescriptor &operator=(const RedirectedDescriptor &) = delete;

private:
    int m_fd;
    int m_saved;
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

    // Pipes by default: unchanged QProcess code reads what the child prints.
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("read x; echo got $x")});
    QCOMPARE(process.openMode(), QIODevice::ReadWrite);
    process.write("it\n");
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("got it\n"));
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
    process.start(QStringLiteral("seq"), {QString::number(lineCount)});
    QVERIFY(finished.wait(60000));
    QVERIFY(inOrder);
    QCOMPARE(expected - 1, lineCount);
    QVERIFY(process.atEnd());
}

void tst_QIODevice::waitForReadyReadLoop()
{
    SharedChildProcess process;
    process.start(shell,
                  {QStringLiteral("-c"), QStringLiteral("for i in 1 2 3; do echo line $i; done")});
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
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("printf 'abc\\ndef'")});
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
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("printf 'a\\r\\nb\\r\\nc\\r\\n'")},
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
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("echo out; echo err >&2")});
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
    process.start(shell,
                  {QStringLiteral("-c"), QStringLiteral("echo 0123456789; echo error-text >&2")});
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
    process.start(shell,
                  {QStringLiteral("-c"),
                   QStringLiteral("echo err >&2; read x; echo out; exec sleep 60")});
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
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("echo first; read x; echo second")});
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
    // a readyRead slot may wait for the end of the run.
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
    process.start(QStringLiteral("cat"));
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
    merged.start(shell, {QStringLiteral("-c"), QStringLiteral("echo a; echo b >&2; echo c")});
    QVERIFY(merged.waitForFinished(10000));
    QCOMPARE(merged.readAll(), QByteArray("a\nb\nc\n"));

    const QString ourStderr = dir.filePath(QStringLiteral("stderr"));
    {
        const RedirectedDescriptor redirect(STDERR_FILENO, ourStderr, O_WRONLY | O_CREAT | O_TRUNC);
        SharedChildProcess process;
        process.setProcessChannelMode(SharedChildProcess::ForwardedErrorChannel);
        process.start(shell, {QStringLiteral("-c"), QStringLiteral("echo out; echo err >&2")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.readAllStandardOutput(), QByteArray("out\n"));
        QCOMPARE(process.readAllStandardError(), QByteArray());
    }
    QCOMPARE(readFile(ourStderr), QByteArray("err\n"));

    const QString ourStdout = dir.filePath(QStringLiteral("stdout"));
    {
        const RedirectedDescriptor redirect(STDOUT_FILENO, ourStdout, O_WRONLY | O_CREAT | O_TRUNC);
        SharedChildProcess process;
        process.setProcessChannelMode(SharedChildProcess::ForwardedOutputChannel);
        process.start(shell, {QStringLiteral("-c"), QStringLiteral("echo out; echo err >&2")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.readAllStandardError(), QByteArray("err\n"));
        QCOMPARE(process.readAllStandardOutput(), QByteArray());
    }
    QCOMPARE(readFile(ourStdout), QByteArray("out\n"));

    // Both forwarded: nothing to read, so the device is not open for reading.
    SharedChildProcess forwarded;
    forwarded.setProcessChannelMode(SharedChildProcess::ForwardedChannels);
    forwarded.setStandardOutputFile(SharedChildProcess::nullDevice());
    forwarded.start(shell, {QStringLiteral("-c"), QStringLiteral("true")});
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
    const RedirectedDescriptor redirect(STDIN_FILENO, input, O_RDONLY);
    SharedChildProcess process;
    process.setInputChannelMode(SharedChildProcess::ForwardedInputChannel);
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("cat")});
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
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("echo one; echo e1 >&2")});
    QVERIFY(process.waitForFinished(10000));
    process.setStandardOutputFile(output, QIODevice::Append);
    process.setStandardErrorFile(errors, QIODevice::Append);
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("echo two; echo e2 >&2")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(readFile(output), QByteArray("one\ntwo\n"));
    QCOMPARE(readFile(errors), QByteArray("e1\ne2\n"));
    QVERIFY(!process.isReadable()); // neither channel is a pipe

    SharedChildProcess quiet;
    quiet.setStandardOutputFile(SharedChildProcess::nullDevice());
    quiet.start(shell, {QStringLiteral("-c"), QStringLiteral("echo dropped; echo kept >&2")});
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
    sink.start(shell, {QStringLiteral("-c"), QStringLiteral("tr a-z A-Z")});
    source.start(shell, {QStringLiteral("-c"), QStringLiteral("cat; echo tail")});
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
    process.start(QStringLiteral("wc"), {QStringLiteral("-c")});
    process.write(QByteArray(1000000, 'y'));
    process.closeWriteChannel(); // after the queued data has gone out
    QCOMPARE(process.write("ignored"), 0);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll().trimmed(), QByteArray("1000000"));
}

void tst_QIODevice::environmentAsQProcess()
{
    SharedChildProcess process;
    process.setEnvironment({QStringLiteral("A=first"), QStringLiteral("not-an-entry"),
                            QStringLiteral("B=b"), QStringLiteral("A=second")});
    QCOMPARE(process.environment(),
             (QStringList{QStringLiteral("A=second"), QStringLiteral("B=b")}));
    QCOMPARE(process.processEnvironment().value(QStringLiteral("A")), QStringLiteral("second"));
    process.start(QStringLiteral("/bin/sh"),
                  {QStringLiteral("-c"), QStringLiteral("echo $A $B ${HOME:-nohome}")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("second b nohome\n"));

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SHAREDCHILD_QIODEVICE"), QStringLiteral("set"));
    process.setProcessEnvironment(environment);
    process.start(helper, {QStringLiteral("env"), QStringLiteral("SHAREDCHILD_QIODEVICE")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("set\n"));

    // An empty list is an empty environment, as in Qt 6.
    process.setEnvironment({});
    process.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("env | wc -l")});
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(process.readAll().trimmed().toInt() <= 3); // what sh itself adds

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
    process.startCommand(QStringLiteral("/bin/sh -c \"echo from command\""));
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("from command\n"));
    QCOMPARE(process.program(), QStringLiteral("/bin/sh"));

    process.setProgram(shell);
    process.setArguments({QStringLiteral("-c"), QStringLiteral("echo again")});
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
    process.setProgram(shell);
    process.setArguments({QStringLiteral("-c"), QStringLiteral("echo opened")});
    QVERIFY(process.open(QIODevice::ReadOnly));
    QCOMPARE(process.state(), SharedChildProcess::Running);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll(), QByteArray("opened\n"));
}

void tst_QIODevice::execute()
{
    QCOMPARE(SharedChildProcess::execute(shell, {QStringLiteral("-c"), QStringLiteral("exit 7")}),
             7);
    QCOMPARE(SharedChildProcess::execute(shell,
                                         {QStringLiteral("-c"), QStringLiteral("kill -9 $$")}),
             -1);
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
    QCOMPARE(process.exitCode(), SIGKILL); // QProcess on POSIX: the signal number
    QCOMPARE(process.error(), SharedChildProcess::Crashed);
    QCOMPARE(process.errorString(), QStringLiteral("Process crashed"));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors[0][0].value<SharedChildProcess::ProcessError>(), SharedChildProcess::Crashed);

    process.start(shell, {QStringLiteral("-c"), QStringLiteral("exit 9")});
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
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("exit 5")});
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
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("exit 0")});
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
    process.setProgram(shell);
    process.setArguments({QStringLiteral("-c"), QStringLiteral("echo $$ $SC_DETACHED; pwd")});
    process.setWorkingDirectory(dir.path());
    process.setEnvironment({QStringLiteral("SC_DETACHED=yes")});
    process.setStandardOutputFile(output);
    qint64 pid = 0;
    QVERIFY2(process.startDetached(&pid), qPrintable(process.errorString()));
    QVERIFY(pid > 0);
    QCOMPARE(process.state(), SharedChildProcess::NotRunning); // nothing to watch
    QTRY_VERIFY_WITH_TIMEOUT(readFile(output).count('\n') == 2, 10000);
    const QList<QByteArray> lines = readFile(output).split('\n');
    QCOMPARE(lines[0], QByteArray::number(pid) + " yes");
    QCOMPARE(QString::fromLocal8Bit(lines[1]), dir.path());
    errno = 0;
    QCOMPARE(::waitpid(static_cast<pid_t>(pid), nullptr, WNOHANG), -1);
    QCOMPARE(errno, ECHILD);

    // The static form, as QProcess::startDetached(program, arguments, directory, &pid).
    const QString marker = dir.filePath(QStringLiteral("marker"));
    QVERIFY(SharedChildProcess::startDetached(
            shell, {QStringLiteral("-c"), QStringLiteral("pwd > marker")}, dir.path(), &pid));
    QTRY_VERIFY_WITH_TIMEOUT(readFile(marker) == dir.path().toLocal8Bit() + '\n', 10000);
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
    // umask() is async-signal-safe, as the modifier's restrictions ask.
    process.setChildProcessModifier([] { ::umask(077); });
    QVERIFY(process.childProcessModifier());
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("umask")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.readAll().trimmed(), QByteArray("0077"));
}

void tst_QIODevice::missingWorkingDirectoryIsReportedAsQProcessDoes()
{
    const QString missing = QStringLiteral("/nonexistent/sharedchild-directory");
    SharedChildProcess process;
    process.setWorkingDirectory(missing);
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("true")});
    QCOMPARE(process.error(), SharedChildProcess::FailedToStart);
    // QProcess's prefix, then our message with the program and the directory.
    QVERIFY2(process.errorString().startsWith(QStringLiteral("chdir:")),
             qPrintable(process.errorString()));
    QVERIFY2(process.errorString().contains(missing), qPrintable(process.errorString()));
    QVERIFY2(process.errorString().contains(shell), qPrintable(process.errorString()));

    process.setProgram(shell);
    QVERIFY(!process.startDetached());
    QVERIFY2(process.errorString().startsWith(QStringLiteral("chdir:")),
             qPrintable(process.errorString()));
}

void tst_QIODevice::unwrittenInputIsCountedAfterTheRun()
{
    // As QProcess: bytes the child never took stay in bytesToWrite() until
    // the next start; output read before the end stays readable.
    SharedChildProcess process;
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("echo before; exec sleep 60")});
    QVERIFY(process.waitForReadyRead(10000));
    process.write(QByteArray(1024 * 1024, 'z')); // more than the pipe takes
    process.kill();
    QVERIFY(process.waitForFinished(10000));
    QVERIFY(process.bytesToWrite() > 0);
    QCOMPARE(process.readAll(), QByteArray("before\n"));
    process.start(shell, {QStringLiteral("-c"), QStringLiteral("true")});
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
        process.start(shell, {QStringLiteral("-c"), QStringLiteral("read x; printf bar")});
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
    source.start(shell, {QStringLiteral("-c"), QStringLiteral("cat")});
    middle.setProgram(QStringLiteral("tr"));
    middle.setArguments({QStringLiteral("a-z"), QStringLiteral("A-Z")});
    QVERIFY2(middle.startDetached(), qPrintable(middle.errorString()));
    sink.start(shell, {QStringLiteral("-c"), QStringLiteral("cat")});
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
            process->setProgram(QStringLiteral("/bin/true")); // unchanged below: no signal
            connect(process, &SharedChildProcess::argumentsChanged, this,
                    [&alive] { delete alive.data(); });
        } else {
            connect(process, &SharedChildProcess::programChanged, this,
                    [&alive] { delete alive.data(); });
        }
        QVERIFY(!process->start(QStringLiteral("/bin/true"), {QStringLiteral("x")}));
        QVERIFY(!alive);
    }
}

QTEST_GUILESS_MAIN(tst_QIODevice)
#include "tst_qiodevice.moc"
