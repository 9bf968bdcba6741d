// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::Child, the core's child process (no Qt).
#pragma once

#include <sharedchild/command.h>
#include <sharedchild/exitstatus.h>
#include <sharedchild/filedescriptor.h>
#include <sharedchild/sharedchild_core_export.h>
#include <sharedchild/spawnerror.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

/// The Qt-free core: Child, Command, Stdio, ExitStatus and their helpers.
namespace SharedChild {

namespace Detail {
class ProcessHandle;
} // namespace Detail

/// A running (or finished) child process that any number of threads may wait
/// on, poll, signal and kill at the same time. Signals can never reach another
/// process that reused the child's PID: the PID stays reserved until the child
/// is reaped, and reaping and signalling are serialised.
///
/// Errors are std::system_error. If something outside the library reaps the
/// child (SIGCHLD set to SIG_IGN, a foreign waitpid(-1)), the status is lost:
/// wait(), tryWait() and waitFor() then all throw the same ECHILD error.
///
/// When the last shared_ptr to a child that was never reaped goes away, the
/// child keeps running; the library reaps it once it exits, so no zombie is left.
///
/// \threadsafe Every member, static or not, also on one Child from many threads.
class SHAREDCHILD_CORE_EXPORT Child
{
public:
    /// How the library waits for and signals children in this process; see backend().
    enum class Backend {
        Pidfd, ///< Linux: pidfd + poll() + waitid(P_PIDFD) + pidfd_send_signal
        Waitid, ///< POSIX: waitid(P_PID, WEXITED | WNOWAIT) + kill()
        Windows, ///< process handles
    };

    /// Starts the child. Throws std::system_error whose code() is the OS error
    /// and whose what() names the program and the reason (a SpawnError for
    /// the steps it names). The Command is only read: one Command may be
    /// spawned from several threads at once.
    /// \threadsafe
    static std::shared_ptr<Child> spawn(const Command &command);

    /// Starts `command` detached, as QProcess::startDetached() does, and
    /// returns its process ID. Nothing of it stays with this process: no
    /// Child, no descriptor, no thread, and it is never this process's child.
    /// POSIX: an intermediate child starts it in a new session (setsid(), so
    /// no terminal's hangup or job-control signals reach it) and exits at
    /// once; it is reaped before this returns, and the program is reparented
    /// to init or the nearest child subreaper (PR_SET_CHILD_SUBREAPER; if that
    /// is this process, it becomes our child again, and nothing in the library
    /// waits for it). The ID is for information: once the program has exited
    /// it may name another process.
    ///
    /// Honours everything a Command says for spawn(): program lookup,
    /// arguments, working directory, environment, Stdio::inherit(), null(),
    /// file(), appendFile(), descriptor() and mergeWithStdout(),
    /// setNewProcessGroup() (the
    /// program then leads a group of its own inside the new session) and
    /// childSetup() (run in the program's process, with the same
    /// restrictions). Throws std::system_error as spawn() does, naming the
    /// program and the reason (not found, working directory missing, not
    /// executable, ...), with nothing left behind; and EINVAL for a
    /// Stdio::pipe() stream (no Child would hand out its other end) or
    /// setKillOnParentDeath(true) (a detached process is meant to outlive this
    /// one; on POSIX its parent, the intermediate child, exits at once anyway).
    /// Windows: CreateProcessW(), whose two handles are closed at once;
    /// childSetup() throws ENOTSUP there as with spawn().
    /// \threadsafe
    static std::int64_t spawnDetached(const Command &command);

    /// The backend in use: the platform's default, or the one named by the
    /// environment variable SHAREDCHILD_BACKEND ("pidfd", "waitid"; on Windows
    /// only "windows") when the process started. An unknown name makes spawn()
    /// throw EINVAL. The choice is made once and never changes.
    /// \threadsafe
    static Backend backend();

    /// Takes over a child this process started by other means (posix_spawn,
    /// QProcess::startDetached-style code, a third-party library), so that it
    /// gets the same race-free handling. By its pidfd (Linux; ownership passes
    /// to the Child) or by its PID. Throws std::system_error: ECHILD unless it
    /// is an unreaped child of this process; EINVAL for a PID that is not
    /// positive or that does not fit the OS's pid_t. Nothing else may reap it
    /// afterwards.
    /// Windows: adopt() takes a process HANDLE (any process; ownership passes
    /// to the Child); by PID it throws ENOTSUP, since an ID alone could name a
    /// process that reused it.
    /// \threadsafe
    static std::shared_ptr<Child> adopt(FileDescriptor pidfd);
    /// Takes over the unreaped child with process ID `pid`, as adopt(FileDescriptor)
    /// does (the pidfd backend opens a pidfd for it and checks that it names
    /// our own child). Windows: throws ENOTSUP.
    /// \threadsafe
    static std::shared_ptr<Child> adopt(std::int64_t pid);

    /// Neither kills nor waits: an unreaped child keeps running and is reaped
    /// in the background once it exits. Runs in whichever thread lets go of
    /// the last shared_ptr.
    ~Child();
    Child(const Child &) = delete;
    Child &operator=(const Child &) = delete;

    /// The process ID; still readable after the child has exited.
    /// \threadsafe
    std::int64_t id() const;

