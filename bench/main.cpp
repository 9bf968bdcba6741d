// SPDX-License-Identifier: MIT
// sharedchild-bench: SharedChild side by side with QProcess and raw POSIX.
// Without internal options it is the driver: it runs every scenario in a
// process of its own and prints one table. The hidden options are how the
// driver and the scenarios start those processes.

#include "driver.h"
#include "scenarios.h"
#include "sizes.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace {

int usageError(const QString &message)
{
    std::fprintf(stderr, "sharedchild-bench: %s\n", qPrintable(message));
    return 64;
}

QCommandLineOption hidden(const QString &name, const QString &valueName)
{
    QCommandLineOption option(name, QStringLiteral("internal"), valueName);
    option.setFlags(QCommandLineOption::HiddenFromHelp);
    return option;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "SharedChild side by side with QProcess and raw POSIX, measured in the same run. "
            "Prints a Markdown table of the figures, their ratios and the targets."));
    parser.addHelpOption();
    const QCommandLineOption quick(
            QStringLiteral("quick"),
            QStringLiteral("Fewer samples, smaller bursts (about a minute)."));
    const QCommandLineOption smoke(QStringLiteral("smoke"),
                                   QStringLiteral("Every code path once, tiny sizes (seconds)."));
    const QCommandLineOption only(
            QStringLiteral("only"),
            QStringLiteral("Run only these scenarios (comma-separated numbers or names)."),
            QStringLiteral("list"));
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("Write the chart data (tab-separated) to <file>."),
                                  QStringLiteral("file"));
    const QCommandLineOption scenario = hidden(QStringLiteral("scenario"), QStringLiteral("name"));
    const QCommandLineOption size = hidden(QStringLiteral("size"), QStringLiteral("name"));
    const QCommandLineOption trial = hidden(QStringLiteral("trial"), QStringLiteral("kind"));
    const QCommandLineOption worker = hidden(QStringLiteral("worker"), QStringLiteral("kind"));
    const QCommandLineOption loop
            = hidden(QStringLiteral("instruction-loop"), QStringLiteral("variant"));
    const QCommandLineOption readLoop
            = hidden(QStringLiteral("read-loop"), QStringLiteral("variant"));
    parser.addOptions({quick, smoke, only, data, scenario, size, trial, worker, loop, readLoop});
    parser.process(app);
    const QStringList positional = parser.positionalArguments();

    if (parser.isSet(trial)) { // --trial burst|scale API COUNT
        const std::optional<Bench::Api> api = Bench::apiNamed(positional.value(0));
        if (!api)
            return usageError(QStringLiteral("unknown API ") + positional.value(0));
        const int children = positional.value(1).toInt();
        if (parser.value(trial) == QLatin1String("burst"))
            Bench::emitRecord(Bench::burstTrial(*api, children));
        else if (parser.value(trial) == QLatin1String("scale") && *api != Bench::Api::RawPosix)
            Bench::emitRecord(Bench::scaleTrial(*api, children));
        else
            return usageError(QStringLiteral("unknown trial ") + parser.value(trial));
        return 0;
    }
    if (parser.isSet(worker)) // --worker bigparent MEBIBYTES
        return Bench::bigParentWorker(positional.value(0).toInt());
    if (parser.isSet(loop)) // --instruction-loop VARIANT COUNT
        return Bench::instructionLoop(parser.value(loop), positional.value(0).toInt());

    QString sizeName = QStringLiteral("full");
    if (parser.isSet(size))
        sizeName = parser.value(size);
    else if (parser.isSet(smoke))
        sizeName = QStringLiteral("smoke");
    else if (parser.isSet(quick))
        sizeName = QStringLiteral("quick");
    const std::optional<Bench::Sizes> sizes = Bench::sizesNamed(sizeName);
    if (!sizes)
        return usageError(QStringLiteral("unknown size ") + sizeName);

    if (parser.isSet(scenario))
        return Bench::runScenarioProcess(parser.value(scenario), *sizes);
    if (parser.isSet(readLoop)) // --read-loop stdout|lines:API [--quick|--smoke] COUNT
        return Bench::readLoop(parser.value(readLoop), positional.value(0).toInt(), *sizes);
    QStringList selection;
    if (parser.isSet(only))
        selection = parser.value(only).split(u',', Qt::SkipEmptyParts);
    return Bench::runDriver(*sizes, selection, parser.value(data));
}
