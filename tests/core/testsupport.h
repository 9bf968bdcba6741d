// SPDX-License-Identifier: MIT
#pragma once

// Helpers shared by the core tests: counting what the process holds, waiting
// for conditions with generous deadlines, running the helper program and
// re-running a test of this binary in a subprocess. Portable: the OS-specific
// parts live in testsupport_posix.cpp and testsupport_windows.cpp.

#include <sharedchild/child.h>

#include "processcensus.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef _WIN32
#include <unistd.h>
#endif

#ifdef _WIN32
// Windows has no SIGKILL; the library speaks of POSIX's fixed number for what
// kill() does there (see Child::sendSignal() in child.h).
#ifndef SIGKILL
#define SIGKILL 9
#endif
#endif

namespace SharedChildTest {

using namespace std::chrono_literals;

/// How long a condition that should hold "soon" may take on a loaded machine.
constexpr std::chrono::milliseconds generousTimeout = 30s;

/// How much of this process's memory a child's reported peak RSS may include:
/// Linux counts the spawning process's peak RSS in a child started with a
/// shared address space (vfork-style, as posix_spawn() and our clone() do)
/// when it execs. Windows counts nothing of the parent: 0.
std::int64_t inheritedPeakRssBytes();

/// Whether `descriptor` is readable (POSIX) or signalled (Windows) within `timeout`.
bool isReadyWithin(const SharedChild::FileDescriptor &descriptor,
                   std::chrono::milliseconds timeout);

/// The file descriptors open in this process (Windows: its handles).
int openFdCount();
/// The threads of this process.
int threadCount();

struct ProcessInfo
{
    pid_t pid = 0;
    char state = 0; // as in /proc/PID/stat: 'R', 'S', 'T', 'Z', ... (Windows: 'R')
};
/// Every child process of this process, zombies included (/proc/*/stat ppid;
/// on Windows, which keeps no zombies, the running ones).
std::vector<ProcessInfo> childProcesses();
bool isChildProcess(pid_t pid);

/// The state letter of a process; 0 when gone.
char processState(pid_t pid);

#ifndef _WIN32
/// The file descriptors open in this process (the one used to list them excluded).
std::set<int> openFds();
/// The state letter of a thread of this process; 0 when gone.
char threadState(pid_t tid);
/// True once the thread sleeps in the kernel ('S'), e.g. blocked in wait().
bool threadIsBlocked(pid_t tid);
#endif

using ThreadId = std::int64_t;
ThreadId currentThreadId();

/// The thread running a BackgroundCall, as its blocking check sees it.
struct CallingThread
{
    std::atomic<ThreadId> id{0}; // set by the thread itself once it runs
    std::atomic<std::chrono::steady_clock::rep> startedAt{0}; // steady_clock ticks
};
/// True once the thread sleeps in the kernel (POSIX: 'S' in /proc), e.g.
/// blocked in wait(). Windows, and Wine, show no such state of a thread:
/// there it is true once the call has run 50 ms without returning, which a
/// call that blocks in the OS has (the tests only use it to let a thread get
/// that far before they go on).
bool isBlockedInCall(const CallingThread &thread);

/// Blocks until the OS reports the process `pid` (a child) as exited, without
/// reaping it (POSIX: waitid(WNOWAIT); Windows: a handle of our own).
void awaitExitWithoutReaping(std::int64_t pid);

/// What the OS says about a child right now, asked behind the library's back.
enum class KernelView {
    Running,
    Zombie, // exited, its PID still reserved (Windows: exited)
    Reaped, // gone for good (never seen on Windows, which keeps no zombies)
};
KernelView kernelView(std::int64_t pid);
/// SIGKILL (Windows: TerminateProcess()) sent without the library.
void killBehindTheLibrarysBack(std::int64_t pid);
/// Whether `status` is what killBehindTheLibrarysBack() leaves: death by SIGKILL
/// (Windows: the exit code that TerminateProcess() was given, 9).
bool isForeignKill(const SharedChild::ExitStatus &status);

/// Sets or removes a variable of this process's environment.
void setEnvironmentVariable(const std::string &name, const std::string &value);
void unsetEnvironmentVariable(const std::string &name);

/// Reads a pipe to its end / writes all of `data` to it.
std::string readAll(const SharedChild::FileDescriptor &fd);
bool writeAll(const SharedChild::FileDescriptor &fd, const std::string &data);
/// Whether `fd` is open and no child inherits it (POSIX: FD_CLOEXEC; Windows:
/// no HANDLE_FLAG_INHERIT).
bool isCloseOnExec(const SharedChild::FileDescriptor &fd);

/// Polls `predicate` every millisecond until it holds or `timeout` passed.
bool pollUntil(const std::function<bool()> &predicate,
               std::chrono::milliseconds timeout = generousTimeout);
bool waitForFile(const std::string &path, std::chrono::milliseconds timeout = generousTimeout);
std::string readFile(const std::string &path);
bool fileExists(const std::string &path);
void writeFile(const std::string &path, const std::string &contents);

/// A fresh directory under /tmp (Windows: the temporary directory), removed
/// with everything in it on destruction.
class TempDir
{
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return m_path; }
    std::string file(const std::string &name) const { return m_path + '/' + name; }
    /// Puts the helper program into this directory as `name` (a symbolic link;
    /// on Windows a copy named `name`.exe) and returns its path.
    std::string placeHelper(const std::string &name) const;

private:
    std::string m_path;
};

