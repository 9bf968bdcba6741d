// SPDX-License-Identifier: MIT
#include "processlimit.h"

#include "leakcheck.h"
#include "processcensus.h"
#include "qtwait.h"
#include "selfrun.h"
#include "timescale.h"

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <grp.h>
#include <memory>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace SharedChildStress {

namespace {

using namespace std::chrono_literals;
using SharedChild::Child;
using SharedChild::Command;
using SharedChildTest::scaled;
using SharedChildTest::tasksOfUser;

constexpr uid_t nobody = 65534;
constexpr int headroom = 3; // processes to spare when the limit is set
constexpr int mostFillers = 64; // a limit that does not bite by then is a failure

// Children of the system's coreutils rather than sctest-helper: under a
// sanitizer the helper is instrumented, and its runtime wants a thread of its
// own, which the limit (inherited by the child) would refuse.
const std::string filler = "sleep";
const std::string quick = "true";

class ProcessLimit
{
public:
    explicit ProcessLimit(Failures &failures) : m_failures(failures) { }
    void run();

private:
    bool setLimit(rlim_t processes);
    void expectEagain(const std::string &what, const std::string &program,
                      const std::string &where);
    std::vector<std::shared_ptr<Child>> fillUp();
    void startAtTheLimit();
    void startWithOneToSpare(const std::string &when);
    void expectReaped(pid_t pid, const std::string &what);

