// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
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

int openFdCount() { return static_cast<int>(openFds().size()); }

int threadCount() { return static_cast<int>(numericEntries("/proc/self/task").size()); }

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

char processState(pid_t pid) { return stateOf("/proc/" + std::to_string(pid) + "/stat"); }

char threadState(pid_t tid) { return stateOf("/proc/self/task/" + std::to_string(tid) + "/stat"); }

bool threadIsBlocked(pid_t tid) { return threadState(tid) == 'S'; }

bool pollUntil(const std::function<bool()> &predicate, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (predicate())
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(1ms);
    }
}

bool fileExists(const std::string &path) { return ::access(path.c_str(), F_OK) == 0; }

bool waitForFile(const std::string &path, std::chrono::milliseconds timeout)
{
    return pollUntil([&] { return fileExists(path); }, timeout);
}

std::string readFile(const std::string &path)
{
    std::ifstream file(path);
    std::ostringstream contents;
    contents << file.rdbuf();
    return contents.str();
}

void writeFile(const std::string &path, const std::string &contents)
{
    std::ofstream file(path, std::ios::trunc);
    file << contents;
    if (!file.flush())
        throw std::runtime_error("cannot write " + path);
}

TempDir::TempDir()
{
    std::string pattern = "/tmp/sctest-XXXXXX";
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

TempDir::~TempDir()
{
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

SharedChild::Command helper(std::vector<std::string> arguments)
{
    return SharedChild::Command(SCTEST_HELPER, std::move(arguments));
}

HelperRun runHelper(std::vector<std::string> arguments,
                    const std::function<void(SharedChild::Command &)> &configure)
{
    const TempDir dir;
    const std::string out = dir.file("out");
    arguments.insert(arguments.begin(), {"--out", out});
    SharedChild::Command command = helper(std::move(arguments));
    if (configure)
        configure(command);
    HelperRun run;
    run.status = SharedChild::Child::spawn(command)->wait();
    run.output = readFile(out);
    return run;
}

std::vector<std::string> environmentWith(const std::vector<std::string> &changes)
{
    std::vector<std::string> environment;
    const auto key = [](const std::string &entry) { return entry.substr(0, entry.find('=')); };
    for (char **entry = environ; entry && *entry; ++entry) {
        const std::string current = *entry;
        bool replaced = false;
        for (const std::string &change : changes)
            replaced = replaced || key(change) == key(current);
        if (!replaced)
            environment.push_back(current);
    }
    environment.insert(environment.end(), changes.begin(), changes.end());
    return environment;
}

namespace {

std::string currentTestName()
{
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + '.' + info->name();
}

} // namespace

bool isInnerRun()
{
    const char *inner = std::getenv("SCTEST_INNER");
    return inner && currentTestName() == inner;
}

void markInnerRunPassed()
{
    if (const char *marker = std::getenv("SCTEST_INNER_MARKER"))
        writeFile(marker, "passed\n");
}

InnerRun runCurrentTestInSubprocess(const std::vector<std::string> &wrapper,
                                    const std::vector<std::string> &environmentChanges)
{
    const TempDir dir;
    const std::string marker = dir.file("inner-passed");
    const std::string self = std::filesystem::read_symlink("/proc/self/exe");

    std::vector<std::string> arguments(wrapper.begin(), wrapper.end());
    arguments.push_back(self);
    arguments.push_back("--gtest_filter=" + currentTestName());
    const std::string program = arguments.front();
    arguments.erase(arguments.begin());

    std::vector<std::string> changes = environmentChanges;
    changes.push_back("SCTEST_INNER=" + currentTestName());
    changes.push_back("SCTEST_INNER_MARKER=" + marker);
    SharedChild::Command command(program, arguments);
    command.setEnvironment(environmentWith(changes));

    InnerRun run;
    run.status = SharedChild::Child::spawn(command)->wait();
    run.passed = fileExists(marker);
    return run;
}

} // namespace SharedChildTest
