// SPDX-License-Identifier: MIT
#include "win32processhandle.h"

#include "win32error.h"

#include <windows.h>

#include <psapi.h> // after windows.h, which it needs

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace SharedChild::Detail {

namespace {

// Conventional POSIX numbers of the two signals that map to TerminateProcess().
constexpr int sigkill = 9;
constexpr int sigterm = 15;

std::chrono::microseconds fromFileTime(const FILETIME &time)
{
    const ULONGLONG ticks = (ULONGLONG(time.dwHighDateTime) << 32) | time.dwLowDateTime;
    return std::chrono::microseconds(ticks / 10); // FILETIME counts 100 ns
}

// The milliseconds WaitForSingleObject() should wait to reach `deadline`,
// rounded up so that a wait never ends before it.
DWORD millisecondsUntil(std::chrono::steady_clock::time_point deadline)
{
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero())
        return 0;
    const auto milliseconds = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<DWORD>(std::min<long long>(milliseconds, INFINITE - 1));
}

class Win32ProcessHandle final : public ProcessHandle
{
public:
    Win32ProcessHandle(HANDLE process, DWORD pid) : m_process(process), m_pid(pid) { }
    ~Win32ProcessHandle() override { closeHandle(); }
    Win32ProcessHandle(const Win32ProcessHandle &) = delete;
    Win32ProcessHandle &operator=(const Win32ProcessHandle &) = delete;

    std::int64_t pid() const override { return m_pid; }

    FileDescriptor openExitNotifier() const override
    {
        HANDLE copy = nullptr;
        if (!m_process) // reaped
            return {};
        if (!::DuplicateHandle(::GetCurrentProcess(), m_process, ::GetCurrentProcess(), &copy,
                               SYNCHRONIZE, FALSE, 0))
            throwLastWin32Error("pid " + std::to_string(m_pid) + ": DuplicateHandle");
        return FileDescriptor(copy);
    }

    bool waitForExitWithoutReaping(Deadline deadline) override
    {
        for (;;) {
            const DWORD timeout = deadline ? millisecondsUntil(*deadline) : INFINITE;
            switch (::WaitForSingleObject(m_process, timeout)) {
            case WAIT_OBJECT_0:
                return true;
            case WAIT_TIMEOUT:
                // The timer may fire a little early; the deadline decides.
                if (std::chrono::steady_clock::now() >= *deadline)
                    return false;
                break;
            default:
                throwLastWin32Error("WaitForSingleObject");
            }
        }
    }

    std::optional<ExitStatus> peekExitStatus() override
    {
        if (!hasExited())
            return std::nullopt;
        return exitStatus();
    }

    ExitStatus reap() override
    {
        const ExitStatus status = exitStatus();
        closeHandle(); // releases the process ID
        return status;
    }

    std::optional<int> peekStopSignal() override { return std::nullopt; }

    void signal(int signal) override
    {
        // validateSignal() let through only 0 (a check that does nothing
        // here) and the two signals that TerminateProcess() stands for.
        if (signal == sigkill || signal == sigterm)
            terminateWith(signal);
    }

    void signalGroup(int) override
    {
        throwErrno(ENOTSUP,
                   "pid " + std::to_string(m_pid)
                           + ": process groups cannot be signalled on Windows");
    }

    void kill() override { terminateWith(sigkill); }
    void terminate() override { terminateWith(sigterm); }

    // No zombies on Windows: letting go of the handle is all there is to do.
    void reapInBackground() override { closeHandle(); }

private:
    bool hasExited() const
    {
        switch (::WaitForSingleObject(m_process, 0)) {
        case WAIT_OBJECT_0:
            return true;
        case WAIT_TIMEOUT:
            return false;
        default:
            throwLastWin32Error("WaitForSingleObject");
        }
    }

    void terminateWith(int signal)
    {
        if (::TerminateProcess(m_process, terminatedExitCode)) {
            // Only the first request counts: the process ends with it.
            if (!m_terminatedBy)
                m_terminatedBy = signal;
            return;
        }
        const DWORD error = ::GetLastError();
        // A process that has exited (or is exiting) refuses with access denied.
        if (!hasExited())
            throwWin32Error(error, "pid " + std::to_string(m_pid) + ": TerminateProcess");
    }

    ExitStatus exitStatus() const
    {
        DWORD code = 0;
        if (!::GetExitCodeProcess(m_process, &code))
            throwLastWin32Error("GetExitCodeProcess");
        const ResourceUsage usage = resourceUsage();
        if (m_terminatedBy && code == terminatedExitCode)
            return ExitStatus::signaled(*m_terminatedBy, false, usage);
        // NTSTATUS warnings and errors (0x80000003 a breakpoint, 0xC0000005
        // an access violation) end a process that does not handle them;
        // from 0xD0000000 on the codes are no longer the system's. QProcess
        // draws the same line for CrashExit.
        if (code >= 0x80000000 && code < 0xD0000000)
            return ExitStatus::unhandledException(static_cast<int>(code), usage);
        return ExitStatus::exited(static_cast<int>(code), usage);
    }

    ResourceUsage resourceUsage() const
    {
        FILETIME creation{}, exit{}, kernel{}, user{};
        if (!::GetProcessTimes(m_process, &creation, &exit, &kernel, &user))
            return {};
        std::int64_t peakRssBytes = 0;
        PROCESS_MEMORY_COUNTERS memory{};
        if (::GetProcessMemoryInfo(m_process, &memory, sizeof memory))
            peakRssBytes = static_cast<std::int64_t>(memory.PeakWorkingSetSize);
        return {fromFileTime(user), fromFileTime(kernel), peakRssBytes};
    }

    void closeHandle()
    {
        if (m_process) {
            ::CloseHandle(m_process);
            m_process = nullptr;
        }
    }

    HANDLE m_process;
    DWORD m_pid;
    // Which of kill() (9) and terminate() (15) ended the child. Written by
    // signal calls and read by peeks and reaps, all under the state machine's lock.
    std::optional<int> m_terminatedBy;
};

} // namespace

std::unique_ptr<ProcessHandle> makeWin32ProcessHandle(void *process, unsigned long pid)
{
    return std::make_unique<Win32ProcessHandle>(static_cast<HANDLE>(process), pid);
}

} // namespace SharedChild::Detail
