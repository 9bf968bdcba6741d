// SPDX-License-Identifier: MIT
// 7: instructions per spawn + wait, counted by callgrind, which gives the same
// count on a busy machine as on a quiet one. Each variant runs in its own
// process under valgrind; instrumentation is switched on only around the
// measured loop (CALLGRIND_START_INSTRUMENTATION), for every thread of the
// process, so the library's waiter thread is counted too. Only user-space
// instructions of the parent are counted: the kernel's share (clone, exec,
// exit, wait) is not, and it is the same for every variant.

#include "format.h"
#include "rawposix.h"
#include "scenarios.h"

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#ifdef SHAREDCHILD_BENCH_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

#include <functional>

namespace Bench {

namespace {

constexpr auto truePath = "/bin/true";

std::function<void()> spawnWaitOnce(const QString &variant)
{
    if (variant == QLatin1String("raw")) {
        return [] {
            static char *const argv[] = {const_cast<char *>(truePath), nullptr};
            const RawChild child(argv);
            child.wait();
        };
    }
    if (variant == QLatin1String("child")) {
        return [command = SharedChild::Command(truePath)] {
            SharedChild::Child::spawn(command)->wait();
        };
    }
    if (variant == QLatin1String("sharedchildprocess")) {
        return [] {
            SharedChildProcess process;
            process.setProgram(QString::fromLatin1(truePath));
            process.start();
            process.waitForFinished(-1);
        };
    }
    if (variant == QLatin1String("qprocess")) {
        return [] {
            QProcess process;
            process.start(QString::fromLatin1(truePath), {});
            process.waitForFinished(-1);
        };
    }
    return {};
}

// The counted totals ("totals: N" or "summary: N") of a callgrind output file.
double callgrindTotal(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("no callgrind output at %s", qPrintable(path));
    double total = qQNaN();
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.startsWith("totals:") || line.startsWith("summary:"))
            total = line.mid(line.indexOf(':') + 1).trimmed().toDouble();
    }
    return total;
}

double instructionsPerSpawn(const QString &valgrind, const QString &variant, int spawns)
{
    QTemporaryDir directory;
    const QString output = directory.filePath(QStringLiteral("callgrind.out"));
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
#ifdef SHAREDCHILD_BENCH_VALGRIND_PRELOAD
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LD_PRELOAD"),
                       QStringLiteral(SHAREDCHILD_BENCH_VALGRIND_PRELOAD));
    process.setProcessEnvironment(environment);
#endif
    process.start(valgrind,
                  {QStringLiteral("--tool=callgrind"), QStringLiteral("--instr-atstart=no"),
                   QStringLiteral("--callgrind-out-file=") + output, QStringLiteral("--quiet"),
                   QCoreApplication::applicationFilePath(), QStringLiteral("--instruction-loop"),
                   variant, QString::number(spawns)});
    if (!process.waitForFinished(-1) || process.exitCode() != 0)
        qFatal("callgrind run of the %s loop failed", qPrintable(variant));
    return callgrindTotal(output) / spawns;
}

Row notMeasured(const QString &id, const QString &what, const QString &peerName,
                const QString &reason)
{
    Row row;
    row.id = id;
    row.what = what;
    row.peerName = peerName;
    row.note = reason;
    return row;
}

} // namespace

int instructionLoop(const QString &variant, int spawns)
{
    const std::function<void()> once = spawnWaitOnce(variant);
    if (!once)
        qFatal("unknown loop variant %s", qPrintable(variant));
    if (SharedChild::Child::backend() != SharedChild::Child::Backend::Pidfd)
        qFatal("the pidfd backend is not available here: the counts would be another backend's");
    once(); // warm-up, not counted: lazy binding, first allocations, the waiter thread
    once();
#ifdef SHAREDCHILD_BENCH_HAVE_CALLGRIND
    CALLGRIND_START_INSTRUMENTATION;
#endif
    for (int i = 0; i < spawns; ++i)
        once();
#ifdef SHAREDCHILD_BENCH_HAVE_CALLGRIND
    CALLGRIND_STOP_INSTRUMENTATION;
#endif
    return 0;
}

QList<Row> runInstructions(const Sizes &sizes)
{
    const QString childWhat = QStringLiteral("instructions per spawn + wait: Child");
    const QString scpWhat = QStringLiteral("instructions per start + wait: SharedChildProcess");
    const QString rawName = QStringLiteral("posix_spawn + pidfd waitid");
    const QString qprocess = QStringLiteral("QProcess");

    QString reason;
    const QString valgrind = QStandardPaths::findExecutable(QStringLiteral("valgrind"));
#if !defined(SHAREDCHILD_BENCH_HAVE_CALLGRIND) || !defined(SHAREDCHILD_BENCH_VALGRIND_PRELOAD)
    reason = QStringLiteral("not measured: built without valgrind/callgrind.h (or not on x86-64)");
#endif
    if (reason.isEmpty() && sizes.instructionSpawns == 0)
        reason = QStringLiteral("not measured in a %1 run").arg(sizes.name);
    if (reason.isEmpty() && valgrind.isEmpty())
        reason = QStringLiteral("not measured: valgrind is not installed");
    if (!reason.isEmpty()) {
        // The loops still run once, natively, so that they cannot rot unnoticed.
        for (const char *variant : {"raw", "child", "sharedchildprocess", "qprocess"})
            instructionLoop(QString::fromLatin1(variant), 1);
        return {notMeasured(QStringLiteral("7a"), childWhat, rawName, reason),
                notMeasured(QStringLiteral("7b"), scpWhat, qprocess, reason)};
    }

    const int spawns = sizes.instructionSpawns;
    const double raw = instructionsPerSpawn(valgrind, QStringLiteral("raw"), spawns);
    const double child = instructionsPerSpawn(valgrind, QStringLiteral("child"), spawns);
    const double scp = instructionsPerSpawn(valgrind, QStringLiteral("sharedchildprocess"), spawns);
    const double qp = instructionsPerSpawn(valgrind, QStringLiteral("qprocess"), spawns);

    Row childRow = ratioRow(QStringLiteral("7a"), childWhat, formatCount(child), rawName,
                            formatCount(raw), child / raw);
    childRow.note = QStringLiteral("callgrind, %1 spawns per variant, user space of the parent "
                                   "only (threads included, kernel excluded): the library adds "
                                   "%2 instructions per spawn + wait over the raw calls")
                            .arg(spawns)
                            .arg(formatCount(child - raw));
    Row scpRow = ratioRow(QStringLiteral("7b"), scpWhat, formatCount(scp), qprocess,
                          formatCount(qp), scp / qp);
    scpRow.note = QStringLiteral("the same loop as 1a under callgrind: create, start(), "
                                 "waitForFinished(-1), destroy");
    return {childRow, scpRow};
}

} // namespace Bench
