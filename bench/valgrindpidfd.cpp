// SPDX-License-Identifier: MIT
// Preloaded into the callgrind runs of instructions.cpp, and nowhere else.
//
// Valgrind 3.19 (Debian 12's) does not know the system calls pidfd_open and
// pidfd_send_signal: it fails them with ENOSYS. SharedChild probes
// pidfd_open to choose its backend, so under plain valgrind it would fall back
// to the waitid backend, which is not the one to measure. This replacement
// for libc's syscall() runs those two calls on the real CPU, outside the
// simulation (VALGRIND_NON_SIMD_CALL), and passes every other call to libc's
// own syscall(), which valgrind handles as usual. Instructions run on the
// real CPU are not counted, but a system call is only a few of them.

#include <valgrind/valgrind.h>

#include <cerrno>
#include <cstdarg>
#include <dlfcn.h>
#include <sys/syscall.h>

namespace {

struct Call
{
    long number;
    long arguments[4];
};

// Runs on the real CPU (valgrind passes its thread id first): no libc, no
// errno, just the system call.
long nativeSyscall(long /*threadId*/, const Call *call)
{
    long result;
    register long fourth asm("r10") = call->arguments[3];
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(call->number), "D"(call->arguments[0]), "S"(call->arguments[1]),
                   "d"(call->arguments[2]), "r"(fourth)
                 : "rcx", "r11", "memory");
    return result;
}

using SyscallFunction = long (*)(long, ...);

} // namespace

extern "C" __attribute__((visibility("default"))) long syscall(long number, ...)
{
    va_list list;
    va_start(list, number);
    long arguments[6];
    for (long &argument : arguments)
        argument = va_arg(list, long);
    va_end(list);

    if (number == SYS_pidfd_open || number == SYS_pidfd_send_signal) {
        const Call call{number, {arguments[0], arguments[1], arguments[2], arguments[3]}};
        const long result = RUNNING_ON_VALGRIND
                ? static_cast<long>(VALGRIND_NON_SIMD_CALL1(nativeSyscall, &call))
                : nativeSyscall(0, &call);
        if (result < 0 && result > -4096) {
            errno = static_cast<int>(-result);
            return -1;
        }
        return result;
    }
    static const auto libcSyscall
            = reinterpret_cast<SyscallFunction>(::dlsym(RTLD_NEXT, "syscall"));
    return libcSyscall(number, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4],
                       arguments[5]);
}
