// SPDX-License-Identifier: MIT
//
// The state machine shared by every backend, after the Rust crate shared_child:
// one mutex and one condition variable guard the state (see State below). At
// most one thread at a time blocks in the OS wait (the "waiter"), without the
// lock; everyone else sleeps on the condition variable or peeks without
// reaping. Reaping and signalling both happen under the lock, so a signal can
// never race the reap and reach a process that reused the PID.
//
// Only ECHILD means that the child is lost (reaped outside the library). Any
// other error of the OS (ENOMEM, ...) reaches the caller and leaves the state
// as it was, so that a later call still waits for, signals and reaps the child.
//
// Lock order: see src/LOCKING.md (Child::Private::mutex is a leaf).

#include "processhandle.h"

#include <sharedchild/child.h>
#include <sharedchild/childsignal.h>

#include <cassert>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <system_error>

namespace SharedChild {

namespace {
enum class State {
    // The status is unknown and the PID ours.
    NotWaiting, // nobody blocks in the OS; the next waiter takes the role
    Waiting, // the waiter blocks in the OS without the lock
    // The status is known and final; signalling is a no-op from here on.
    ExitedWhileWaiting, // peeked while the waiter blocks; the waiter reaps when it wakes
    ExitedNotReaped, // the zombie still holds the PID and nobody blocks: the next call reaps
    Reaped, // the PID went back to the OS
    // Something outside the library reaped the child: its status is gone.
    Lost,
};

bool statusKnown(State state)
{
    return state == State::ExitedWhileWaiting || state == State::ExitedNotReaped
            || state == State::Reaped;
}

bool isLost(const std::system_error &error)
{
    return error.code() == std::errc::no_child_process;
}
} // namespace

// Hidden although Child is exported: the state machine is no part of the ABI.
struct SHAREDCHILD_CORE_NO_EXPORT Child::Private
{
    // Set before the Child is shared, constant afterwards: read without the lock.
    std::unique_ptr<Detail::ProcessHandle> handle; // calls into it: see processhandle.h
    std::string program;
    std::int64_t pid = 0;
    bool processGroupLeader = false;

    std::mutex mutex; // lock order: see src/LOCKING.md
    std::condition_variable stateChanged; // notified whenever the state leaves Waiting
    std::array<FileDescriptor, 3> pipes; // guarded by mutex
    State state = State::NotWaiting; // guarded by mutex
    ExitStatus status; // guarded by mutex; valid once statusKnown(state)
    std::error_code lostError; // guarded by mutex; set on entering Lost

    std::optional<ExitStatus> waitUntil(Detail::Deadline deadline);
    std::optional<ExitStatus> finishWaitingLocked(bool exited,
                                                  const std::optional<std::system_error> &error);
    std::optional<ExitStatus> pollLocked();
    ExitStatus reapLocked();
    [[noreturn]] void throwLost() const;
    [[noreturn]] void markLostLocked(const std::system_error &error);