/// A Command running the helper program (SCTEST_HELPER) with `arguments`.
SharedChild::Command helper(std::vector<std::string> arguments);

/// What separates the directories of PATH.
#ifdef _WIN32
constexpr char pathListSeparator = ';';
#else
constexpr char pathListSeparator = ':';
#endif

/// Child::spawn(), except that under Wine a spawn that fails with
/// ERROR_INTERNAL_ERROR (Windows error 1359) is tried again, up to five times
/// in all: Wine's CreateProcessW() fails so now and then on a loaded machine
/// when several threads spawn at once, which says nothing about the library.
std::shared_ptr<SharedChild::Child>
spawnRetryingWineInternalError(const SharedChild::Command &command);

/// Whether the OS reports the CPU time and peak memory of a child that has
/// exited: Wine's counters for a process that is gone are zero for memory
/// and a fraction of the CPU time (Windows and POSIX report both).
bool usageOfExitedChildIsReported();

/// A program of the system that PATH finds ("true"; on Windows "cmd").
std::string systemProgram();
/// A Command that exits with 0 at once: systemProgram() ("true"; on Windows
/// the helper program, see testsupport_windows.cpp).
SharedChild::Command trueCommand();

struct HelperRun
{
    SharedChild::ExitStatus status;
    std::string output;
};
/// Runs the helper with `--out FILE arguments...`, waits, returns what it printed.
HelperRun runHelper(std::vector<std::string> arguments,
                    const std::function<void(SharedChild::Command &)> &configure = {});

/// Runs `cleanup` when it goes out of scope: declared after a thread that
/// waits on a child, it kills the child so that the thread can be joined
/// even when an assertion returns early.
class ScopeExit
{
public:
    explicit ScopeExit(std::function<void()> cleanup) : m_cleanup(std::move(cleanup)) { }
    ~ScopeExit() { m_cleanup(); }
    ScopeExit(const ScopeExit &) = delete;
    ScopeExit &operator=(const ScopeExit &) = delete;

private:
    std::function<void()> m_cleanup;
};

