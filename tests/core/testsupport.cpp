// SPDX-License-Identifier: MIT
// The portable half of the test support; see testsupport_posix.cpp and
// testsupport_windows.cpp for the rest.
#include "testsupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace SharedChildTest {

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

bool isChildProcess(pid_t pid)
{
    const std::vector<ProcessInfo> children = childProcesses();
    return std::any_of(children.begin(), children.end(),
                       [pid](const ProcessInfo &child) { return child.pid == pid; });
}

bool fileExists(const std::string &path)
{
    std::error_code error;
    return std::filesystem::exists(path, error);
}

bool waitForFile(const std::string &path, std::chrono::milliseconds timeout)
{
    return pollUntil([&] { return fileExists(path); }, timeout);
}

std::string readFile(const std::string &path)
{
    std::ifstream file(path, std::ios::binary);
    std::ostringstream contents;
    contents << file.rdbuf();
    return contents.str();
}

void writeFile(const std::string &path, const std::string &contents)
{
    std::ofstream file(path, std::ios::trunc | std::ios::binary);
    file << contents;
    if (!file.flush())
        throw std::runtime_error("cannot write " + path);
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
    for (const std::string &current : currentEnvironment()) {
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

    std::vector<std::string> arguments(wrapper.begin(), wrapper.end());
    arguments.push_back(currentExecutable());
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
