// SPDX-License-Identifier: MIT
#include "fdlimit.h"

#include "leakcheck.h"
#include "processcensus.h"
#include "qtwait.h"
#include "timescale.h"

#include <sharedchild/child.h>
#include <sharedchild/sharedchildprocess.h>

#include <QCoreApplication>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/resource.h>
#include <unistd.h>

namespace SharedChildStress {

namespace {

using namespace std::chrono_literals;
using SharedChild::Child;
using SharedChild::Command;
using SharedChild::Stdio;
using SharedChildTest::ProcessCensus;
using SharedChildTest::scaled;

constexpr int largestHeadroom = 12; // free descriptors at the first step

// Spawning this takes six descriptors for its pipes (the pidfd backend one
// more for the pidfd), so the limit bites on both backends.
Command commandWithPipes(const std::string &helper)
{
    Command command(helper, {"exit", "0"});
    command.setStdin(Stdio::pipe()).setStdout(Stdio::pipe()).setStderr(Stdio::pipe());
    return command;
}

void configureWithPipes(SharedChildProcess &process, const std::string &helper)
{
    process.setProgram(QString::fromStdString(helper));
    process.setArguments({QStringLiteral("exit"), QStringLiteral("0")});
    // QProcess's default: three pipes.
    process.setProcessChannelMode(SharedChildProcess::SeparateChannels);
}

int lowestFreeDescriptor()
{
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ::close(fd);
    return fd;
}

class FdLimit
{
public:
    FdLimit(const StressOptions &options, Failures &failures)
        : m_helper(options.helper), m_failures(failures)
    { }
    void run();

private:
    bool spawnChild(int headroom);
    bool startProcess(int headroom);
    void expectEmfileMessage(const std::string &what, const std::string &where);