    template<typename Send>
    void signalIfRunning(Send send)
    {
        std::lock_guard lock(mutex);
        // Before the status is known the child holds its PID (running or a
        // zombie), so the signal cannot reach anybody else; once it is known,
        // the PID may already be free.
        if (state == State::NotWaiting || state == State::Waiting)
            send();
    }
};

void Child::Private::throwLost() const
{
    assert(state == State::Lost);
    // The usual culprit, inherited across exec: say so, and what helps.
    const std::string hint = childrenAreReapedAutomatically()
            ? " (SIGCHLD is ignored in this process: see restoreChildSignalDefault())"
            : "";
    throw std::system_error(lostError,
                            program + " (pid " + std::to_string(pid)
                                    + "): the child was reaped outside SharedChild, its exit "
                                      "status is lost"
                                    + hint);
}

// Lock held; `error` (ECHILD) says that somebody else reaped the child before
// its status was known.
void Child::Private::markLostLocked(const std::system_error &error)
{
    assert(isLost(error));
    assert(state == State::NotWaiting || state == State::Waiting);
    state = State::Lost;
    lostError = error.code();
    stateChanged.notify_all();
    throwLost();
}

// Lock held, the child known to have exited. Reaping must not pull the PID
// from under a thread blocked in the OS for it, so the caller is the only one
// there (NotWaiting, ExitedNotReaped) or the backend waits on a descriptor
// that does not care (the pidfd's poll(), Waiting). Throws, leaving the state
// unchanged, on any error but ECHILD.
ExitStatus Child::Private::reapLocked()
{
    assert(state == State::NotWaiting || state == State::ExitedNotReaped
           || (state == State::Waiting && handle->reapDoesNotDisturbWaiter()));
    try {
        ExitStatus reapedStatus = handle->reap();
        if (!statusKnown(state))
            status = reapedStatus; // a status peeked earlier stays the one everybody saw
    } catch (const std::system_error &error) {
        if (!isLost(error))
            throw;
        if (!statusKnown(state))
            markLostLocked(error);
        // The status was already read; losing the resource usage is harmless.
    }
    state = State::Reaped;
    stateChanged.notify_all();
    return status;
}

// Non-blocking check, lock held, any state. Reaps only when that cannot
// disturb a thread blocked in the OS: a blocked waitid(P_PID) must not find
// its PID freed (and reused), while a poll() on a pidfd does not care.
std::optional<ExitStatus> Child::Private::pollLocked()
{
    switch (state) {
    case State::ExitedWhileWaiting: // the waiter reaps
    case State::Reaped:
        return status;
    case State::ExitedNotReaped:
        return reapLocked();
    case State::Lost:
        throwLost();
    case State::NotWaiting:
    case State::Waiting:
        break;
    }
#ifdef SHAREDCHILD_TEST_STALE_TRYWAIT
    // Mutation hook for the test suite only: tests/core builds a separate copy
    // of the core with this macro to prove that the tryWait() staleness test
    // catches a tryWait() that trusts the waiting thread instead of looking.
    // Never defined in a real build.
    if (state == State::Waiting)
        return std::nullopt;
#endif
    std::optional<ExitStatus> peeked;
    try {
        peeked = handle->peekExitStatus();
    } catch (const std::system_error &error) {
        if (isLost(error))
            markLostLocked(error);
        throw;
    }
    if (!peeked)
        return std::nullopt;
    if (state == State::NotWaiting || handle->reapDoesNotDisturbWaiter())
        return reapLocked();
    // The waiter reaps when it wakes; the peeked status has no resource
    // usage, but it is the one everybody gets.
    status = *peeked;
    state = State::ExitedWhileWaiting;
    stateChanged.notify_all();
    return status;
}

std::optional<ExitStatus> Child::Private::waitUntil(Detail::Deadline deadline)
{
    std::unique_lock lock(mutex);
    while (state == State::Waiting) {
        if (!deadline) {
            stateChanged.wait(lock);
        } else if (std::chrono::steady_clock::now() >= *deadline
                   || stateChanged.wait_until(lock, *deadline) == std::cv_status::timeout) {
            if (state == State::Waiting)
                return pollLocked();
        }
    }
    if (state != State::NotWaiting)
        return pollLocked();

    state = State::Waiting;
    lock.unlock();
    bool exited = false;
    std::optional<std::system_error> waitError;
    try {
        exited = handle->waitForExitWithoutReaping(deadline);
    } catch (const std::system_error &error) {
        waitError = error;
    }
    lock.lock();
    return finishWaitingLocked(exited, waitError);
}

// The waiter, back from the OS with the lock held, gives up its role: the
// state leaves Waiting and ExitedWhileWaiting whatever happens here.
std::optional<ExitStatus>
Child::Private::finishWaitingLocked(bool exited, const std::optional<std::system_error> &error)
{
    switch (state) {
    case State::Reaped: // reaped beside us (pidfd)
        return status;
    case State::Lost:
        throwLost();
    case State::ExitedWhileWaiting: // peeked while we blocked; the reap is ours
        state = State::ExitedNotReaped;
        return reapLocked();
    case State::Waiting:
        break;
    case State::NotWaiting:
    case State::ExitedNotReaped:
        assert(false && "only the waiter leaves Waiting and ExitedWhileWaiting");
        break;
    }
    if (error && isLost(*error))
        markLostLocked(*error);
    // Timed out, failed or exited: anyone sleeping on the role may take it now.
    state = State::NotWaiting;
    stateChanged.notify_all();
    if (error)
        throw *error;
    if (!exited)
        return std::nullopt;
    return reapLocked();
}

Child::Backend Child::backend()
{
    static const auto choice = [] {
        const char *requested = std::getenv("SHAREDCHILD_BACKEND");
        const std::string name = requested ? requested : "";
        auto chosen = Detail::chooseBackend(name);
        if (auto *reason = std::get_if<std::string>(&chosen))
            *reason = "SHAREDCHILD_BACKEND=" + name + ": " + *reason;
        return chosen;
    }();
    if (const auto *error = std::get_if<std::string>(&choice))
        throw std::system_error(EINVAL, std::generic_category(), *error);
    return std::get<Backend>(choice);
}

Child::Child(std::unique_ptr<Private> d) : d(std::move(d)) { }

Child::~Child()
{
    // The last owner: no other thread can hold the lock, nor be inside wait().
    assert(d->state != State::Waiting && d->state != State::ExitedWhileWaiting);
    if (d->handle && d->state != State::Reaped && d->state != State::Lost)
        d->handle->reapInBackground();
}

std::shared_ptr<Child> Child::spawn(const Command &command)
{
    auto d = std::make_unique<Private>();
    Detail::SpawnedProcess spawned = Detail::spawnProcess(command);
    d->handle = std::move(spawned.handle);
    d->pipes = std::move(spawned.pipes);
    d->program = command.program();
    d->pid = d->handle->pid();
    d->processGroupLeader = command.newProcessGroup();
    return std::shared_ptr<Child>(new Child(std::move(d)));
}

std::shared_ptr<Child> Child::adopt(FileDescriptor pidfd)
{
    return adoptHandle(Detail::adoptProcess(std::move(pidfd)));
}

std::shared_ptr<Child> Child::adopt(std::int64_t pid)
{
    return adoptHandle(Detail::adoptProcess(pid));
}

std::shared_ptr<Child> Child::adoptHandle(std::unique_ptr<Detail::ProcessHandle> handle)
{
    auto d = std::make_unique<Private>();
    d->pid = handle->pid();
    d->program = "pid " + std::to_string(d->pid);
    d->handle = std::move(handle);
    return std::shared_ptr<Child>(new Child(std::move(d)));
}

std::int64_t Child::id() const
{
    return d->pid;
}

ExitStatus Child::wait()
{
    return *d->waitUntil(std::nullopt);
}

std::optional<ExitStatus> Child::tryWait()
{
    std::lock_guard lock(d->mutex);
    return d->pollLocked();
}

std::optional<ExitStatus> Child::waitFor(std::chrono::milliseconds timeout)
{
    return d->waitUntil(std::chrono::steady_clock::now() + timeout);
}

std::optional<ExitStatus> Child::waitUntil(std::chrono::steady_clock::time_point deadline)
{
    return d->waitUntil(deadline);
}

void Child::kill()
{
    d->signalIfRunning([this] { d->handle->kill(); });
}

void Child::terminate()
{
    d->signalIfRunning([this] { d->handle->terminate(); });
}

void Child::sendSignal(int signal)
{
    Detail::validateSignal(signal);
    d->signalIfRunning([this, signal] { d->handle->signal(signal); });
}

void Child::killProcessGroup(int signal)
{
    Detail::validateSignal(signal);
    if (!d->processGroupLeader) {
        throw std::system_error(EINVAL, std::generic_category(),
                                d->program + ": not started with setNewProcessGroup(true)");
    }
    d->signalIfRunning([this, signal] { d->handle->signalGroup(signal); });
}

bool Child::isProcessGroupLeader() const
{
    return d->processGroupLeader;
}

std::optional<int> Child::stopped()
{
    std::lock_guard lock(d->mutex);
    if (d->state != State::NotWaiting && d->state != State::Waiting)
        return std::nullopt;
    try {
        return d->handle->peekStopSignal();
    } catch (const std::system_error &) {
        return std::nullopt; // lost: the waits report that
    }
}

FileDescriptor Child::takeStdin()
{
    std::lock_guard lock(d->mutex);
    return std::move(d->pipes[0]);
}

FileDescriptor Child::takeStdout()
{
    std::lock_guard lock(d->mutex);
    return std::move(d->pipes[1]);
}

FileDescriptor Child::takeStderr()
{
    std::lock_guard lock(d->mutex);
    return std::move(d->pipes[2]);
}

int Child::pollDescriptor() const
{
    return d->handle->pollDescriptor();
}

// Under the lock: reap() closes the Windows handle that this duplicates.
FileDescriptor Child::openExitNotifier() const
{
    std::lock_guard lock(d->mutex);
    return d->handle->openExitNotifier();
}

} // namespace SharedChild
