// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::Command, what to run.
#pragma once

#include <sharedchild/sharedchild_core_export.h>
#include <sharedchild/stdio.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace SharedChild {

/// What to run: a program, its arguments and the context it starts in. A plain
/// value type; spawning does not change it, so one Command can start many children.
///
/// No shell is involved. A program without a '/' is looked up in PATH: the
/// child's own PATH when an environment was set, else the parent's.
/// Windows: without '/', '\' or a drive; PATHEXT (from the same environment)
/// completes a name that has no extension; batch files are refused (ENOEXEC),
/// since CreateProcessW() would run them through cmd.exe, whose quoting rules
/// differ, however they are spelled ("x.bat.", "x.bat ", a PATHEXT entry
/// ".BAT.": Windows drops trailing dots and spaces, so the path is checked
/// as Windows normalises it). Strings are UTF-8 (EILSEQ otherwise).
///
/// Each setter returns the Command, so calls chain. Its const members may also
/// be called on one object from several threads at once (spawn() only reads
/// it), while no thread changes it.
///
/// \reentrant
class SHAREDCHILD_CORE_EXPORT Command
{
public:
    /// Runs `program` with `arguments` (not counting the program itself).
    explicit Command(std::string program, std::vector<std::string> arguments = {});
    /// A deep copy: the two objects change independently.
    Command(const Command &other);
    /// Leaves `other` with no program, no arguments and every setting at its default.
    Command(Command &&other) noexcept;
    /// A deep copy: the two objects change independently.
    Command &operator=(const Command &other);
    /// Leaves `other` with no program, no arguments and every setting at its default.
    Command &operator=(Command &&other) noexcept;
    /// Frees this object's settings.
    ~Command();

    /// The program: a path, or a name looked up in PATH.
    const std::string &program() const noexcept;
    /// The arguments, not counting the program itself.
    const std::vector<std::string> &arguments() const noexcept;
    /// Replaces the arguments.
    Command &setArguments(std::vector<std::string> arguments);
    /// Appends one argument.
    Command &addArgument(std::string argument);

    /// Where the child starts; unset means the parent's current directory.
    const std::optional<std::string> &workingDirectory() const noexcept;
    /// Sets workingDirectory().
    Command &setWorkingDirectory(std::string directory);

    /// The child's whole environment as KEY=VALUE entries, used exactly as
    /// given (even when empty). Unset means the child inherits the parent's.
    /// Every entry needs a name and a '=' after it: spawn() refuses an empty
    /// entry, one without '=' and one that starts with its '=' ("=x") with
    /// EINVAL on every OS, since in a Windows environment block an empty
    /// entry ends the block. A name may start with '=' as Windows' own
    /// per-drive entries do ("=C:=C:\work"): the name ends at the first '='
    /// after its first character, as Windows and QProcess read it.
    const std::optional<std::vector<std::string>> &environment() const noexcept;
    /// Sets environment(): the child's whole environment.
    Command &setEnvironment(std::vector<std::string> environment);
    /// Unsets environment(): the child inherits the parent's.
    Command &inheritEnvironment();

    /// Where the child's standard streams go; each defaults to Stdio::inherit().
    /// Stdio::mergeWithStdout() is for stderr only. Pipes are taken from the
    /// Child with takeStdin(), takeStdout() and takeStderr().
    /// This one: where stdin comes from.
    const Stdio &stdinMode() const noexcept;
    /// Where stdout goes; see stdinMode().
    const Stdio &stdoutMode() const noexcept;
    /// Where stderr goes; see stdinMode().
    const Stdio &stderrMode() const noexcept;
    /// Sets stdinMode().
    Command &setStdin(Stdio stdio);
    /// Sets stdoutMode().
    Command &setStdout(Stdio stdio);
    /// Sets stderrMode().
    Command &setStderr(Stdio stdio);

    /// Start the child as the leader of a new process group (POSIX; ignored on Windows).
    bool newProcessGroup() const noexcept;
    /// Sets newProcessGroup() (default: false).
    Command &setNewProcessGroup(bool enabled);

    /// The child is killed when this process dies, however it dies; the
    /// child's own children are not. Linux: SIGKILL (PR_SET_PDEATHSIG); such
    /// children are started from a long-lived thread of the library, since the
    /// kernel ties the signal to the thread that spawned the child. Windows
    /// (10 1607 or later): the child is created in a job object of this
    /// process that ends its processes when the process ends
    /// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE); the first such spawn opens the
    /// job's handle, which stays open for the life of the process. Spawning
    /// throws ENOTSUP where the OS has no such mechanism.
    bool killOnParentDeath() const noexcept;
    /// Sets killOnParentDeath() (default: false).
    Command &setKillOnParentDeath(bool enabled);

    /// A function run in the child between fork and exec (POSIX only), as
    /// QProcess::setChildProcessModifier() does: after the standard streams
    /// are in place, the process group is made (setNewProcessGroup()) and the
    /// working directory is entered, right before the program is executed.
    /// Signals are unblocked and at their defaults by then. What it changes in
    /// the process (umask, nice level, resource limits, descriptors, signal
    /// mask or dispositions, setsid(), credentials, ...) the program inherits.
    /// An empty function (the default) means none.
    ///
    /// Restrictions, since the child is started vfork-style (Linux: clone()
    /// with CLONE_VM | CLONE_VFORK, on both backends and from the spawner
    /// thread used for setKillOnParentDeath()):
    /// - It runs in the parent's memory, on a 1 MiB stack of its own, while
    ///   the spawning thread waits; every other thread of the parent keeps
    ///   running. So: async-signal-safe calls only (see signal-safety(7)): no
    ///   malloc/new, no locks, no stdio, no logging, no exceptions. What it
    ///   writes to memory the parent sees; it must not count on that.
    /// - It runs with the spawning thread's thread-local storage and errno:
    ///   do not touch thread_locals.
    /// - To end the child, call _exit(), never exit(). A child that ends in
    ///   the hook counts as started: its exit status is the hook's _exit()
    ///   code. Failures of the hook are not reported otherwise; an exception
    ///   escaping it ends the child with _exit(127).
    /// - A Command that has one is copied with it: the function is shared by
    ///   every child it starts, from any thread that spawns.
    /// Windows has no such point: spawning a Command that has one throws
    /// std::system_error (ENOTSUP).
    const std::function<void()> &childSetup() const noexcept;
    /// Sets childSetup(); an empty function means none.
    Command &setChildSetup(std::function<void()> setup);

private:
    struct Data;
    const Data &data() const noexcept;
    Data &writable();
    std::unique_ptr<Data> d; // null only when moved from
};

} // namespace SharedChild
