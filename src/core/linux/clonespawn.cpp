// SPDX-License-Identifier: MIT
#include "clonespawn.h"

#include <cerrno>
#include <csignal>
#include <functional>
#include <new>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

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
    // spawnDetached(): where the grandchild's stack ends, and its PID, which
    // the intermediate child writes before it exits.
    void *grandchildStackTop = nullptr;
    pid_t grandchildPid = -1;
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

// The Command's childSetup(), if any. An exception must not unwind into
// clone()'s frame: it ends the child the way a failed exec does.
SHAREDCHILD_NOT_INSTRUMENTED void runChildSetup(const Command &command)
{
    const std::function<void()> &setup = command.childSetup();
    if (!setup)
        return;
    try {
        setup();
    } catch (...) {
        ::_exit(127);
    }
}

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
        // Last, as QProcess runs its child process modifier: what the hook
        // changes (the signal mask too) is what the program starts with.
        runChildSetup(*plan.command);
        ::execve(plan.executable.c_str(), plan.argv.data(), plan.envp.data());
        context->failedStage = SpawnStage::Exec;
    }
    context->error = errno;
    ::_exit(127);
}

// The intermediate child of cloneDetachedAndExec(), sharing the parent's
// memory like childMain(): it starts the real child in a session of its own
// (as QProcess::startDetached() does, so that no terminal's signals reach it)
// and exits at once, so the real child is reparented to init, or to the
// nearest subreaper, and is never ours to reap.
SHAREDCHILD_NOT_INSTRUMENTED int intermediateMain(void *argument)
{
    auto *context = static_cast<ChildContext *>(argument);
    if (::setsid() < 0) {
        context->error = errno;
        context->failedStage = SpawnStage::NewSession;
        ::_exit(127);
    }
    // CLONE_VFORK: we go on once the grandchild has exec'd or failed.
    const pid_t pid = ::clone(childMain, context->grandchildStackTop,
                              cloneSharesMemory | CLONE_VFORK | SIGCHLD, context);
    if (pid < 0) {
        context->error = errno;
        context->failedStage = SpawnStage::Fork;
        ::_exit(127);
    }
    if (context->error != 0) {
        // It failed to start: reaped here, so no zombie passes to init.
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) { }
        ::_exit(127);
    }
    context->grandchildPid = pid;
    ::_exit(0);
}

// A stack for a cloned child, with a guard page below it so that an overflow
// faults instead of writing over whatever is mapped there.
class ChildStack
{
public:
    // Ours: childMain() and the intermediate child of spawnDetached() need
    // little. With a childSetup() hook: room for code we do not know (the
    // pages cost nothing until touched, MAP_NORESERVE).
    static constexpr std::size_t ownSize = std::size_t{64} * 1024;
    static constexpr std::size_t hookSize = std::size_t{1024} * 1024;

    explicit ChildStack(std::size_t size)
        : m_mappedSize(size + guardSize()),
          m_base(::mmap(nullptr, m_mappedSize, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0))
    {
        if (m_base == MAP_FAILED)
            throw std::system_error(errno, std::generic_category(), "mmap (child stack)");
        if (::mprotect(m_base, guardSize(), PROT_NONE) != 0) {
            const int error = errno;
            ::munmap(m_base, m_mappedSize);
            throw std::system_error(error, std::generic_category(), "mprotect (child stack)");
        }
    }
    ~ChildStack()
    {
#if defined(__SANITIZE_ADDRESS__)
        // Instrumented code in the child (a childSetup() hook) poisons stack
        // redzones that no return ever clears, since the child execs or exits.
        __asan_unpoison_memory_region(m_base, m_mappedSize);
#endif
        ::munmap(m_base, m_mappedSize);
    }
    ChildStack(const ChildStack &) = delete;
    ChildStack &operator=(const ChildStack &) = delete;

    void *top() const
    {
        return static_cast<char *>(m_base) + m_mappedSize;
    } // stacks grow down on Linux's targets

private:
    static std::size_t guardSize()
    {
        return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    }

    std::size_t m_mappedSize;
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

// The ChildContext of one spawn of `plan`, filled in with what both kinds of
// spawn need. It lives in the parent's memory, which the child shares
// (CLONE_VM); under ThreadSanitizer, which cannot follow a child that shares
// memory, in a page that stays shared with a child cloned without CLONE_VM.
class SpawnContext
{
public:
    explicit SpawnContext(const SpawnPlan &plan)
    {
#if defined(__SANITIZE_THREAD__)
        m_page = ::mmap(nullptr, sizeof(ChildContext), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (m_page == MAP_FAILED)
            throw std::system_error(errno, std::generic_category(), "mmap (child context)");
        m_context = new (m_page) ChildContext;
#endif
        m_context->plan = &plan;
        m_context->newProcessGroup = plan.command->newProcessGroup();
        m_context->killOnParentDeath = plan.command->killOnParentDeath();
        m_context->parentPid = ::getpid();
    }
#if defined(__SANITIZE_THREAD__)
    ~SpawnContext()
    {
        ::munmap(m_page, sizeof(ChildContext));
    }
#else
    ~SpawnContext() = default;
#endif
    SpawnContext(const SpawnContext &) = delete;
    SpawnContext &operator=(const SpawnContext &) = delete;

    ChildContext &get() const
    {
        return *m_context;
    }

private:
#if defined(__SANITIZE_THREAD__)
    void *m_page = nullptr;
    ChildContext *m_context = nullptr;
#else
    mutable ChildContext m_own;
    ChildContext *m_context = &m_own;
#endif
};

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
    const SpawnContext spawnContext(plan);
    ChildContext &context = spawnContext.get();

    const ChildStack stack(plan.command->childSetup() ? ChildStack::hookSize : ChildStack::ownSize);
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

pid_t cloneDetachedAndExec(const SpawnPlan &plan)
{
    // spawnDetached() refuses killOnParentDeath before it gets here.
    const SpawnContext spawnContext(plan);
    ChildContext &context = spawnContext.get();

    const ChildStack intermediateStack(ChildStack::ownSize);
    const ChildStack grandchildStack(plan.command->childSetup() ? ChildStack::hookSize
                                                                : ChildStack::ownSize);
    context.grandchildStackTop = grandchildStack.top();
    pid_t intermediate = -1;
    int cloneError = 0;
    {
        const AllSignalsBlocked blocked;
        // Exit signal 0: its end raises no SIGCHLD in this process, and only
        // a wait with __WALL sees it, so an application's waitpid(-1) or
        // SIGCHLD handler cannot take it from us.
        intermediate = ::clone(intermediateMain, intermediateStack.top(),
                               cloneSharesMemory | CLONE_VFORK, &context);
        cloneError = errno;
    }
    if (intermediate < 0)
        throw std::system_error(cloneError, std::generic_category(), plan.command->program());
    // It has exited by now (CLONE_VFORK): this only collects it.
    while (::waitpid(intermediate, nullptr, __WALL) < 0 && errno == EINTR) { }
    if (context.error != 0)
        throwSpawnError(plan, context.error, context.failedStage);
    // Killed (SIGKILL; it blocks every other signal) before it could say
    // what became of the program.
    if (context.grandchildPid < 0) {
        throw std::system_error(ECANCELED, std::generic_category(),
                                plan.command->program()
                                        + ": the intermediate process of a detached start was "
                                          "killed");
    }
    return context.grandchildPid;
}

} // namespace SharedChild::Detail
