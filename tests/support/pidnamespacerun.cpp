// SPDX-License-Identifier: MIT
// sctest-pidns PROGRAM [ARGUMENT...]: runs PROGRAM as the first process (PID 1)
// of a new PID namespace, with a /proc of that namespace, and exits as it did.
//
// What `unshare --pid --fork --mount-proc` does, except for one step: unshare
// makes the whole mount tree private from "/" first, and in a plain chroot "/"
// is no mount point, so that fails ("cannot change root filesystem
// propagation: Invalid argument"). Only the /proc mount needs to stay out of
// the parent's mount namespace, and /proc is a mount point in any working
// chroot: it alone is made private before the new proc is mounted on it.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "sctest-pidns: %s: %s\n", what, std::strerror(errno));
    ::_exit(126);
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: sctest-pidns PROGRAM [ARGUMENT...]\n");
        return 2;
    }
    if (::unshare(CLONE_NEWPID | CLONE_NEWNS) != 0)
        fail("unshare(CLONE_NEWPID | CLONE_NEWNS)");

    const pid_t child = ::fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        // The namespace (and every process in it) ends with us, also when a
        // test runner kills us on a timeout. (getppid() cannot tell whether we
        // already missed that: the parent is outside our namespace, it is 0.)
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
            fail("prctl(PR_SET_PDEATHSIG)");
        // Private first: a /proc shared with the parent namespace (systemd
        // makes every mount shared) would receive our proc mount too.
        if (::mount(nullptr, "/proc", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            fail("make /proc private");
        if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
            fail("mount proc on /proc");
        ::execvp(argv[1], argv + 1);
        fail(argv[1]);
    }

    int status = 0;
    while (::waitpid(child, &status, 0) < 0) {
        if (errno != EINTR)
            fail("waitpid");
    }
    if (WIFEXITED(status)) {
        // _exit, not return: after unshare(CLONE_NEWPID) every process or
        // thread we create belongs to the namespace, which died with its
        // init; LeakSanitizer's exit-time check starts a thread and fails.
        ::_exit(WEXITSTATUS(status));
    }
    // Ends the same way, so the caller sees the inner run's signal.
    const int signal = WTERMSIG(status);
    std::signal(signal, SIG_DFL);
    ::raise(signal);
    ::_exit(128 + signal);
}