/// Runs `function` on a detached thread. Waiting on the future with a
/// deadline turns a hang into a test failure instead of a stuck suite.
///
/// The function, and what it captured, is destroyed before the result is
/// set: a test that has seen the result may end, and the program exit, while
/// the thread still runs; it must not be this thread that then releases the
/// last reference to a child (a packaged_task would do that after setting it).
template<typename Function>
std::future<std::invoke_result_t<Function>> runDetached(Function function)
{
    using Result = std::invoke_result_t<Function>;
    std::promise<Result> promise;
    auto result = promise.get_future();
    std::thread([promise = std::move(promise),
                 owned = std::make_unique<Function>(std::move(function))]() mutable {
        try {
            if constexpr (std::is_void_v<Result>) {
                (*owned)();
                owned.reset();
                promise.set_value();
            } else {
                Result value = (*owned)();
                owned.reset();
                promise.set_value(std::move(value));
            }
        } catch (...) {
            owned.reset();
            promise.set_exception(std::current_exception());
        }
    }).detach();
    return result;
}

/// A call running on a detached thread that records its thread id, so a test
/// can see it block (e.g. inside wait()) and collect its result with a deadline.
template<typename Result>
class BackgroundCall
{
public:
    BackgroundCall(std::shared_ptr<CallingThread> thread, std::future<Result> result)
        : m_thread(std::move(thread)), m_result(std::move(result))
    { }
    /// Sleeping in the kernel: in a blocking system call or on a lock.
    bool isBlocked() const { return isBlockedInCall(*m_thread); }
    bool isDone() const { return m_result.wait_for(0s) == std::future_status::ready; }
    bool finishesWithin(std::chrono::milliseconds timeout = generousTimeout) const
    {
        return m_result.wait_for(timeout) == std::future_status::ready;
    }
    /// The result (or rethrows the exception); call after finishesWithin().
    Result get() { return m_result.get(); }

private:
    std::shared_ptr<CallingThread> m_thread;
    std::future<Result> m_result;
};

template<typename Function>
BackgroundCall<std::invoke_result_t<Function>> startInBackground(Function function)
{
    auto thread = std::make_shared<CallingThread>();
    auto result = runDetached([thread, function = std::move(function)]() mutable {
        thread->startedAt = std::chrono::steady_clock::now().time_since_epoch().count();
        thread->id = currentThreadId();
        return function();
    });
    return {thread, std::move(result)};
}

/// A caught std::system_error, kept as its code and its own copy of the
/// message. libstdc++'s exceptions share their message through a reference
/// count inside libstdc++.so, which ThreadSanitizer cannot see, so a copied
/// std::system_error handed to another thread reads as a race when the last
/// copy is freed there.
class CaughtError
{
public:
    explicit CaughtError(const std::system_error &error)
        : m_code(error.code()), m_what(error.what())
    { }
    std::error_code code() const { return m_code; }
    const char *what() const { return m_what.c_str(); }

private:
    std::error_code m_code;
    std::string m_what;
};

/// The std::system_error that `function` throws, or empty when it throws
/// nothing (any other exception propagates and fails the test).
template<typename Function>
std::optional<CaughtError> systemErrorFrom(Function function)
{
    try {
        function();
    } catch (const std::system_error &error) {
        return CaughtError(error);
    }
    return std::nullopt;
}

/// The error code the library uses for the OS error `error`.
inline std::error_code errnoCode(int error)
{
    return {error, std::generic_category()};
}

/// This process's environment as KEY=VALUE entries, and its executable.
std::vector<std::string> currentEnvironment();
std::string currentExecutable();

/// The current environment with `changes` (KEY=VALUE) replacing or adding entries.
std::vector<std::string> environmentWith(const std::vector<std::string> &changes);

/// Re-running the current test in a subprocess: the inner run sees the
/// environment variable SCTEST_INNER set to the test's full name.
bool isInnerRun();
/// Called by the inner run once all of its checks passed.
void markInnerRunPassed();
struct InnerRun
{
    SharedChild::ExitStatus status;
    bool passed = false; // the inner run reached markInnerRunPassed()
};
/// Runs this binary, filtered to the current test, behind `wrapper` (e.g.
/// {"unshare", "--pid", ...}; may be empty) with `environmentChanges` added.
InnerRun runCurrentTestInSubprocess(const std::vector<std::string> &wrapper,
                                    const std::vector<std::string> &environmentChanges = {});

} // namespace SharedChildTest
