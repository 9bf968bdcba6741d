// SPDX-License-Identifier: MIT
// The POSIX half of the test support: /proc, waitid(), kill() and file descriptors.
#include "testsupport.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace SharedChildTest {

namespace {

// The entries of a /proc directory that are numbers (fds, tasks, pids).
std::vector<int> numericEntries(const char *path)
{
    std::vector<int> numbers;
    DIR *dir = ::opendir(path);
    if (!dir)
        return numbers;
    const int own = ::dirfd(dir);
    while (const dirent *entry = ::readdir(dir)) {
        char *end = nullptr;
        const long number = std::strtol(entry->d_name, &end, 10);
        if (*entry->d_name != '\0' && *end == '\0' && number != own)
            numbers.push_back(static_cast<int>(number));
    }
    ::closedir(dir);
    return numbers;
}

// The fields after "pid (comm)" of a /proc stat file: "S 1234 ..."; empty when gone.
std::string statFieldsAfterName(const std::string &path)
{
    std::ifstream file(path);
    std::string line;
    if (!std::getline(file, line))
        return {};
    const auto close = line.rfind(')');
    return close == std::string::npos || close + 2 > line.size() ? std::string()
                                                                 : line.substr(close + 2);
}

char stateOf(const std::string &statPath)
{
    const std::string fields = statFieldsAfterName(statPath);
    return fields.empty() ? char(0) : fields[0];
}

} // namespace

std::set<int> openFds()
{
    const std::vector<int> fds = numericEntries("/proc/self/fd");
    return {fds.begin(), fds.end()};
}

int openFdCount()
{
    return static_cast<int>(openFds().size());
}

int threadCount()
{
    return static_cast<int>(numericEntries("/proc/self/task").size());
}

std::vector<ProcessInfo> childProcesses()
{
    std::vector<ProcessInfo> children;
    const pid_t self = ::getpid();
    for (const int pid : numericEntries("/proc")) {
        std::istringstream fields(statFieldsAfterName("/proc/" + std::to_string(pid) + "/stat"));
        char state = 0;
        pid_t parent = 0;
        if (fields >> state >> parent && parent == self)
            children.push_back({pid, state});
    }
    return children;
}

bool isChildProcess(pid_t pid)
{
    for (const ProcessInfo &child : childProcesses()) {
        if (child.pid == pid)
            return true;
    }
    return false;
}

char processState(pid_t pid)
{
    return stateOf("/proc/" + std::to_string(pid) + "/stat");
}

char threadState(pid_t tid)
{
    return stateOf("/proc/self/task/" + std::to_string(tid) + "/stat");
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