    Failures &m_failures;
    rlimit m_saved{};
    const std::string m_reason = std::strerror(EAGAIN);
};

bool ProcessLimit::setLimit(rlim_t processes)
{
    rlimit limit = m_saved;
    limit.rlim_cur = std::min(processes, m_saved.rlim_max);
    if (::setrlimit(RLIMIT_NPROC, &limit) == 0)
        return true;
    m_failures.add(std::string("setrlimit(RLIMIT_NPROC): ") + std::strerror(errno));
    return false;
}

void ProcessLimit::expectEagain(const std::string &what, const std::string &program,
                                const std::string &where)
{
    if (what.find(program) == std::string::npos || what.find(m_reason) == std::string::npos)
        m_failures.add(where + ": the error does not name the program and the reason: \"" + what
                       + '"');
}

// Spawns sleeping children until the limit refuses one.
std::vector<std::shared_ptr<Child>> ProcessLimit::fillUp()
{
    std::vector<std::shared_ptr<Child>> children;
    for (;;) {
        if (static_cast<int>(children.size()) == mostFillers) {
            m_failures.add("the process limit never refused a child");
            break;
        }
        try {
            children.push_back(Child::spawn(Command(filler, {"30"})));
        } catch (const std::system_error &error) {
            if (error.code() != std::error_code(EAGAIN, std::generic_category()))
                m_failures.add("Child::spawn() at the limit: expected EAGAIN, got "
                               + error.code().message() + " (\"" + error.what() + "\")");
            expectEagain(error.what(), filler, "Child::spawn() at the limit");
            break;
        }
    }
    return children;
}

void ProcessLimit::startAtTheLimit()
{
    SharedChildProcess process;
    process.setProgram(QString::fromStdString(quick));
    bool failedToStart = false;
    QObject::connect(&process, &SharedChildProcess::errorOccurred, &process,
                     [&](SharedChildProcess::ProcessError error) {
                         failedToStart = error == SharedChildProcess::FailedToStart;
                     });
    try {
        if (process.start()) {
            m_failures.add("SharedChildProcess::start() succeeded at the process limit");
            process.waitForFinished(static_cast<int>(scaled(30s).count()));
            return;
        }
    } catch (const std::exception &error) {
        m_failures.add(std::string("SharedChildProcess::start() at the limit threw: ")
                       + error.what());
        return;
    }
    if (!failedToStart || process.state() != SharedChildProcess::NotRunning)
        m_failures.add("start() at the limit returned false without FailedToStart and NotRunning");
    expectEagain(process.errorString().toStdString(), quick,
                 "SharedChildProcess::start() at the limit");
}

// One process to spare: the child may start, but the library may need a
// thread as well (the waiter thread at the first start, the waitid backend a
// thread per child). Either way start() must not throw, and a run that starts
// must finish.
void ProcessLimit::startWithOneToSpare(const std::string &when)
{
    if (!setLimit(static_cast<rlim_t>(tasksOfUser(::getuid()) + 1)))
        return;
    SharedChildProcess process;
    process.setProgram(QString::fromStdString(quick));
    bool started = false;
    try {
        started = process.start();
    } catch (const std::exception &error) {
        m_failures.add("SharedChildProcess::start() with one process to spare " + when
                       + " threw: " + error.what());
        return;
    }
    ::setrlimit(RLIMIT_NPROC, &m_saved);
    if (started && (!awaitFinishedSignal(process, scaled(30s)) || !process.exitStatus().success()))
        m_failures.add("with one process to spare, a started run did not finish well: "
                       + process.exitStatus().toString());
    if (!started)
        expectEagain(process.errorString().toStdString(), quick,
                     "SharedChildProcess::start() with one process to spare");
    std::printf(
            "process-limit: with one process to spare %s, SharedChildProcess::start() %s\n",
            when.c_str(),
            started ? "started and finished the run"
                    : ("failed cleanly: \"" + process.errorString().toStdString() + '"').c_str());
}

void ProcessLimit::expectReaped(pid_t pid, const std::string &what)
{
    const auto deadline = std::chrono::steady_clock::now() + scaled(30s);
    while (SharedChildTest::processStateLetter(pid) != 0
           && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms); // nothing announces a reap done in the background
    if (SharedChildTest::processStateLetter(pid) != 0)
        m_failures.add(what + " was not reaped (state "
                       + std::string(1, SharedChildTest::processStateLetter(pid)) + ')');
}

void ProcessLimit::run()
{
    if (::getuid() == 0) {
        m_failures.add("runs as root, which RLIMIT_NPROC does not bind");
        return;
    }
    const auto processEvents = [] { QCoreApplication::processEvents(); };
    ::getrlimit(RLIMIT_NPROC, &m_saved);
    startWithOneToSpare("before the waiter thread exists");
    {
        SharedChildProcess warmUp; // the waiter thread exists from here on
        warmUp.setProgram(QString::fromStdString(quick));
        if (!warmUp.start() || !awaitFinishedSignal(warmUp, scaled(30s)))
            m_failures.add("warm-up run failed: " + warmUp.errorString().toStdString());
    }
    auto sentinel = std::make_unique<SharedChildProcess>();
    sentinel->setProgram(QString::fromStdString(filler));
    sentinel->setArguments({QStringLiteral("30")});
    if (!sentinel->start()) {
        m_failures.add("the sentinel child did not start: "
                       + sentinel->errorString().toStdString());
        return;
    }

    const int tasksBefore = tasksOfUser(::getuid());
    if (!setLimit(static_cast<rlim_t>(tasksBefore + headroom)))
        return;
    std::vector<std::shared_ptr<Child>> children = fillUp();
    const std::size_t filled = children.size();
    startAtTheLimit();
    // Let go of a running child while no thread can start to reap it: no
    // crash, and it is reaped once a thread can start (see below).
    pid_t stranded = 0;
    if (!children.empty()) {
        stranded = static_cast<pid_t>(children.back()->id());
        children.pop_back();
        ::kill(stranded, SIGKILL);
    }

    sentinel->kill();
    if (!awaitFinishedSignal(*sentinel, scaled(30s))
        || sentinel->exitStatus().signalNumber() != SIGKILL)
        m_failures.add("at the limit, the running child's finished() did not come ("
                       + sentinel->exitStatus().toString() + ')');
    sentinel.reset();

    for (const auto &child : children) {
        child->kill();
        if (child->wait().signalNumber() != SIGKILL)
            m_failures.add("a filler child did not end by SIGKILL");
    }
    children.clear();

    // Processes are free again (under the same limit). The library reaps the
    // child it could not hand to a thread when it next lets go of one.
    try {
        if (!Child::spawn(Command(quick))->wait().success())
            m_failures.add("once processes were free, a child did not run well");
        pid_t letGoPid = 0;
        {
            const auto letGo = Child::spawn(Command(filler, {"0"}));
            letGoPid = static_cast<pid_t>(letGo->id());
        } // let go of unreaped; whatever reaps it takes the stranded one too
        expectReaped(letGoPid, "a child let go of once processes were free");
        if (stranded != 0)
            expectReaped(stranded, "the child let go of at the process limit");
    } catch (const std::system_error &error) {
        m_failures.add(std::string("once processes were free, spawn() still failed: ")
                       + error.what());
    }
    {
        SharedChildProcess process;
        process.setProgram(QString::fromStdString(quick));
        if (!process.start() || !awaitFinishedSignal(process, scaled(30s)))
            m_failures.add("once processes were free, SharedChildProcess did not run: "
                           + process.errorString().toStdString());
    }
    startWithOneToSpare("with the waiter thread running");
    ::setrlimit(RLIMIT_NPROC, &m_saved);

    const auto deadline = std::chrono::steady_clock::now() + scaled(30s);
    while (!SharedChildTest::childPids().empty() && std::chrono::steady_clock::now() < deadline) {
        processEvents();
        std::this_thread::sleep_for(5ms);
    }
    if (!SharedChildTest::childPids().empty())
        m_failures.add("children left behind after the process limit");
    std::printf("process-limit: as uid %d with %d tasks and %d to spare, %zu children started "
                "before spawn() failed with EAGAIN (\"%s\"); SharedChildProcess reported "
                "FailedToStart; finished() still came; a child let go of at the limit was "
                "reaped once processes were free; spawning worked again\n",
                static_cast<int>(::getuid()), tasksBefore, headroom, filled, m_reason.c_str());
}

} // namespace

void runProcessLimit(const StressOptions &options, Failures &failures)
{
    try {
        const auto status = runSelf({}, toArguments(options, "process-limit-inner"));
        if (!status.success())
            failures.add("the run as an unprivileged user ended with " + status.toString());
    } catch (const std::system_error &error) {
        failures.add(std::string("cannot run as an unprivileged user: ") + error.what());
    }
}

void runProcessLimitInner(const StressOptions &, Failures &failures)
{
    // Root ignores RLIMIT_NPROC, so the run becomes uid 65534 here, inside
    // the process: the loader has mapped our libraries by now. Starting the
    // program as that user instead (setpriv) fails where the build tree is
    // not readable by it, e.g. a clone under /root.
    if (::geteuid() == 0
        && (::setgroups(0, nullptr) != 0 || ::setresgid(nobody, nobody, nobody) != 0
            || ::setresuid(nobody, nobody, nobody) != 0)) {
        failures.add(std::string("cannot become uid 65534: ") + std::strerror(errno));
        return;
    }
    ProcessLimit(failures).run();
}

} // namespace SharedChildStress