    const std::string m_helper;
    Failures &m_failures;
    const std::string m_reason = std::strerror(EMFILE);
    std::string m_example; // the first error message, for the summary
};

void FdLimit::expectEmfileMessage(const std::string &what, const std::string &where)
{
    if (what.find(m_helper) == std::string::npos || what.find(m_reason) == std::string::npos)
        m_failures.add(where + ": the error does not name the program and the reason: \"" + what
                       + '"');
    if (m_example.empty())
        m_example = what;
}

// True when the child started (and then ran to its end).
bool FdLimit::spawnChild(int headroom)
{
    const std::string where
            = "Child::spawn() with " + std::to_string(headroom) + " free descriptors";
    const ProcessCensus before = ProcessCensus::take();
    bool started = false;
    try {
        const auto child = Child::spawn(commandWithPipes(m_helper));
        started = true;
        child->takeStdin(); // closes our end: the child sees EOF
        const auto status = child->wait();
        if (!status.success())
            m_failures.add(where + ": the child ended with " + status.toString());
    } catch (const std::system_error &error) {
        if (error.code() != std::error_code(EMFILE, std::generic_category()))
            m_failures.add(where + ": expected EMFILE, got " + error.code().message() + " (\""
                           + error.what() + "\")");
        expectEmfileMessage(error.what(), where);
    }
    const ProcessCensus after = ProcessCensus::take();
    // Fewer is fine: the waiter thread closes finished runs' pidfds in its own time.
    if (after.openFds > before.openFds || after.childProcesses > before.childProcesses)
        m_failures.add(where + ": left behind: " + after.toString()
                       + " (before: " + before.toString() + ')');
    return started;
}

bool FdLimit::startProcess(int headroom)
{
    const std::string where
            = "SharedChildProcess::start() with " + std::to_string(headroom) + " free descriptors";
    SharedChildProcess process;
    configureWithPipes(process, m_helper);
    bool failedToStart = false;
    QObject::connect(&process, &SharedChildProcess::errorOccurred, &process,
                     [&](SharedChildProcess::ProcessError error) {
                         failedToStart = error == SharedChildProcess::FailedToStart;
                     });
    if (process.start()) {
        process.closeWriteChannel();
        if (!process.waitForFinished(static_cast<int>(scaled(30s).count()))
            || !process.exitStatus().success())
            m_failures.add(where
                           + ": the child did not finish well: " + process.exitStatus().toString());
        return true;
    }
    if (!failedToStart || process.state() != SharedChildProcess::NotRunning)
        m_failures.add(where + ": returned false without FailedToStart and NotRunning");
    expectEmfileMessage(process.errorString().toStdString(), where);
    return false;
}

void FdLimit::run()
{
    // Everything the library starts once (the waiter thread, its epoll set)
    // exists before the baseline.
    {
        SharedChildProcess warmUp;
        configureWithPipes(warmUp, m_helper);
        if (!warmUp.start()
            || (warmUp.closeWriteChannel(), !awaitFinishedSignal(warmUp, scaled(30s))))
            m_failures.add("warm-up run failed: " + warmUp.errorString().toStdString());
    }
    const auto processEvents = [] { QCoreApplication::processEvents(); };
    expectNothingLeft(ProcessCensus::take(), m_failures, "warm-up", processEvents);
    const ProcessCensus baseline = ProcessCensus::take();

    // A child that runs through the whole exercise; its finished() must still
    // come while no descriptor is free.
    auto sentinel = std::make_unique<SharedChildProcess>();
    sentinel->setProgram(QString::fromStdString(m_helper));
    sentinel->setArguments({QStringLiteral("sleep"), QStringLiteral("120")});
    // No pipes: the headroom below counts descriptors for the children under test.
    sentinel->setProcessChannelMode(SharedChildProcess::ForwardedChannels);
    sentinel->setInputChannelMode(SharedChildProcess::ForwardedInputChannel);
    if (!sentinel->start()) {
        m_failures.add("the sentinel child did not start: "
                       + sentinel->errorString().toStdString());
        return;
    }

    rlimit saved{};
    ::getrlimit(RLIMIT_NOFILE, &saved);
    const int lowest = lowestFreeDescriptor();
    int fewestForChild = -1;
    int fewestForProcess = -1;
    for (int headroom = largestHeadroom; headroom >= 0; --headroom) {
        rlimit lowered = saved;
        lowered.rlim_cur = static_cast<rlim_t>(lowest + headroom);
        if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) {
            m_failures.add(std::string("setrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
            break;
        }
        if (spawnChild(headroom))
            fewestForChild = headroom;
        if (startProcess(headroom))
            fewestForProcess = headroom;
    }
    if (fewestForChild == 0 || fewestForProcess == 0)
        m_failures.add("spawning still worked without a free descriptor");
    if (fewestForChild < 0 || fewestForProcess < 0)
        m_failures.add("spawning never worked, even with " + std::to_string(largestHeadroom)
                       + " free descriptors");

    // Still at the limit: the waiter thread must go on delivering.
    sentinel->kill();
    const bool sentinelFinished = awaitFinishedSignal(*sentinel, scaled(30s));
    if (!sentinelFinished || sentinel->exitStatus().signalNumber() != SIGKILL)
        m_failures.add("at the limit, the running child's finished() did not come (state "
                       + std::to_string(sentinel->state()) + ", "
                       + sentinel->exitStatus().toString() + ')');
    sentinel.reset();

    ::setrlimit(RLIMIT_NOFILE, &saved);
    if (!spawnChild(largestHeadroom) || !startProcess(largestHeadroom))
        m_failures.add("spawning did not work again once descriptors were free");
    {
        SharedChildProcess after;
        configureWithPipes(after, m_helper);
        if (!after.start() || (after.closeWriteChannel(), !awaitFinishedSignal(after, scaled(30s))))
            m_failures.add("after the limit was lifted, finished() did not come");
    }
    expectNothingLeft(baseline, m_failures, "after the descriptor limit", processEvents);

    std::printf("fd-limit: a child with three pipes needs %d free descriptors "
                "(SharedChildProcess: %d); with fewer, spawning fails with EMFILE, leaves "
                "nothing behind, and the waiter thread keeps delivering; spawning works again "
                "once descriptors are free\n  e.g. \"%s\"\n",
                fewestForChild, fewestForProcess, m_example.c_str());
}

} // namespace

void runFdLimit(const StressOptions &options, Failures &failures)
{
    FdLimit(options, failures).run();
}

} // namespace SharedChildStress
