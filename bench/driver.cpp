// SPDX-License-Identifier: MIT
#include "driver.h"

#include "row.h"
#include "scenarios.h"
#include "table.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QProcess>

#include <array>
#include <cstdio>

namespace Bench {

namespace {

struct Scenario
{
    const char *number;
    const char *name;
    QList<Row> (*run)(const Sizes &);
};

// In the order; the numbers are the rows' first character.
constexpr std::array<Scenario, 10> scenarios = {{
        {"1", "sequential", runSequential},
        {"2", "burst", runBurst},
        {"3", "kill", runKillLatency},
        {"4", "finish", runFinishLatency},
        {"5", "bigparent", runBigParent},
        {"6", "scale", runScale},
        {"7", "instructions", runInstructions},
        {"8", "stdout", runReadStdout},
        {"9", "lines", runReadLines},
        {"10", "idle", runIdleObjects},
}};

bool selected(const Scenario &scenario, const QStringList &only)
{
    return only.isEmpty() || only.contains(QLatin1String(scenario.number))
            || only.contains(QLatin1String(scenario.name));
}

// Runs one scenario in a fresh copy of this program; on failure, one row says so.
QList<Row> runScenarioInChild(const Scenario &scenario, const Sizes &sizes, bool &ok)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(QCoreApplication::applicationFilePath(),
                  {QStringLiteral("--scenario"), QLatin1String(scenario.name),
                   QStringLiteral("--size"), sizes.name});
    const bool finished = process.waitForFinished(-1);
    QList<Row> rows;
    const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        const Record record = Record::fromLine(QString::fromUtf8(line));
        if (record.kind() == QLatin1String("row"))
            rows.append(Row::fromRecord(record));
    }
    if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0
        || rows.isEmpty()) {
        ok = false;
        Row failure;
        failure.id = QLatin1String(scenario.number);
        failure.what = QStringLiteral("scenario \"%1\"").arg(QLatin1String(scenario.name));
        failure.verdict = Verdict::Missed;
        failure.note = QStringLiteral("the scenario process failed (%1); see its messages above")
                               .arg(process.exitStatus() == QProcess::CrashExit
                                            ? QStringLiteral("crashed")
                                            : QStringLiteral("exit code %1, %2 rows")
                                                      .arg(process.exitCode())
                                                      .arg(rows.size()));
        rows.append(failure);
    }
    return rows;
}

} // namespace

int runDriver(const Sizes &sizes, const QStringList &only, const QString &dataPath)
{
    QList<Row> rows;
    bool ok = true;
    QElapsedTimer total;
    total.start();
    for (const Scenario &scenario : scenarios) {
        if (!selected(scenario, only))
            continue;
        std::fprintf(stderr, "bench: %s %s (%s) ...\n", scenario.number, scenario.name,
                     qPrintable(sizes.name));
        QElapsedTimer timer;
        timer.start();
        rows += runScenarioInChild(scenario, sizes, ok);
        std::fprintf(stderr, "bench: %s %s took %.1f s\n", scenario.number, scenario.name,
                     double(timer.elapsed()) / 1000);
    }
    std::fprintf(stderr, "bench: all scenarios took %.1f s\n", double(total.elapsed()) / 1000);

    std::fputs(markdownTable(rows).toUtf8().constData(), stdout);
    std::fflush(stdout);
    if (!dataPath.isEmpty()) {
        QFile data(dataPath);
        if (!data.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || data.write(chartData(rows).toUtf8()) < 0) {
            std::fprintf(stderr, "bench: cannot write %s\n", qPrintable(dataPath));
            return 1;
        }
    }
    return ok ? 0 : 1;
}

int runScenarioProcess(const QString &name, const Sizes &sizes)
{
    for (const Scenario &scenario : scenarios) {
        if (name == QLatin1String(scenario.name)) {
            for (const Row &row : scenario.run(sizes))
                emitRecord(row.toRecord());
            return 0;
        }
    }
    std::fprintf(stderr, "bench: no scenario called %s\n", qPrintable(name));
    return 64;
}

} // namespace Bench
