// SPDX-License-Identifier: MIT
#include "pidreuse.h"

#include "pidnamespace.h"
#include "processcensus.h"
#include "selfrun.h"
#include "throughput.h"

#include <sharedchild/child.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <unistd.h>

namespace SharedChildStress {

namespace {

using Clock = std::chrono::steady_clock;
using SharedChild::Child;
using SharedChild::Command;
using SharedChild::ExitStatus;
using SharedChildTest::Stranger;

// Every one of these would kill the stranger (it keeps the default actions).
constexpr std::array<int, 4> hammerSignals = {SIGKILL, SIGTERM, SIGUSR2, SIGINT};

// One thread that signals the child it is aimed at without pause: through the
// reap, the reuse of the PID and beyond. It lives for the whole run, so that
// no thread is created between handing out a PID and the stranger taking it.
class Killer
{
public:
    Killer() : m_thread([this] { run(); }) { }
    ~Killer()
    {
        {
            std::lock_guard lock(m_mutex);
            m_quit = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    Killer(const Killer &) = delete;
    Killer &operator=(const Killer &) = delete;

    void aim(std::shared_ptr<Child> child)
    {
        {
            std::lock_guard lock(m_mutex);
            m_target = std::move(child);
            m_stopAt = LONG_MAX;
        }
        m_changed.notify_all();
    }

    /// Makes `more` further calls, then lets go of the child. Returns the
    /// calls made on it in all.
    long finish(long more)
    {
        std::unique_lock lock(m_mutex);
        m_stopAt = m_sent + more;
        m_changed.wait(lock, [this] { return !m_target; });
        return m_sentOnTarget;
    }

private:
    void run()
    {
        std::mt19937 random(12345);
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_changed.wait(lock, [this] { return m_quit || m_target; });
            if (m_quit)
                return;
            const std::shared_ptr<Child> child = m_target;
            m_sentOnTarget = 0;
            while (m_sent < m_stopAt) {
                lock.unlock();
                const int signal = hammerSignals[random() % hammerSignals.size()];
                if (signal == SIGKILL)
                    child->kill();
                else if (signal == SIGTERM)
                    child->terminate();
                else
                    child->sendSignal(signal);
                lock.lock();
                ++m_sent;
                ++m_sentOnTarget;
            }
            m_target = nullptr;
            m_changed.notify_all();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::shared_ptr<Child> m_target; // guarded by m_mutex
    long m_sent = 0; // guarded by m_mutex
    long m_sentOnTarget = 0; // guarded by m_mutex
    long m_stopAt = LONG_MAX; // guarded by m_mutex
    bool m_quit = false; // guarded by m_mutex
    std::thread m_thread;
};

// Reaps by one of the library's three paths while the killer keeps going.
ExitStatus reap(Child &child, int path)
{
    switch (path % 3) {
    case 0:
        return child.wait();
    case 1:
        for (;;) {
            if (const auto status = child.waitFor(std::chrono::milliseconds(1)))
                return *status;
        }
    default:
        for (;;) {
            if (const auto status = child.tryWait())
                return *status;
            std::this_thread::yield();
        }
    }
}

bool killedByHammer(const ExitStatus &status)
{
    for (const int signal : hammerSignals) {
        if (status.signalNumber() == signal)
            return true;
    }
    return false;
}

} // namespace

bool runPidReuse(const StressOptions &options, Failures &failures)
{
    const int error = SharedChildTest::pidNamespaceError();
    if (error == EPERM) {
        std::printf("pid-reuse: skipped, creating a PID namespace is not permitted here\n");
        return false;
    }
    if (error != 0) {
        failures.add(std::string("unshare(CLONE_NEWPID): ") + std::strerror(error));
        return true;
    }
    try {
        const auto status = runSelf(SharedChildTest::pidNamespaceWrapper(),
                                    toArguments(options, "pid-reuse-inner"));
        if (!status.success())
            failures.add("the run in a PID namespace ended with " + status.toString());
    } catch (const std::system_error &spawnError) {
        failures.add("cannot run " + SharedChildTest::pidNamespaceWrapper().front() + ": "
                     + spawnError.what());
    }
    return true;
}

void runPidReuseInner(const StressOptions &options, Failures &failures)
{
    if (::getpid() != 1) {
        failures.add("must run as the first process of a new PID namespace");
        return;
    }
    std::mt19937_64 random(options.seed);
    long calls = 0;
    long callsAfterReuse = 0;
    int reused = 0;
    int selfExited = 0;
    int reachedStranger = 0;
    const auto start = Clock::now();
    Killer killer;
    for (int round = 0; round < options.rounds && failures.count() < 20; ++round) {
        const std::string where = "round " + std::to_string(round) + ": ";
        // Half the children exit on their own, racing the killer's signals;
        // the others live until a signal kills them.
        const bool exitsAlone = random() % 2 == 0;
        const auto child = Child::spawn(exitsAlone ? Command(options.helper, {"exit", "0"})
                                                   : Command(options.helper, {"sleep", "60"}));
        childrenStarted().fetch_add(1);
        const auto oldPid = static_cast<pid_t>(child->id());
        killer.aim(child);

        const ExitStatus status = reap(*child, static_cast<int>(random() % 3));
        if (status.success())
            ++selfExited;
        else if (!killedByHammer(status))
            failures.add(where + "the child ended with " + status.toString());
        if (SharedChildTest::processStateLetter(oldPid) != 0) {
            failures.add(where + "the child was not reaped");
            killer.finish(0);
            continue;
        }

        // No task may be created between these two lines: threads take PIDs too.
        SharedChildTest::giveNextPid(oldPid);
        Stranger stranger(options.helper);
        if (stranger.pid() != oldPid) {
            failures.add(where + "the stranger got pid " + std::to_string(stranger.pid()) + ", not "
                         + std::to_string(oldPid) + "; the round proves nothing");
            killer.finish(0);
            continue;
        }
        ++reused;
        const long before = calls;
        calls = before + killer.finish(options.signalsAfterReuse);
        callsAfterReuse += options.signalsAfterReuse;
        // Once more from this thread, through every call.
        child->kill();
        child->terminate();
        child->sendSignal(SIGUSR2);
        calls += 3;

        if (!stranger.stopsOnSigstop()) {
            ++reachedStranger;
            failures.add(where + "a signal for the old child reached the process that reused pid "
                         + std::to_string(oldPid));
        }
        if (const int signal = stranger.terminateAndReap(); signal != SIGTERM)
            failures.add(where + "the stranger ended by signal " + std::to_string(signal)
                         + ", not by our SIGTERM");
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("pid-reuse: %d rounds in %.1f s, %d PIDs reused by a stranger, %d children "
                "exited on their own first; %ld signal calls, %ld of them through the old "
                "handle after its PID was reused; %d reached a stranger\n",
                options.rounds, seconds, reused, selfExited, calls, callsAfterReuse,
                reachedStranger);
    if (reused != options.rounds)
        failures.add("only " + std::to_string(reused) + " of " + std::to_string(options.rounds)
                     + " rounds reused the PID");
}

} // namespace SharedChildStress
