// SPDX-License-Identifier: MIT
// 8 and 9: reading a child's stdout in the event loop, as QProcess code does,
// side by side with QProcess and a plain pipe + read() loop.
//   8: the child (sharedchild-bench-child write) writes 256 MiB as fast as
//      the pipe takes it; a readyReadStandardOutput slot reads all there is.
//   9: the child (sharedchild-bench-child lines) writes 1,000,000 lines; a
//      readyRead slot reads them with readLine() while canReadLine().
// The SharedChildProcess side is the QProcess side with the class renamed:
// one template serves both. The variants take turns round by round.

#include "format.h"
#include "rawposix.h"
#include "rounds.h"
#include "scenarios.h"
#include "stats.h"
#include "watchdog.h"

#include <sharedchild/sharedchildprocess.h>

#include <QEventLoop>
#include <QProcess>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <unistd.h>
#include <vector>

namespace Bench {

namespace {

const QString helper = QStringLiteral(SHAREDCHILD_BENCH_CHILD);
constexpr qint64 lineSize = 13; // "line NNNNNNN\n", as the child writes them

// Starts the helper with `arguments` and runs an event loop until finished().
template<typename Process>
void runToFinished(Process &process, const QStringList &arguments, const char *what)
{
    const Watchdog watchdog(120, what);
    QEventLoop loop;
    QObject::connect(&process, &Process::finished, &loop, &QEventLoop::quit);
    process.start(helper, arguments);
    if (process.state() == Process::NotRunning)
        qFatal("%s: %s", what, qPrintable(process.errorString()));
    loop.exec();
    if (process.exitCode() != 0)
        qFatal("%s: the child exited with %d", what, process.exitCode());
}

template<typename Process>
void readBytes(qint64 bytes)
{
    Process process;
    qint64 received = 0;
    QObject::connect(&process, &Process::readyReadStandardOutput, &process,
                     [&] { received += process.readAllStandardOutput().size(); });
    runToFinished(process, {QStringLiteral("write"), QString::number(bytes)}, "reading stdout");
    if (received != bytes)
        qFatal("reading stdout: got %lld of %lld bytes", received, bytes);
}

template<typename Process>
void readLines(qint64 lines)
{
    Process process;
    qint64 count = 0, received = 0;
    QObject::connect(&process, &Process::readyRead, &process, [&] {
        while (process.canReadLine()) {
            received += process.readLine().size();
            ++count;
        }
    });
    runToFinished(process, {QStringLiteral("lines"), QString::number(lines)}, "reading lines");
    if (count != lines || received != lines * lineSize)
        qFatal("reading lines: got %lld lines, %lld bytes, of %lld", count, received, lines);
}

// The floor: posix_spawn() with stdout on a pipe, blocking 64 KiB read()s
// handed to `consume` until end of file, then waitid().
template<typename Consume>
void readRaw(const QStringList &arguments, Consume consume)
{
    QList<QByteArray> words{helper.toLocal8Bit()};
    for (const QString &argument : arguments)
        words.append(argument.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);

    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0)
        qFatal("pipe2: %s", std::strerror(errno));
    const RawChild child(argv.data(), ends[1]);
    ::close(ends[1]);
    std::vector<char> buffer(std::size_t{64} * 1024);
    for (;;) {
        const ssize_t got = ::read(ends[0], buffer.data(), buffer.size());
        if (got > 0)
            consume(buffer.data(), got);
        else if (got == 0)
            break;
        else if (errno != EINTR)
            qFatal("read: %s", std::strerror(errno));
    }
    ::close(ends[0]);
    if (child.wait() != 0)
        qFatal("the raw child failed");
}

void readBytesRaw(qint64 bytes)
{
    qint64 received = 0;
    readRaw({QStringLiteral("write"), QString::number(bytes)},
            [&received](const char *, ssize_t size) { received += size; });
    if (received != bytes)
        qFatal("raw read: got %lld of %lld bytes", received, bytes);
}

void readLinesRaw(qint64 lines)
{
    qint64 count = 0;
    readRaw({QStringLiteral("lines"), QString::number(lines)},
            [&count](const char *data, ssize_t size) {
                const char *end = data + size;
                while (const void *newline = std::memchr(data, '\n', std::size_t(end - data))) {
                    ++count;
                    data = static_cast<const char *>(newline) + 1;
                }
            });
    if (count != lines)
        qFatal("raw read: got %lld of %lld lines", count, lines);
}

enum Variant : std::size_t { Qp, Raw, Scp };

// Rows `id`a (SharedChildProcess's wall time vs QProcess's, target ≤ 1.00×),
// `id`b (their CPU time) and `id`c (the floor's wall time vs QProcess's).
QList<Row> compare(const QString &id, const QString &what, const QString &how,
                   const std::vector<std::function<void()>> &variants, int rounds)
{
    const Rounds times(variants, rounds);
    const QString qprocess = QStringLiteral("QProcess");
    const QString ours = what + QStringLiteral(": SharedChildProcess");
    Row wall = ratioRow(id + u'a', ours, formatDuration(times.medianNs(Scp)), qprocess,
                        formatDuration(times.medianNs(Qp)), median(times.ratios(Scp, Qp)), 1.00);
    wall.note = ratioSpread(times.ratios(Scp, Qp)) + QStringLiteral("; ") + how;
    Row cpu = ratioRow(id + u'b', ours + QStringLiteral(", CPU time"),
                       formatDuration(times.medianNs(Scp, Rounds::Cpu)), qprocess,
                       formatDuration(times.medianNs(Qp, Rounds::Cpu)),
                       median(times.ratios(Scp, Qp, Rounds::Cpu)));
    cpu.note = ratioSpread(times.ratios(Scp, Qp, Rounds::Cpu))
            + QStringLiteral("; user + system time of the reading process (all its threads) in "
                             "the same runs as %1a, not the child's; load from elsewhere moves it "
                             "less than the wall time")
                      .arg(id);
    Row floor = ratioRow(id + u'c', what + QStringLiteral(": pipe + read() loop (the floor)"),
                         formatDuration(times.medianNs(Raw)), qprocess,
                         formatDuration(times.medianNs(Qp)), median(times.ratios(Raw, Qp)));
    floor.note = ratioSpread(times.ratios(Raw, Qp))
            + QStringLiteral("; no library and no event loop: posix_spawn() with stdout on a "
                             "pipe, blocking read()s of 64 KiB to its end, waitid()");
    return {wall, cpu, floor};
}

// The variants in Variant's order; what the child writes is `what`
// ("stdout" or "lines").
std::vector<std::function<void()>> readVariants(const QString &what, const Sizes &sizes)
{
    if (what == QLatin1String("lines")) {
        const qint64 lines = sizes.lineCount;
        return {[lines] { readLines<QProcess>(lines); }, [lines] { readLinesRaw(lines); },
                [lines] { readLines<SharedChildProcess>(lines); }};
    }
    const qint64 bytes = sizes.stdoutBytes;
    return {[bytes] { readBytes<QProcess>(bytes); }, [bytes] { readBytesRaw(bytes); },
            [bytes] { readBytes<SharedChildProcess>(bytes); }};
}

} // namespace

