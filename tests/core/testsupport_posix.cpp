// SPDX-License-Identifier: MIT
// The POSIX half of the test support: /proc, waitid(), kill() and file descriptors.
#include "testsupport.h"

#include "processcensus.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace SharedChildTest {

std::set<int> openFds()
{
    const std::vector<int> fds = procEntries("/proc/self/fd");
    return {fds.begin(), fds.end()};
}

std::int64_t inheritedPeakRssBytes()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return std::int64_t{usage.ru_maxrss} * 1024;
}

bool isReadyWithin(const SharedChild::FileDescriptor &descriptor, std::chrono::milliseconds timeout)
{
    pollfd entry{descriptor.get(), POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(timeout.count())) == 1;
}

int openFdCount()
{
    return static_cast<int>(openFds().size());
}

int threadCount()
{
    return static_cast<int>(procEntries("/proc/self/task").size());
}

std::vector<ProcessInfo> childProcesses()
{
    std::vector<ProcessInfo> children;
    for (const ChildProcess &child : listChildProcesses())
        children.push_back({child.pid, child.state});
    return children;
}

char processState(pid_t pid)
{
    return processStateLetter(pid);
}

char threadState(pid_t tid)
{
    return threadStateLetter(tid);
}

bool threadIsBlocked(pid_t tid)
{
    return threadState(tid) == 'S';
}

ThreadId currentThreadId()
{
    return ::gettid();
}

bool isBlockedInCall(const CallingThread &thread)
{
    const ThreadId tid = thread.id;
    return tid != 0 && threadIsBlocked(static_cast<pid_t>(tid));
}

void awaitExitWithoutReaping(std::int64_t pid)
{
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    ASSERT_EQ(info.si_pid, pid);
}

KernelView kernelView(std::int64_t pid)
{
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | WNOHANG) == 0)
        return info.si_pid == pid ? KernelView::Zombie : KernelView::Running;
    return errno == ECHILD ? KernelView::Reaped : KernelView::Running;
}

void killBehindTheLibrarysBack(std::int64_t pid)
{
    ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
}

bool isForeignKill(const SharedChild::ExitStatus &status)
{
    return status.signalNumber() == SIGKILL;
}

void setEnvironmentVariable(const std::string &name, const std::string &value)
{
    ASSERT_EQ(::setenv(name.c_str(), value.c_str(), 1), 0);
}

void unsetEnvironmentVariable(const std::string &name)
{
    ::unsetenv(name.c_str());
}

std::string readAll(const SharedChild::FileDescriptor &fd)
{
    std::string result;
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got > 0)
            result.append(buffer, static_cast<std::size_t>(got));
        else if (got == 0 || errno != EINTR)
            return result;
    }
}

bool writeAll(const SharedChild::FileDescriptor &fd, const std::string &data)
{
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t put = ::write(fd.get(), data.data() + done, data.size() - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        done += static_cast<std::size_t>(put);
    }
    return true;
}

bool isCloseOnExec(const SharedChild::FileDescriptor &fd)
{
    const int flags = ::fcntl(fd.get(), F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC);
}

TempDir::TempDir()
{
    std::string pattern = "/tmp/sctest-XXXXXX";
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

std::string TempDir::placeHelper(const std::string &name) const
{
    const std::string path = file(name);
    if (::symlink(SCTEST_HELPER, path.c_str()) != 0)
        throw std::runtime_error("cannot link " + path);
    return path;
}

std::shared_ptr<SharedChild::Child>
spawnRetryingWineInternalError(const SharedChild::Command &command)
{
    return SharedChild::Child::spawn(command);
}

bool usageOfExitedChildIsReported()
{
    return true;
}

std::string systemProgram()
{
    return "true";
}

SharedChild::Command trueCommand()
{
    return SharedChild::Command(systemProgram());
}

std::vector<std::string> currentEnvironment()
{
    std::vector<std::string> environment;
    for (char **entry = environ; entry && *entry; ++entry)
        environment.push_back(*entry);
    return environment;
}

std::string currentExecutable()
{
    return std::filesystem::read_symlink("/proc/self/exe");
}

} // namespace SharedChildTest
