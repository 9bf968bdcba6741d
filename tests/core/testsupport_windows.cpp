// SPDX-License-Identifier: MIT
// The Windows half of the test support: the census comes from the shared
// support library (processcensus_windows.cpp); process handles of our own are
// opened by ID while the library's handle keeps that ID from being reused.
#include "testsupport.h"

#include "processcensus.h"

#include <gtest/gtest.h>

#include <windows.h>

#include <cstdlib>
#include <cwchar>
#include <filesystem>
#include <iostream>
#include <random>
#include <stdexcept>

namespace SharedChildTest {

namespace {

std::string toUtf8(const wchar_t *text, std::size_t length)
{
    if (length == 0)
        return {};
    const int size = ::WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), nullptr, 0,
                                           nullptr, nullptr);
    std::string result(static_cast<std::size_t>(size), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), result.data(), size, nullptr,
                          nullptr);
    return result;
}

} // namespace

std::int64_t inheritedPeakRssBytes()
{
    return 0;
}

bool isReadyWithin(const SharedChild::FileDescriptor &descriptor, std::chrono::milliseconds timeout)
{
    return ::WaitForSingleObject(descriptor.get(), static_cast<DWORD>(timeout.count()))
            == WAIT_OBJECT_0;
}

int openFdCount()
{
    return ProcessCensus::take().openFds;
}

int threadCount()
{
    return ProcessCensus::take().threads;
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

ThreadId currentThreadId()
{
    return ::GetCurrentThreadId();
}

bool isBlockedInCall(const CallingThread &thread)
{
    using Clock = std::chrono::steady_clock;
    if (thread.id == 0)
        return false;
    const Clock::time_point started{Clock::duration(thread.startedAt.load())};
    return Clock::now() - started >= 50ms;
}

void awaitExitWithoutReaping(std::int64_t pid)
{
    const HANDLE process = ::OpenProcess(SYNCHRONIZE, FALSE, static_cast<DWORD>(pid));
    ASSERT_NE(process, nullptr) << "OpenProcess failed: " << ::GetLastError();
    const DWORD waited = ::WaitForSingleObject(process, INFINITE);
    ::CloseHandle(process);
    ASSERT_EQ(waited, WAIT_OBJECT_0);
}

KernelView kernelView(std::int64_t pid)
{
    const HANDLE process = ::OpenProcess(SYNCHRONIZE, FALSE, static_cast<DWORD>(pid));
    if (!process)
        return KernelView::Reaped;
    const bool exited = ::WaitForSingleObject(process, 0) == WAIT_OBJECT_0;
    ::CloseHandle(process);
    return exited ? KernelView::Zombie : KernelView::Running;
}

void killBehindTheLibrarysBack(std::int64_t pid)
{
    const HANDLE process = ::OpenProcess(PROCESS_TERMINATE, FALSE, static_cast<DWORD>(pid));
    ASSERT_NE(process, nullptr) << "OpenProcess failed: " << ::GetLastError();
    const BOOL terminated = ::TerminateProcess(process, 9);
    ::CloseHandle(process);
    ASSERT_TRUE(terminated);
}

bool isForeignKill(const SharedChild::ExitStatus &status)
{
    return status.exitedNormally() && status.exitCode() == 9;
}

// Both the C runtime's copy (getenv()) and the process's own block (what a
// child inherits) change.
void setEnvironmentVariable(const std::string &name, const std::string &value)
{
    ASSERT_EQ(::_putenv_s(name.c_str(), value.c_str()), 0);
    ASSERT_TRUE(::SetEnvironmentVariableA(name.c_str(), value.c_str()));
}

void unsetEnvironmentVariable(const std::string &name)
{
    ::_putenv_s(name.c_str(), "");
    ::SetEnvironmentVariableA(name.c_str(), nullptr);
}

std::string readAll(const SharedChild::FileDescriptor &fd)
{
    std::string result;
    char buffer[65536];
    DWORD got = 0;
    while (::ReadFile(fd.get(), buffer, sizeof buffer, &got, nullptr) && got > 0)
        result.append(buffer, got);
    return result; // ERROR_BROKEN_PIPE: the writer closed its end
}

bool writeAll(const SharedChild::FileDescriptor &fd, const std::string &data)
{
    std::size_t done = 0;
    while (done < data.size()) {
        DWORD put = 0;
        if (!::WriteFile(fd.get(), data.data() + done, static_cast<DWORD>(data.size() - done), &put,
                         nullptr)
            || put == 0)
            return false;
        done += put;
    }
    return true;
}

bool isCloseOnExec(const SharedChild::FileDescriptor &fd)
{
    DWORD flags = 0;
    return ::GetHandleInformation(fd.get(), &flags) && !(flags & HANDLE_FLAG_INHERIT);
}

TempDir::TempDir()
{
    std::random_device random;
    const std::filesystem::path base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::filesystem::path candidate = base / ("sctest-" + std::to_string(random()));
        if (std::filesystem::create_directory(candidate)) {
            m_path = candidate.string();
            return;
        }
    }
    throw std::runtime_error("cannot create a directory in " + base.string());
}

std::string TempDir::placeHelper(const std::string &name) const
{
    const std::string path = file(name + ".exe");
    std::filesystem::copy_file(SCTEST_HELPER, path);
    return path;
}

std::shared_ptr<SharedChild::Child>
spawnRetryingWineInternalError(const SharedChild::Command &command)
{
    for (int attempt = 1;; ++attempt) {
        try {
            return SharedChild::Child::spawn(command);
        } catch (const std::system_error &error) {
            const bool wineInternalError = runsUnderWine()
                    && error.code()
                            == std::error_code(ERROR_INTERNAL_ERROR, std::system_category());
            if (!wineInternalError || attempt == 5)
                throw;
            std::cerr << "spawn failed with Wine's ERROR_INTERNAL_ERROR, trying again\n";
        }
    }
}

bool usageOfExitedChildIsReported()
{
    return !runsUnderWine();
}

std::string systemProgram()
{
    return "cmd";
}

// The helper, not "cmd /c exit 0": Wine's cmd.exe loads user32 and, under
// load, now and then fails to start (ERROR_INTERNAL_ERROR), which a test that
// starts a thousand children hits.
SharedChild::Command trueCommand()
{
    return helper({"exit", "0"});
}

std::vector<std::string> currentEnvironment()
{
    std::vector<std::string> environment;
    wchar_t *block = ::GetEnvironmentStringsW();
    for (const wchar_t *entry = block; entry && *entry; entry += std::wcslen(entry) + 1)
        environment.push_back(toUtf8(entry, std::wcslen(entry)));
    ::FreeEnvironmentStringsW(block);
    return environment;
}

std::string currentExecutable()
{
    wchar_t path[MAX_PATH * 4];
    const DWORD length = ::GetModuleFileNameW(nullptr, path, sizeof path / sizeof *path);
    return toUtf8(path, length);
}

} // namespace SharedChildTest
