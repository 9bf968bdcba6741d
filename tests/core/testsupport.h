// SPDX-License-Identifier: MIT
#pragma once

// Helpers shared by the core tests: counting what the process holds, waiting
// for conditions with generous deadlines, running the helper program and
// re-running a test of this binary in a subprocess.

#include <sharedchild/child.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace SharedChildTest {

using namespace std::chrono_literals;

/// How long a condition that should hold "soon" may take on a loaded machine.
constexpr std::chrono::milliseconds generousTimeout = 30s;

/// The file descriptors open in this process (the one used to list them excluded).
std::set<int> openFds();
int openFdCount();
/// The threads of this process.
int threadCount();

struct ProcessInfo
{
    pid_t pid = 0;
    char state = 0; // as in /proc/PID/stat: 'R', 'S', 'T', 'Z', ...
};
/// Every child process of this process, zombies included (/proc/*/stat ppid).
std::vector<ProcessInfo> childProcesses();
bool isChildProcess(pid_t pid);

/// The state letter of a process or of a thread of this process; 0 when gone.
char processState(pid_t pid);
char threadState(pid_t tid);
/// True once the thread sleeps in the kernel ('S'), e.g. blocked in wait().
bool threadIsBlocked(pid_t tid);

/// Polls `predicate` every millisecond until it holds or `timeout` passed.
bool pollUntil(const std::function<bool()> &predicate,
               std::chrono::milliseconds timeout = generousTimeout);
bool waitForFile(const std::string &path, std::chrono::milliseconds timeout = generousTimeout);
std::string readFile(const std::string &path);
bool fileExists(const std::string &path);
void writeFile(const std::string &path, const std::string &contents);

/// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir
{
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return m_path; }
    std::string file(const std::string &name) const { return m_path + '/' + name; }

private:
    std::string m_path;
};

/// A Command running the helper program (SCTEST_HELPER) with `arguments`.
SharedChild::Command helper(std::vector<std::string> arguments);

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
template<typename Function>
std::future<std::invoke_result_t<Function>> runDetached(Function function)
{
    std::packaged_task<std::invoke_result_t<Function>()> task(std::move(function));
    auto result = task.get_future();
    std::thread(std::move(task)).detach();
    return result;
}

/// A call running on a detached thread that records its thread id, so a test
/// can see it block (e.g. inside wait()) and collect its result with a deadline.
template<typename Result>
class BackgroundCall
{
public:
    BackgroundCall(std::shared_ptr<std::atomic<pid_t>> tid, std::future<Result> result)
        : m_tid(std::move(tid)), m_result(std::move(result))
    { }
    /// Sleeping in the kernel: in a blocking system call or on a lock.
    bool isBlocked() const
    {
        const pid_t tid = *m_tid;
        return tid != 0 && threadIsBlocked(tid);
    }
    bool isDone() const { return m_result.wait_for(0s) == std::future_status::ready; }
    bool finishesWithin(std::chrono::milliseconds timeout = generousTimeout) const
    {
        return m_result.wait_for(timeout) == std::future_status::ready;
    }
    /// The result (or rethrows the exception); call after finishesWithin().
    Result get() { return m_result.get(); }

private:
    std::shared_ptr<std::atomic<pid_t>> m_tid;
    std::future<Result> m_result;
};

template<typename Function>
BackgroundCall<std::invoke_result_t<Function>> startInBackground(Function function)
{
    auto tid = std::make_shared<std::atomic<pid_t>>(0);
    auto result = runDetached([tid, function = std::move(function)]() mutable {
        *tid = ::gettid();
        return function();
    });
    return {tid, std::move(result)};
}

/// The std::system_error that `function` throws, or empty when it throws
/// nothing (any other exception propagates and fails the test).
template<typename Function>
std::optional<std::system_error> systemErrorFrom(Function function)
{
    try {
        function();
    } catch (const std::system_error &error) {
        return error;
    }
    return std::nullopt;
}

/// The error code the library uses for the OS error `error`.
inline std::error_code errnoCode(int error) { return {error, std::generic_category()}; }

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