    /// Blocks until the child exits and returns its status. Any number of
    /// threads may wait at once; all get the same status, and later calls
    /// return it at once. Throws std::system_error (ECHILD) when the status
    /// was lost.
    /// \threadsafe
    ExitStatus wait();

    /// The status if the child has exited, else empty. Never blocks on the
    /// child and is never stale, even while another thread is inside wait().
    /// Throws std::system_error (ECHILD) when the status was lost.
    /// \threadsafe
    std::optional<ExitStatus> tryWait();

    /// Waits at most `timeout` (polling at least once); empty on timeout.
    /// Throws as wait() does.
    /// \threadsafe
    std::optional<ExitStatus> waitFor(std::chrono::milliseconds timeout);
    /// Waits until `deadline` (polling at least once); empty on timeout.
    /// Throws as wait() does.
    /// \threadsafe
    std::optional<ExitStatus> waitUntil(std::chrono::steady_clock::time_point deadline);

    /// SIGKILL (Windows: TerminateProcess). A no-op once the child has exited.
    /// Never blocks behind a waiter.
    /// \threadsafe
    void kill();
    /// SIGTERM (Windows: TerminateProcess). A no-op once the child has exited.
    /// Never blocks behind a waiter.
    /// \threadsafe
    void terminate();
    /// Sends `signal`; never blocks behind a waiter; a no-op once the child has
    /// exited. An invalid signal number throws std::system_error (EINVAL).
    ///
    /// Windows has no signals. There the numbers POSIX fixes are mapped: 9
    /// (SIGKILL) and 15 (SIGTERM) end the child with TerminateProcess(), like
    /// kill() and terminate(); 0 checks nothing and does nothing; 1, 2, 3, 6
    /// and 14 (SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGALRM) throw ENOTSUP; any
    /// other number throws EINVAL. A child that kill(), terminate() or
    /// sendSignal(9 or 15) ended reports ExitStatus::signaled(9 or 15), so
    /// portable code reads "killed by signal 9 (SIGKILL)" everywhere; the
    /// process itself exits with code 0xF291 (62097, the code QProcess::kill()
    /// uses), and a child that exits with that code on its own, or that
    /// someone else's TerminateProcess() ended, reports its exit code.
    /// \threadsafe
    void sendSignal(int signal);

    /// The signal numbers of SIGKILL and SIGTERM, which POSIX fixes at 9 and
    /// 15 and which sendSignal() and killProcessGroup() accept on every OS
    /// (Windows has no SIGKILL constant of its own). Enumerators rather than
    /// static members, so that no program needs a symbol for them: a Windows
    /// DLL would not export one.
    enum : int {
        killSignal = 9, ///< SIGKILL
        terminateSignal = 15 ///< SIGTERM
    };

    /// Sends `signal` to the child's whole process group (the child and its
    /// descendants that stayed in the group). Only for a child started with
    /// Command::setNewProcessGroup(true) (else throws EINVAL), and only while
    /// the child is unreaped, so the group ID cannot have been reused; a no-op
    /// once the child's status is known. POSIX only (ENOTSUP elsewhere).
    /// \threadsafe
    void killProcessGroup(int signal);
    /// True when the child was started with Command::setNewProcessGroup(true).
    /// \threadsafe
    bool isProcessGroupLeader() const;

    /// The signal that stopped the child (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, or
    /// SIGTRAP under ptrace), or empty while it runs or once it has exited.
    /// Peeks: the stop report stays for others (e.g. a shell) to collect.
    /// \threadsafe
    std::optional<int> stopped();

    /// The parent's end of a Stdio::pipe() stream, handed out once: later
    /// calls, and streams that are not pipes, give an invalid FileDescriptor.
    /// The caller owns what it gets. This one is the write end of the child's stdin.
    /// \threadsafe
    FileDescriptor takeStdin();
    /// The read end of the child's stdout, as takeStdin() hands it out.
    /// \threadsafe
    FileDescriptor takeStdout();
    /// The read end of the child's stderr, as takeStdin() hands it out.
    /// \threadsafe
    FileDescriptor takeStderr();

    /// A file descriptor that becomes readable once the child has exited (the
    /// pidfd on Linux), for use with poll(), epoll or QSocketNotifier; then call
    /// tryWait(). -1 when the backend has none (waitid, Windows). Owned by the
    /// Child: do not close.
    /// \threadsafe
    int pollDescriptor() const;

    /// A new descriptor of the caller's own that becomes ready once the
    /// child has exited, for an event loop that outlives the Child's reap or
    /// must own what it waits on: a duplicate of the pidfd (readable; Linux)
    /// or of the process handle (signalled, SYNCHRONIZE access; Windows).
    /// Invalid when the backend has none (waitid) and, on Windows, once the
    /// child has been reaped (it has exited then). Throws std::system_error
    /// when the OS refuses a new descriptor (EMFILE).
    /// \threadsafe
    FileDescriptor openExitNotifier() const;

private:
    struct Private;
    explicit Child(std::unique_ptr<Private> d);
    static std::shared_ptr<Child> adoptHandle(std::unique_ptr<Detail::ProcessHandle> handle);
    std::unique_ptr<Private> d;
};

} // namespace SharedChild
