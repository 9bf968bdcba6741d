// SPDX-License-Identifier: MIT
#include "processchaos.h"

#include "callwatch.h"
#include "leakcheck.h"
#include "processcensus.h"
#include "throughput.h"
#include "timescale.h"

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QThread>
#include <QTimer>

#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace SharedChildStress {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using SharedChildTest::ProcessCensus;
using SharedChildTest::scaled;

constexpr int objectCount = 12;
constexpr auto longestLife = 150ms; // a child that exits on its own sleeps up to this
constexpr auto longestGrace = 100ms; // of the owner's stop() calls
constexpr auto longestTimeout = 30ms; // of the other threads' waitForFinished() calls

enum Call { Kill, Terminate, SendSignal, Stop, TryWait, WaitForFinished, Wait, CallCount };
constexpr std::array<const char *, CallCount> callNames
        = {"kill", "terminate", "sendSignal", "stop", "tryWait", "waitForFinished", "wait"};
constexpr std::array<int, CallCount> callWeights = {4, 4, 8, 4, 45, 30, 5};
constexpr std::array<int, 5> randomSignals = {SIGUSR1, SIGINT, SIGHUP, SIGCONT, SIGWINCH};

long milliseconds(Clock::duration duration)
{
    return static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

// One start() and what became of it. Owner thread only.
struct RunRecord
{
    qint64 pid = 0;
    int finishedCount = 0;
    SharedChildExitStatus status;
    bool destroyedWhileRunning = false;
    std::optional<Clock::time_point> killBy; // the owner's stop(): SIGKILL by then
};

// One object, kept alive by its lock while another thread calls into it.
struct Slot
{
    std::shared_mutex lifetime; // shared: a thread calls in; exclusive: the owner deletes
    SharedChildProcess *process = nullptr; // written under the exclusive lock
    int run = -1; // owner thread only: index into the runs
};

class ProcessChaos
{
public:
    ProcessChaos(const ProcessChaosSettings &settings, Failures &failures)
        : m_settings(settings),
          m_failures(failures),
          m_watch(settings.threads),
          m_random(settings.seed)
    { }

    void run();

private:
    // Owner thread.
    void create(int slot);
    void startRun(int slot);
    void onFinished(int slot, const SharedChildExitStatus &status);
    void tick();
    void destroyRunning(int slot);
    void stopRunning(int slot);
    bool allRunsOver() const
    {
        return m_runsStarted == m_settings.runs && m_runsOver == m_runsStarted;
    }
    std::optional<int> randomRunningSlot();

    // Other threads.
    void work(int thread);
    void call(int thread, SharedChildProcess &process, Call call, std::mt19937_64 &random);
    void observe(qint64 pid, const SharedChildExitStatus &status);

    const ProcessChaosSettings m_settings;
    Failures &m_failures;
    CallWatch m_watch;
    const std::chrono::milliseconds m_quickBudget = scaled(500ms);
    const std::chrono::milliseconds m_overrunBudget = scaled(2s);
    QThread *const m_ownerThread = QThread::currentThread();

    // Owner thread only.
    std::mt19937_64 m_random;
    std::array<Slot, objectCount> m_slots;
    std::vector<RunRecord> m_runs;
    int m_runsStarted = 0;
    int m_runsOver = 0; // finished, or destroyed while running
    int m_destroyedWhileRunning = 0;
    int m_ownerStops = 0;
    Clock::duration m_slowestOwnerCall{};
    QEventLoop *m_loop = nullptr;

    std::atomic<bool> m_stopWorkers{false};
    std::mutex m_mutex;
    std::condition_variable m_workerDone;
    int m_workersLeft = 0; // guarded by m_mutex
    std::map<qint64, SharedChildExitStatus> m_observed; // guarded by m_mutex
    std::array<long, CallCount> m_calls{}; // guarded by m_mutex
    std::array<Clock::duration, CallCount> m_callTime{}; // guarded by m_mutex
    Clock::duration m_slowestQuickCall{}; // guarded by m_mutex
};

void ProcessChaos::create(int slot)
{
    auto *process = new SharedChildProcess;
    process->setProgram(QString::fromStdString(m_settings.helper));
    QObject::connect(
            process, &SharedChildProcess::finished, process,
            [this, slot](const SharedChildExitStatus &status) { onFinished(slot, status); });
    Slot &target = m_slots[static_cast<std::size_t>(slot)];
    std::unique_lock lock(target.lifetime);
    target.process = process;
    target.run = -1;
}

void ProcessChaos::startRun(int slot)
{
    Slot &target = m_slots[static_cast<std::size_t>(slot)];
    if (!target.process || m_runsStarted == m_settings.runs)
        return;
    // Most children exit on their own; some ignore SIGTERM, so that stop()
    // has to escalate to SIGKILL (or they outlive a short grace period and
    // exit on their own).
    QStringList arguments;
    if (m_random() % 5 == 0) {
        const auto life = 50 + m_random() % 200;
        arguments = {QStringLiteral("ignore-term"), QString::number(life / 1000.0)};
    } else {
        const auto life = m_random() % (longestLife.count() + 1);
        arguments = {QStringLiteral("exit-after"), QString::number(life / 1000.0),
                     QString::number(m_runsStarted % 100)};
    }
    target.process->setArguments(arguments);
    ++m_runsStarted;
    if (!target.process->start()) {
        m_failures.add("start() failed: " + target.process->errorString().toStdString());
        ++m_runsOver;
        return;
    }
    childrenStarted().fetch_add(1);
    RunRecord record;
    record.pid = target.process->processId();
    target.run = static_cast<int>(m_runs.size());
    m_runs.push_back(record);
}

void ProcessChaos::onFinished(int slot, const SharedChildExitStatus &status)
{
    Slot &target = m_slots[static_cast<std::size_t>(slot)];
    if (QThread::currentThread() != m_ownerThread)
        m_failures.add("finished() outside the owner's thread");
    if (target.run < 0) {
        m_failures.add("finished() for an object with no run");
        return;
    }
    RunRecord &run = m_runs[static_cast<std::size_t>(target.run)];
    const std::string pid = "pid " + std::to_string(run.pid) + ": ";
    if (target.process->processId() != run.pid)
        m_failures.add(pid + "finished() while the object runs pid "
                       + std::to_string(target.process->processId()));
    if (++run.finishedCount > 1) {
        m_failures.add(pid + "finished() emitted " + std::to_string(run.finishedCount) + " times");
        return;
    }
    ++m_runsOver;
    run.status = status;
    if (!status.isValid())
        m_failures.add(pid + "finished() without a status: "
                       + target.process->errorString().toStdString());
    if (run.killBy && Clock::now() > *run.killBy + m_overrunBudget)
        m_failures.add(pid + "a stop()ped child ended "
                       + std::to_string(milliseconds(Clock::now() - *run.killBy))
                       + " ms after its grace period");
    if (allRunsOver() && m_loop) {
        m_loop->quit();
        return;
    }
    // Restart now, from within finished(), or a little later.
    if (m_random() % 2 == 0) {
        startRun(slot);
    } else {
        QMetaObject::invokeMethod(
                target.process, [this, slot] { startRun(slot); }, Qt::QueuedConnection);
    }
}

std::optional<int> ProcessChaos::randomRunningSlot()
{
    const int slot = static_cast<int>(m_random() % objectCount);
    const SharedChildProcess *process = m_slots[static_cast<std::size_t>(slot)].process;
    if (!process || process->state() != SharedChildProcess::Running)
        return std::nullopt;
    return slot;
}

void ProcessChaos::destroyRunning(int slot)
{
    Slot &target = m_slots[static_cast<std::size_t>(slot)];
    std::unique_lock lock(target.lifetime, std::try_to_lock);
    if (!lock.owns_lock())
        return; // another thread is inside a call; try another time
    m_runs[static_cast<std::size_t>(target.run)].destroyedWhileRunning = true;
    ++m_runsOver;
    ++m_destroyedWhileRunning;
    const auto start = Clock::now();
    delete target.process;
    const auto elapsed = Clock::now() - start;
    m_slowestOwnerCall = std::max(m_slowestOwnerCall, elapsed);
    if (elapsed > m_quickBudget)
        m_failures.add("destroying a running object took " + std::to_string(milliseconds(elapsed))
                       + " ms");
    target.process = nullptr;
    lock.unlock();
    create(slot);
    startRun(slot);
}

void ProcessChaos::stopRunning(int slot)
{
    Slot &target = m_slots[static_cast<std::size_t>(slot)];
    const auto grace = std::chrono::milliseconds(m_random() % (longestGrace.count() + 1));
    const auto start = Clock::now();
    target.process->stop(static_cast<int>(grace.count()));
    const auto elapsed = Clock::now() - start;
    m_slowestOwnerCall = std::max(m_slowestOwnerCall, elapsed);
    if (elapsed > m_quickBudget)
        m_failures.add("stop() blocked for " + std::to_string(milliseconds(elapsed)) + " ms");
    RunRecord &run = m_runs[static_cast<std::size_t>(target.run)];
    if (!run.killBy || start + grace < *run.killBy)
        run.killBy = start + grace;
    ++m_ownerStops;
}

void ProcessChaos::tick()
{
    if (const auto stuck = m_watch.stuckLongerThan(scaled(60s))) {
        m_failures.add("hang: " + *stuck);
        std::fflush(nullptr);
        std::_Exit(1);
    }
    const auto dice = m_random() % 100;
    if (dice < 4) {
        if (const auto slot = randomRunningSlot())
            destroyRunning(*slot);
    } else if (dice < 10) {
        if (const auto slot = randomRunningSlot())
            stopRunning(*slot);
    }
    if (allRunsOver() && m_loop)
        m_loop->quit(); // the last run may end by destruction
}

void ProcessChaos::observe(qint64 pid, const SharedChildExitStatus &status)
{
    std::lock_guard lock(m_mutex);
    const auto [seen, first] = m_observed.emplace(pid, status);
    if (!first && seen->second != status)
        m_failures.add("pid " + std::to_string(pid) + ": one thread saw " + status.toString()
                       + ", another " + seen->second.toString());
}

void ProcessChaos::call(int thread, SharedChildProcess &process, Call call, std::mt19937_64 &random)
{
    const qint64 pidBefore = process.processId();
    const CallWatch::Scope inFlight(m_watch, thread, callNames[call], pidBefore);
    SharedChildExitStatus status;
    Clock::duration timeout{};
    bool finished = false;
    const auto start = Clock::now();
    switch (call) {
    case Kill:
        process.kill();
        break;
    case Terminate:
        process.terminate();
        break;
    case SendSignal:
        process.sendSignal(randomSignals[random() % randomSignals.size()]);
        break;
    case Stop:
        process.stop(static_cast<int>(random() % (longestGrace.count() + 1)));
        break;
    case TryWait:
        status = process.tryWait();
        break;
    case WaitForFinished:
        timeout = std::chrono::milliseconds(random() % (longestTimeout.count() + 1));
        finished = process.waitForFinished(static_cast<int>(milliseconds(timeout)));
        break;
    case Wait:
        // A child exits within its own life (or is killed); `timeout` says how
        // long that may take at most.
        timeout = std::chrono::milliseconds(250);
        status = process.wait();
        break;
    case CallCount:
        break;
    }
    const auto elapsed = Clock::now() - start;
    const bool waits = call == WaitForFinished || call == Wait;
    if (waits && elapsed - timeout > m_overrunBudget)
        m_failures.add(std::string(callNames[call]) + "() on pid " + std::to_string(pidBefore)
                       + " took " + std::to_string(milliseconds(elapsed)) + " ms");
    if (!waits && elapsed > m_quickBudget)
        m_failures.add(std::string(callNames[call]) + "() on pid " + std::to_string(pidBefore)
                       + " blocked for " + std::to_string(milliseconds(elapsed)) + " ms");
    // The same PID before and after: no restart came in between, so the
    // answer is about that run (PIDs do not repeat within a run of this size).
    if (pidBefore != 0 && process.processId() == pidBefore) {
        if (status.isValid())
            observe(pidBefore, status);
        // The PID is read again after tryWait(): the owner may restart the
        // object at any moment, and then tryWait() rightly says "running".
        if (call == WaitForFinished && finished && !process.tryWait().isValid()
            && process.processId() == pidBefore)
            m_failures.add("waitForFinished() on pid " + std::to_string(pidBefore)
                           + " returned true, but tryWait() says it runs");
        if (call == WaitForFinished && !finished && elapsed < timeout)
            m_failures.add("waitForFinished() on pid " + std::to_string(pidBefore)
                           + " gave up after " + std::to_string(milliseconds(elapsed))
                           + " ms, before its " + std::to_string(milliseconds(timeout)) + " ms");
    }
    std::lock_guard lock(m_mutex);
    ++m_calls[call];
    m_callTime[call] += elapsed;
    if (!waits)
        m_slowestQuickCall = std::max(m_slowestQuickCall, elapsed);
}

void ProcessChaos::work(int thread)
{
    std::mt19937_64 random(m_settings.seed * 7919u + static_cast<std::uint64_t>(thread));
    std::discrete_distribution<int> chooseCall(callWeights.begin(), callWeights.end());
    while (!m_stopWorkers) {
        Slot &slot = m_slots[random() % objectCount];
        std::shared_lock lock(slot.lifetime);
        if (!slot.process) {
            lock.unlock();
            std::this_thread::yield();
            continue;
        }
        call(thread, *slot.process, static_cast<Call>(chooseCall(random)), random);
    }
    std::lock_guard lock(m_mutex);
    --m_workersLeft;
    m_workerDone.notify_all();
}

void ProcessChaos::run()
{
    {
        // Starts the waiter thread before the baseline is taken.
        SharedChildProcess warmUp;
        warmUp.setProgram(QString::fromStdString(m_settings.helper));
        warmUp.setArguments({QStringLiteral("exit"), QStringLiteral("0")});
        if (!warmUp.start() || !warmUp.waitForFinished(static_cast<int>(scaled(30s).count())))
            m_failures.add("warm-up run failed: " + warmUp.errorString().toStdString());
    }
    SharedChild::Child::spawn(SharedChild::Command(m_settings.helper, {"exit", "0"}));
    const auto processEvents = [] { QCoreApplication::processEvents(); };
    expectNothingLeft(ProcessCensus::take(), m_failures, "warm-up", processEvents);
    const ProcessCensus baseline = ProcessCensus::take();

    const auto start = Clock::now();
    for (int slot = 0; slot < objectCount; ++slot) {
        create(slot);
        startRun(slot);
    }
    std::vector<std::thread> threads;
    m_workersLeft = m_settings.threads;
    for (int thread = 0; thread < m_settings.threads; ++thread)
        threads.emplace_back([this, thread] { work(thread); });

    QEventLoop loop;
    m_loop = &loop;
    QTimer chaos;
    QObject::connect(&chaos, &QTimer::timeout, &loop, [this] { tick(); });
    chaos.start(2);
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [this, &loop] {
        m_failures.add("runs still going after the deadline: "
                       + std::to_string(m_runsStarted - m_runsOver) + " of "
                       + std::to_string(m_runsStarted));
        loop.quit();
    });
    deadline.start(scaled(std::chrono::seconds(120 + m_settings.runs / 10)));
    if (!allRunsOver())
        loop.exec();
    m_loop = nullptr;
    chaos.stop();
    const auto elapsed = Clock::now() - start;

    m_stopWorkers = true;
    {
        std::unique_lock lock(m_mutex);
        while (m_workersLeft > 0) {
            m_workerDone.wait_for(lock, 250ms);
            if (const auto stuck = m_watch.stuckLongerThan(scaled(60s))) {
                m_failures.add("hang: " + *stuck);
                std::fflush(nullptr);
                std::_Exit(1);
            }
        }
    }
    for (std::thread &thread : threads)
        thread.join();
    for (int round = 0; round < 10; ++round)
        QCoreApplication::processEvents(); // a duplicate finished() would come now

    int finishedRuns = 0;
    std::map<qint64, const RunRecord *> runsByPid;
    for (const RunRecord &run : m_runs) {
        runsByPid[run.pid] = &run;
        const int expected = run.destroyedWhileRunning ? 0 : 1;
        finishedRuns += run.finishedCount;
        if (run.finishedCount != expected)
            m_failures.add("pid " + std::to_string(run.pid) + ": finished() emitted "
                           + std::to_string(run.finishedCount) + " times, expected "
                           + std::to_string(expected));
    }
    for (const auto &[pid, status] : m_observed) {
        const auto found = runsByPid.find(pid);
        if (found != runsByPid.end() && found->second->finishedCount == 1
            && found->second->status != status)
            m_failures.add("pid " + std::to_string(pid) + ": finished() said "
                           + found->second->status.toString() + ", another thread saw "
                           + status.toString());
    }

    for (Slot &slot : m_slots) {
        std::unique_lock lock(slot.lifetime);
        delete slot.process;
        slot.process = nullptr;
    }
    expectNothingLeft(baseline, m_failures,
                      "after " + std::to_string(m_settings.runs) + " SharedChildProcess runs",
                      processEvents);

    if (m_settings.quiet)
        return;
    long calls = 0;
    std::string perCall;
    for (int i = 0; i < CallCount; ++i) {
        calls += m_calls[static_cast<std::size_t>(i)];
        const auto count = m_calls[static_cast<std::size_t>(i)];
        const double mean = count == 0
                ? 0.0
                : std::chrono::duration<double, std::milli>(m_callTime[static_cast<std::size_t>(i)])
                                .count()
                        / static_cast<double>(count);
        char meanText[32];
        std::snprintf(meanText, sizeof meanText, " (%.2f ms)", mean);
        perCall += std::string(i ? ", " : "") + callNames[static_cast<std::size_t>(i)] + ' '
                + std::to_string(count) + meanText;
    }
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::printf("processes: %d runs on %d objects, %d threads, %ld calls in %.1f s (%.0f runs/s)\n"
                "  calls (mean time): %s\n"
                "  finished() once for each of %d runs; %d objects destroyed while running "
                "(no finished()); %d stop()s from the owner\n"
                "  slowest stop()/destruction in the owner: %ld ms, slowest quick call in "
                "another thread: %ld ms (budget %ld ms); %zu statuses cross-checked\n",
                m_settings.runs, objectCount, m_settings.threads, calls, seconds,
                m_settings.runs / seconds, perCall.c_str(), finishedRuns, m_destroyedWhileRunning,
                m_ownerStops, milliseconds(m_slowestOwnerCall), milliseconds(m_slowestQuickCall),
                static_cast<long>(m_quickBudget.count()), m_observed.size());
}

} // namespace

void runProcessChaos(const ProcessChaosSettings &settings, Failures &failures)
{
    ProcessChaos(settings, failures).run();
}

} // namespace SharedChildStress
