// SPDX-License-Identifier: MIT
// sharedchild-bench-child: the children the benchmarks start.
//
//   stamp FILE DELAY_MS  sleeps DELAY_MS (the parent's event loop is idle by
//                        then), writes the time (CLOCK_MONOTONIC, nanoseconds,
//                        a native int64) to the start of FILE and exits 0 at once.
//   hold FIFO            reads FIFO until every writer has closed it, then exits
//                        0. The open never blocks: a child that opens the FIFO
//                        after the release reads EOF at once.
//   write BYTES          writes BYTES bytes to stdout, 64 KiB per write(), and exits 0.
//   lines COUNT          writes COUNT lines "line NNNNNNN\n" (13 bytes, the number
//                        zero-padded, modulo 10^7) to stdout, 64 KiB per write().
//
// On x86-64 it is built without libc (no dynamic loader, no libc start-up):
// the scale benchmark starts ten thousand of these, and a dynamically linked
// program spends most of its start-up in the loader's CPU-feature probing,
// whose CPUID instructions trap to the hypervisor in a VM. The figures are
// about the parent's side; the children should cost as little as they can.

#include <cerrno>
#include <cstdint>
#include <ctime>
#include <fcntl.h>
#include <sys/syscall.h>

#if defined(SHAREDCHILD_BENCH_FREESTANDING)

namespace {

long systemCall(long number, long first = 0, long second = 0, long third = 0, long fourth = 0)
{
    long result;
    register long r10 asm("r10") = fourth;
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(number), "D"(first), "S"(second), "d"(third), "r"(r10)
                 : "rcx", "r11", "memory");
    return result; // -errno on failure
}

} // namespace

#else

#include <unistd.h>

namespace {

long systemCall(long number, long first = 0, long second = 0, long third = 0, long fourth = 0)
{
    const long result = ::syscall(number, first, second, third, fourth);
    return result < 0 ? -errno : result;
}

} // namespace

#endif

namespace {

[[noreturn]] void exitNow(int code)
{
    for (;;)
        systemCall(SYS_exit_group, code);
}

bool equal(const char *text, const char *expected)
{
    while (*text && *text == *expected) {
        ++text;
        ++expected;
    }
    return *text == *expected;
}

long decimal(const char *text)
{
    long value = 0;
    for (; *text >= '0' && *text <= '9'; ++text)
        value = value * 10 + (*text - '0');
    return value;
}

long openFile(const char *path, int flags)
{
    long result;
    do {
        result = systemCall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), flags);
    } while (result == -EINTR);
    return result;
}

int stamp(const char *path, const char *delayText)
{
    const long file = openFile(path, O_WRONLY | O_CLOEXEC);
    if (file < 0)
        return 66;
    const long delayMs = decimal(delayText);
    timespec delay{delayMs / 1000, (delayMs % 1000) * 1000000};
    while (systemCall(SYS_nanosleep, reinterpret_cast<long>(&delay), reinterpret_cast<long>(&delay))
           == -EINTR) { }

    timespec now{};
    systemCall(SYS_clock_gettime, CLOCK_MONOTONIC, reinterpret_cast<long>(&now));
    const std::int64_t time = std::int64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
    if (systemCall(SYS_pwrite64, file, reinterpret_cast<long>(&time), sizeof time, 0)
        != sizeof time)
        return 74;
    return 0;
}

int hold(const char *path)
{
    // O_NONBLOCK only for the open: a plain open of a FIFO waits for a writer,
    // which would never come once the parent has released the others.
    const long fifo = openFile(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifo < 0 || systemCall(SYS_fcntl, fifo, F_SETFL, 0) != 0)
        return 66;
    char buffer[64];
    for (;;) {
        const long got = systemCall(SYS_read, fifo, reinterpret_cast<long>(buffer), sizeof buffer);
        if (got == 0)
            return 0;
        if (got < 0 && got != -EINTR)
            return 74;
    }
}

// As fast as the reader takes it: one full pipe's worth per write().
constexpr long chunkSize = 64L * 1024;
char chunk[chunkSize];

bool writeAll(const char *data, long size)
{
    while (size > 0) {
        const long written = systemCall(SYS_write, 1, reinterpret_cast<long>(data), size);
        if (written == -EINTR)
            continue;
        if (written <= 0)
            return false;
        data += written;
        size -= written;
    }
    return true;
}

int writeBytes(const char *countText)
{
    // Not one repeated byte: a constant fill would let the compiler call memset,
    // which this libc-free program does not have.
    for (long i = 0; i < chunkSize; ++i)
        chunk[i] = static_cast<char>('a' + i % 26);
    for (long left = decimal(countText); left > 0; left -= chunkSize) {
        if (!writeAll(chunk, left < chunkSize ? left : chunkSize))
            return 74;
    }
    return 0;
}

int writeLines(const char *countText)
{
    constexpr long lineSize = 13; // "line NNNNNNN\n"
    const long count = decimal(countText);
    long used = 0;
    for (long number = 0; number < count; ++number) {
        if (used + lineSize > chunkSize) {
            if (!writeAll(chunk, used))
                return 74;
            used = 0;
        }
        char *line = chunk + used;
        line[0] = 'l';
        line[1] = 'i';
        line[2] = 'n';
        line[3] = 'e';
        line[4] = ' ';
        long digits = number;
        for (long position = 11; position >= 5; --position) {
            line[position] = static_cast<char>('0' + digits % 10);
            digits /= 10;
        }
        line[12] = '\n';
        used += lineSize;
    }
    return writeAll(chunk, used) ? 0 : 74;
}

int run(int argc, char **argv)
{
    if (argc == 4 && equal(argv[1], "stamp"))
        return stamp(argv[2], argv[3]);
    if (argc == 3 && equal(argv[1], "hold"))
        return hold(argv[2]);
    if (argc == 3 && equal(argv[1], "write"))
        return writeBytes(argv[2]);
    if (argc == 3 && equal(argv[1], "lines"))
        return writeLines(argv[2]);
    static const char usage[] = "usage: sharedchild-bench-child stamp FILE DELAY_MS | hold FIFO"
                                " | write BYTES | lines COUNT\n";
    systemCall(SYS_write, 2, reinterpret_cast<long>(usage), sizeof usage - 1);
    return 64;
}

} // namespace

#if defined(SHAREDCHILD_BENCH_FREESTANDING)

// The kernel enters at _start with argc, argv[] on the stack.
extern "C" [[noreturn]] void benchChildStart(long *stack)
{
    exitNow(run(static_cast<int>(stack[0]), reinterpret_cast<char **>(stack + 1)));
}

asm(".text\n"
    ".global _start\n"
    "_start:\n"
    "    xor %rbp, %rbp\n"
    "    mov %rsp, %rdi\n"
    "    and $-16, %rsp\n"
    "    call benchChildStart\n"
    "    hlt\n");

#else

int main(int argc, char *argv[])
{
    exitNow(run(argc, argv));
}

#endif
