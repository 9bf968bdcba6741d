// SPDX-License-Identifier: MIT
// 3: one thread blocked in wait(), another calls kill(): how long until wait()
// returns. The peer does the same with raw pidfd calls (a thread blocked in
// waitid(P_PIDFD), another calling pidfd_send_signal), so any hop the library
// adds between the kernel's wake-up and wait() returning shows as a ratio.
// The variants take turns sample by sample. A diagnostic variant runs
// Child::wait() while a second thread also watches the pidfd and calls
// tryWait() when it turns readable, as SharedChildProcess's waiter thread
// does: it shows what that second watcher costs the waiting thread.

#include "clock.h"
#include "format.h"
#include "rawposix.h"
#include "scenarios.h"
#include "stats.h"
#include "waitingthread.h"

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>

#include <array>
#include <functional>
#include <poll.h>
#include <thread>

namespace Bench {

namespace {

constexpr auto sleepPath = "/bin/sleep";
constexpr auto sleepSeconds = "1000";

double sampleRaw(WaitingThread &waiter)
{
    static char *const argv[]
            = {const_cast<char *>(sleepPath), const_cast<char *>(sleepSeconds), nullptr};
    const RawChild child(argv);
    waiter.begin([&child] { child.wait(); });
    const std::int64_t killedAt = nowNs();
    child.kill();
    return double(waiter.end() - killedAt);
}

double sampleChild(WaitingThread &waiter, const SharedChild::Command &command)
{
    const auto child = SharedChild::Child::spawn(command);
    waiter.begin([&child] { child->wait(); });
    const std::int64_t killedAt = nowNs();
    child->kill();
    return double(waiter.end() - killedAt);
}

double sampleChildWatchedTwice(WaitingThread &waiter, const SharedChild::Command &command)
{
    const auto child = SharedChild::Child::spawn(command);
    std::thread secondWatcher([&child] {
        pollfd exit{child->pollDescriptor(), POLLIN, 0};
        while (::poll(&exit, 1, -1) < 0) { }
        child->tryWait();
    });
    waiter.begin([&child] { child->wait(); });
    const std::int64_t killedAt = nowNs();
    child->kill();
    const auto latency = double(waiter.end() - killedAt);
    secondWatcher.join();
    return latency;
}

double sampleSharedChildProcess(WaitingThread &waiter)
{
    SharedChildProcess process;
    process.setProgram(QString::fromLatin1(sleepPath));
    process.setArguments({QString::fromLatin1(sleepSeconds)});
    if (!process.start())
        qFatal("SharedChildProcess: %s", qPrintable(process.errorString()));
    waiter.begin([&process] { process.wait(); });
    const std::int64_t killedAt = nowNs();
    process.kill();
    const auto latency = double(waiter.end() - killedAt);
    QCoreApplication::sendPostedEvents(); // finished() from the waiter thread, untimed
    return latency;
}

enum Variant { Raw, Core, Scp, CoreWatchedTwice, VariantCount };

Row latencyRow(const QString &id, const QString &what, const std::vector<double> &ours,
               const std::vector<double> &raw, double fraction, double limit)
{
    const double value = fraction == 0.5 ? median(ours) : percentile(ours, fraction);
    const double peer = fraction == 0.5 ? median(raw) : percentile(raw, fraction);
    return ratioRow(id, what, formatDuration(value),
                    QStringLiteral("waitid(P_PIDFD) + pidfd_send_signal"), formatDuration(peer),
                    value / peer, limit);
}

} // namespace

QList<Row> runKillLatency(const Sizes &sizes)
{
    const SharedChild::Command command(sleepPath, {sleepSeconds});
    WaitingThread waiter;
    const std::array<std::function<double()>, VariantCount> variants = {
            [&waiter] { return sampleRaw(waiter); },
            [&waiter, &command] { return sampleChild(waiter, command); },
            [&waiter] { return sampleSharedChildProcess(waiter); },
            [&waiter, &command] { return sampleChildWatchedTwice(waiter, command); },
    };
    for (const auto &variant : variants)
        variant(); // warm-up, untimed

    std::array<std::vector<double>, VariantCount> latencies;
    for (int sample = 0; sample < sizes.killSamples; ++sample) {
        for (int step = 0; step < VariantCount; ++step) {
            const int variant = (sample + step) % VariantCount;
            latencies[variant].push_back(variants[variant]());
        }
    }

    const QString samples = QStringLiteral("%1 samples per variant, taken in turns; the time "
                                           "from just before kill() to wait() returning in the "
                                           "other thread, a sleeping /bin/sleep as the child")
                                    .arg(sizes.killSamples);
    QList<Row> rows = {
            latencyRow(QStringLiteral("3a"), QStringLiteral("kill → wait() returns: Child, median"),
                       latencies[Core], latencies[Raw], 0.5, 1.10),
            latencyRow(QStringLiteral("3b"), QStringLiteral("kill → wait() returns: Child, p99"),
                       latencies[Core], latencies[Raw], 0.99, qQNaN()),
            latencyRow(QStringLiteral("3c"),
                       QStringLiteral("kill → wait() returns: SharedChildProcess, median"),
                       latencies[Scp], latencies[Raw], 0.5, 1.10),
            latencyRow(QStringLiteral("3d"),
                       QStringLiteral("kill → wait() returns: SharedChildProcess, p99"),
                       latencies[Scp], latencies[Raw], 0.99, qQNaN()),
            latencyRow(QStringLiteral("3e"),
                       QStringLiteral("kill → wait() returns: Child with a second watcher, median"),
                       latencies[CoreWatchedTwice], latencies[Raw], 0.5, qQNaN()),
    };
    rows[0].note = samples;
    rows[4].note = QStringLiteral("diagnostic: Child::wait() while another thread polls the same "
                                  "pidfd and calls tryWait() when it turns readable, as the Qt "
                                  "layer's waiter thread does; the two threads wake together and "
                                  "meet on the child's lock");
    rows[2].note = QStringLiteral("SharedChildProcess::wait() from a thread that does not own the "
                                  "object, kill() from the owner; while it waits, that thread "
                                  "takes the child out of the waiter thread's epoll set, and it "
                                  "posts finished() to the owner before it returns");
    return rows;
}

} // namespace Bench