QList<Row> runReadStdout(const Sizes &sizes)
{
    return compare(
            QStringLiteral("8"),
            QStringLiteral("read %1 of a child's stdout in the event loop")
                    .arg(formatBytes(double(sizes.stdoutBytes))),
            QStringLiteral("start() to finished(), the child writing 64 KiB per write(); the slot "
                           "on readyReadStandardOutput calls readAllStandardOutput(); default "
                           "channels (separate pipes) on both"),
            readVariants(QStringLiteral("stdout"), sizes), sizes.stdoutRounds);
}

QList<Row> runReadLines(const Sizes &sizes)
{
    return compare(QStringLiteral("9"),
                   QStringLiteral("read %1 lines with readLine() in the event loop")
                           .arg(formatCount(double(sizes.lineCount))),
                   QStringLiteral("start() to finished(), the child writing lines of %1 bytes, "
                                  "64 KiB per write(); the slot on readyRead runs "
                                  "while (canReadLine()) readLine(); the floor counts newlines "
                                  "with memchr()")
                           .arg(lineSize),
                   readVariants(QStringLiteral("lines"), sizes), sizes.lineRounds);
}

int readLoop(const QString &variant, int count, const Sizes &sizes)
{
    const QStringList parts = variant.split(u':');
    const bool known = parts.size() == 2
            && (parts[0] == QLatin1String("stdout") || parts[0] == QLatin1String("lines"));
    const std::optional<Api> api = apiNamed(parts.value(1));
    const std::vector<std::function<void()>> variants = readVariants(parts.value(0), sizes);
    const std::size_t index = api == Api::QProcess ? Qp : api == Api::RawPosix ? Raw : Scp;
    if (!known || !api) {
        std::fprintf(stderr, "sharedchild-bench: no read loop %s\n", qPrintable(variant));
        return 64;
    }
    for (int i = 0; i < count; ++i)
        variants[index]();
    return 0;
}

} // namespace Bench
