// SPDX-License-Identifier: MIT
//
// The state machine shared by every backend, after the Rust crate shared_child:
// one mutex and one condition variable guard NotWaiting | Waiting | Exited | Lost.
// Exactly one thread at a time blocks in the OS (the "waiter"), without the
// lock; everyone else sleeps on the condition variable or peeks without
// reaping. Reaping and signalling both happen under the lock, so a signal can
// never race the reap and reach a process that reused the PID.

#include "processhandle.h"

#include <sharedchild/child.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <system_error>

namespace SharedChild {

namespace {
enum class State {
    NotWaiting, // nobody blocks in the OS; the next waiter takes the role
    Waiting, // one thread blocks in the OS without the lock
    Exited, // the status is known (the PID may still await its reap)
    Lost, // something outside the library reaped the child
};
} // namespace

// Hidden although Child is exported: the state machine is no part of the ABI.
struct SHAREDCHILD_CORE_NO_EXPORT Child::Private
{
    std::unique_ptr<Detail::ProcessHandle> handle;
    std::array<FileDescriptor, 3> pipes; // guarded by mutex
    std::string program;
    std::int64_t pid = 0;
    bool processGroupLeader = false;

    std::mutex mutex;
    std::condition_variable stateChanged;
    State state = State::NotWaiting;
    bool reaped = false; // the PID has been released to the OS
    ExitStatus status;
    std::error_code lostError;

    std::optional<ExitStatus> waitUntil(Detail::Deadline deadline);
    std::optional<ExitStatus> pollLocked();
    void reapLocked();
    [[noreturn]] void throwLost() const;
    void markLostLocked(const std::system_error &error);

    template<typename Send>
    void signalIfRunning(Send send)
    {
        std::lock_guard lock(mutex);
        // A child that has exited but whose status nobody read yet is still a
        // zombie holding its PID, so the signal cannot reach anybody else;
        // once its status is known, the PID may already be free.
        if (state != State::Exited && state != State::Lost)
            send();
    }
};

void Child::Private::throwLost() const
{
    throw std::system_error(lostError,
                            program + " (pid " + std::to_string(pid)
                                    + "): the child was reaped outside SharedChild, its exit "
                                      "status is lost");
}

void Child::Private::markLostLocked(const std::system_error &error)
{
    state = State::Lost;
    reaped = true; // someone else released the PID
    lostError = error.code();
    stateChanged.notify_all();
}

// Called with the lock held once the child is known to have exited and no
// other thread blocks in the OS for it.
void Child::Private::reapLocked()
{
    try {
        ExitStatus reapedStatus = handle->reap();
        if (state != State::Exited)
            status = reapedStatus; // a status peeked earlier stays the one everybody saw
        state = State::Exited;
        reaped = true;
        stateChanged.notify_all();
    } catch (const std::system_error &error) {
        if (state == State::Exited) {
            reaped = true; // the status was already read; losing the rusage is harmless
            return;
        }
        markLostLocked(error);
        throwLost();
    }
}

// Non-blocking check, lock held. Reaps only when that cannot disturb a thread
// blocked in the OS: a blocked waitid(P_PID) must not find its PID freed (and
// reused), while a poll() on a pidfd does not care.
std::optional<ExitStatus> Child::Private::pollLocked()
{
    switch (state) {
    case State::Exited:
        return status;
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
        markLostLocked(error);
        throwLost();
    }
    if (!peeked)
        return std::nullopt;
    if (state == State::NotWaiting || handle->reapDoesNotDisturbWaiter()) {
        reapLocked();
        return status;
    }
    // The waiting thread reaps when it wakes; the peeked status has no
    // resource usage, but it is the one everybody gets.
    status = *peeked;
    state = State::Exited;
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

    if (state == State::Exited) {
        // Someone peeked the status while we were blocked; the reap is ours.
        if (!reaped)
            reapLocked();
        return status;
    }
    if (state == State::Lost)
        throwLost();
    if (waitError) {
        markLostLocked(*waitError);
        throwLost();
    }
    if (!exited) {
        // Timed out: hand the waiting role back to anyone sleeping on it.
        state = State::NotWaiting;
        stateChanged.notify_all();
        return std::nullopt;
    }
    state = State::NotWaiting;
    reapLocked();
    return status;
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
    if (d->handle && !d->reaped)
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
    if (d->state == State::Exited || d->state == State::Lost)
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

} // namespace SharedChild
