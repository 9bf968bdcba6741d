// SPDX-License-Identifier: MIT
#include "clonespawn.h"

#include <cerrno>
#include <csignal>
#include <new>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

namespace SharedChild::Detail {

namespace {

// Shared with the child through CLONE_VM; the parent reads it once the child
// has exec'd or exited (CLONE_VFORK suspends the parent until then).
struct ChildContext
{
    const SpawnPlan *plan = nullptr;
    bool newProcessGroup = false;
    bool killOnParentDeath = false;
    pid_t parentPid = 0;
    int error = 0;
    SpawnStage failedStage = SpawnStage::Exec;
};

// Sanitizers must not instrument childMain(): it runs on a stack they do not
// know, in the suspended parent's memory, and never returns (it execs or
// exits). ASan would leave stale poison on the reused child stack, TSan an
// unbalanced function entry on the parent thread's shadow stack.
#define SHAREDCHILD_NOT_INSTRUMENTED __attribute__((no_sanitize("address", "thread", "undefined")))

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer intercepts clone() and runs its fork-child bookkeeping in the
// child, which under CLONE_VM would rewrite the parent's own TSan state. Under
// TSan the child gets a copy of our memory instead (as TSan turns vfork() into
// fork()) and reports its error through a page it shares with us.
constexpr int cloneSharesMemory = 0;
#else
constexpr int cloneSharesMemory = CLONE_VM;
#endif

// Runs in the child on its own stack, sharing the parent's memory: only
// async-signal-safe system calls, no allocation, no locks.
SHAREDCHILD_NOT_INSTRUMENTED int childMain(void *argument)
{
    auto *context = static_cast<ChildContext *>(argument);
    const SpawnPlan &plan = *context->plan;

    // Every signal is blocked (see cloneAndExec), so no parent handler can run
    // here before the dispositions are back to their defaults.
    struct sigaction defaultAction
    { };
    defaultAction.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal)
        ::sigaction(signal, &defaultAction, nullptr);

    bool streamsReady = true;
    for (int stream = 0; stream < 3 && streamsReady; ++stream) {
        const int source = plan.childEnds[static_cast<std::size_t>(stream)].get();
        streamsReady = source < 0 || ::dup2(source, stream) == stream;
    }
    if (streamsReady && plan.mergeStderrIntoStdout)
        streamsReady = ::dup2(1, 2) == 2;

    if (context->killOnParentDeath) {
        // The parent may have died before the request took effect: then no
        // SIGKILL is coming, and we must not outlive it (prctl(2) advises this).
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
            streamsReady = false;
        else if (::getppid() != context->parentPid)
            ::kill(::getpid(), SIGKILL);
    }

    if (!streamsReady) {
        context->failedStage = SpawnStage::Stdio;
    } else if (context->newProcessGroup && ::setpgid(0, 0) != 0) {
        context->failedStage = SpawnStage::ProcessGroup;
    } else if (plan.workingDirectory && ::chdir(plan.workingDirectory) != 0) {
        context->failedStage = SpawnStage::WorkingDirectory;
    } else {
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(plan.executable.c_str(), plan.argv.data(), plan.envp.data());
        context->failedStage = SpawnStage::Exec;
    }
    context->error = errno;
    ::_exit(127);
}

class ChildStack
{
public:
    static constexpr std::size_t size = std::size_t{64} * 1024;

    ChildStack()
        : m_base(::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0))
    {
        if (m_base == MAP_FAILED)
            throw std::system_error(errno, std::generic_category(), "mmap (child stack)");
    }
    ~ChildStack() { ::munmap(m_base, size); }
    ChildStack(const ChildStack &) = delete;
    ChildStack &operator=(const ChildStack &) = delete;

    void *top() const
    {
        return static_cast<char *>(m_base) + size;
    } // stacks grow down on Linux's targets

private:
    void *m_base;
};

class AllSignalsBlocked
{
public:
    AllSignalsBlocked()
    {
        sigset_t all;
        sigfillset(&all);
        ::pthread_sigmask(SIG_SETMASK, &all, &m_saved);
    }
    ~AllSignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &m_saved, nullptr); }
    AllSignalsBlocked(const AllSignalsBlocked &) = delete;
    AllSignalsBlocked &operator=(const AllSignalsBlocked &) = delete;

private:
    sigset_t m_saved{};
};

#if defined(__SANITIZE_THREAD__)
// The ChildContext in a page that stays shared with a child cloned without CLONE_VM.
class SharedChildContext
{
public:
    SharedChildContext()
        : m_page(::mmap(nullptr, sizeof(ChildContext), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0))
    {
        if (m_page == MAP_FAILED)
            throw std::system_error(errno, std::generic_category(), "mmap (child context)");
        m_context = new (m_page) ChildContext;
    }
    ~SharedChildContext() { ::munmap(m_page, sizeof(ChildContext)); }
    SharedChildContext(const SharedChildContext &) = delete;
    SharedChildContext &operator=(const SharedChildContext &) = delete;

    ChildContext &get() const { return *m_context; }

private:
    void *m_page;
    ChildContext *m_context = nullptr;
};
#endif

void reapFailedChild(const SpawnedChild &child)
{
    siginfo_t info{};
    while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(child.pidfd), &info, WEXITED)
                   != 0
           && errno == EINTR) { }
    ::close(child.pidfd);
}

} // namespace

SpawnedChild cloneAndExec(const SpawnPlan &plan)
{
#if defined(__SANITIZE_THREAD__)
    const SharedChildContext sharedContext;
    ChildContext &context = sharedContext.get();
#else
    ChildContext context;
#endif
    context.plan = &plan;
    context.newProcessGroup = plan.command->newProcessGroup();
    context.killOnParentDeath = plan.command->killOnParentDeath();
    context.parentPid = ::getpid();

    const ChildStack stack;
    SpawnedChild child;
    int cloneError = 0;
    {
        const AllSignalsBlocked blocked;
        child.pid = ::clone(childMain, stack.top(),
                            cloneSharesMemory | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &context,
                            &child.pidfd);
        cloneError = errno;
    }
    if (child.pid < 0)
        throw std::system_error(cloneError, std::generic_category(), plan.command->program());
    if (context.error != 0) {
        reapFailedChild(child);
        throwSpawnError(plan, context.error, context.failedStage);
    }
    return child;
}

} // namespace SharedChild::Detail
