// SPDX-License-Identifier: MIT
// sctest-helper [--out FILE] [--ready FILE] MODE [ARG]
//
//   exit N           exit with code N
//   raise SIG        kill itself with signal SIG                          (POSIX only)
//   crash            crash: SIGSEGV on POSIX, on Windows an unhandled access
//                    violation (exit code 0xC0000005)
//   steps STEP...    run the steps in order, then exit 0:
//                      out=TEXT  write TEXT and a newline to stdout
//                      err=TEXT  write TEXT and a newline to stderr
//                      put=TEXT  write TEXT to stdout, no newline added; \n, \r
//                                and \\ in TEXT stand for LF, CR and a backslash
//                      env=NAME  print the value of NAME, or "<unset>"
//                      env-names print the name of each environment variable
//                      cwd       print the working directory
//                      pid       print its own process ID
//                      umask     print its umask as four octal digits  (POSIX only)
//                      read      read a line from stdin (exit 5 at its end); reads
//                                no further, so a `copy` after it gets the rest
//                      copy      copy stdin to stdout, to its end
//                      sleep=S   sleep S seconds
//                      stop      stop itself with SIGSTOP              (POSIX only)
//                      die       die as a killed child does: SIGKILL on POSIX,
//                                on Windows as `crash` (both read as crashes)
//   sleep SECONDS    sleep (fractions allowed), then exit 0
//   exit-after S N   sleep S seconds, then exit with code N
//   ignore-term S    ignore SIGTERM, then sleep S seconds                 (POSIX only)
//   list-fds         print each open file descriptor, one per line       (POSIX only)
//   signal-state     print "blocked=HEX ignored=HEX" from /proc/self/status (POSIX only)
//   cwd              print the working directory
//   env NAME         print the value of NAME, or "<unset>"
//   pgid             print "pid pgid"                                     (POSIX only)
//   args ARG...      print each ARG as it arrived, hex-encoded, one per line (on
//                    Windows as CommandLineToArgvW() splits the command line)
//   echo             copy stdin to stdout
//   upper            copy stdin to stdout with a-z made A-Z
//   sponge           read stdin to its end, then write all of it to stdout
//   count N          print the numbers 1 to N, one per line
//   stream MIB       write MIB MiB to stdout and to stderr while reading stdin
//                    to its end; exit 0 if stdin held exactly MIB MiB, else 1
//   close-stdout S   close stdout, then sleep S seconds
//   burn MS MIB      burn MS milliseconds of CPU and touch MIB MiB of memory
//   close-stdin S    close stdin, then sleep S seconds
//   wait-file FILE   wait until FILE exists (at most 120 s), print "exiting", exit 0
//
// --out FILE sends stdout to FILE; --ready FILE creates FILE once the mode's
// setup (e.g. ignoring SIGTERM) is done, so a test can wait for it.
//
// The POSIX-only modes are about signals, descriptors and process groups,
// which Windows does not have; there they print the usage and exit with 2.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <shellapi.h> // after windows.h, which it needs
#else
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace {

int usage()
{
    std::cerr << "usage: sctest-helper [--out FILE] [--ready FILE] MODE [ARG]\n";
    return 2;
}

void markReady(const char *path)
{
    if (path)
        std::ofstream(path, std::ios::trunc);
}

void sleepSeconds(double seconds)
{
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

#ifdef _WIN32
using ByteCount = int;
ByteCount readSome(int fd, char *buffer, unsigned size)
{
    return ::_read(fd, buffer, size);
}
ByteCount writeSome(int fd, const char *buffer, unsigned size)
{
    return ::_write(fd, buffer, size);
}
void closeStream(int fd)
{
    ::_close(fd);
}
[[noreturn]] void crash()
{
    // No error dialog: the exception ends the process at once.
    ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    ::RaiseException(EXCEPTION_ACCESS_VIOLATION, EXCEPTION_NONCONTINUABLE, 0, nullptr);
    std::abort();
}
// Windows has no way to be killed that reads as a crash but an exception.
[[noreturn]] void dieAsKilled()
{
    crash();
}
bool stopSelf()
{
    return false;
}
unsigned long currentProcessId()
{
    return ::GetCurrentProcessId();
}
bool printUmask()
{
    return false;
}
#else
using ByteCount = ssize_t;
ByteCount readSome(int fd, char *buffer, std::size_t size)
{
    return ::read(fd, buffer, size);
}
ByteCount writeSome(int fd, const char *buffer, std::size_t size)
{
    return ::write(fd, buffer, size);
}
void closeStream(int fd)
{
    ::close(fd);
}
[[noreturn]] void crash()
{
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
    std::abort();
}
[[noreturn]] void dieAsKilled()
{
    std::raise(SIGKILL);
    std::abort();
}
bool stopSelf()
{
    return std::raise(SIGSTOP) == 0;
}
unsigned long currentProcessId()
{
    return static_cast<unsigned long>(::getpid());
}
bool printUmask()
{
    const mode_t mask = ::umask(0);
    ::umask(mask);
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mask));
    std::cout << text << std::endl;
    return true;
}
#endif

// The arguments after `first` exactly as the program received them.
std::vector<std::string> argumentsFrom(int first, int argc, char **argv)
{
#ifdef _WIN32
    // What the C runtime made of the command line is not the question: the
    // library promises what CommandLineToArgvW() gives back, in UTF-8.
    (void)argv;
    int count = 0;
    wchar_t **wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
    std::vector<std::string> arguments;
    for (int i = first; wide && i < count && i < argc; ++i) {
        const int length = static_cast<int>(std::wcslen(wide[i]));
        std::string utf8(static_cast<std::size_t>(::WideCharToMultiByte(
                                 CP_UTF8, 0, wide[i], length, nullptr, 0, nullptr, nullptr)),
                         '\0');
        ::WideCharToMultiByte(CP_UTF8, 0, wide[i], length, utf8.data(),
                              static_cast<int>(utf8.size()), nullptr, nullptr);
        arguments.push_back(std::move(utf8));
    }
    ::LocalFree(wide);
    return arguments;
#else
    return std::vector<std::string>(argv + first, argv + argc);
#endif
}

int printArguments(const std::vector<std::string> &arguments)
{
    static const char digits[] = "0123456789abcdef";
    for (const std::string &argument : arguments) {
        for (const unsigned char byte : argument)
            std::cout << digits[byte >> 4] << digits[byte & 15];
        std::cout << '\n';
    }
    return 0;
}

#ifndef _WIN32
int listFds()
{
    std::set<int> fds;
    DIR *dir = ::opendir("/proc/self/fd");
    if (!dir)
        return 3;
    const int own = ::dirfd(dir);
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] == '.')
            continue;
        const int fd = std::atoi(entry->d_name);
        if (fd != own)
            fds.insert(fd);
    }
    ::closedir(dir);
    for (int fd : fds)
        std::cout << fd << '\n';
    return 0;
}

int signalState()
{
    std::ifstream status("/proc/self/status");
    std::string line, blocked, ignored;
    while (std::getline(status, line)) {
        if (line.rfind("SigBlk:", 0) == 0)
            blocked = line.substr(line.find_first_not_of(" \t", 7));
        else if (line.rfind("SigIgn:", 0) == 0)
            ignored = line.substr(line.find_first_not_of(" \t", 7));
    }
    std::cout << "blocked=" << blocked << " ignored=" << ignored << '\n';
    return 0;
}
#endif

// Writes all `size` bytes at `data` to `fd`; false on a write error.
bool writeAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const auto chunk = static_cast<unsigned>(std::min<std::size_t>(size, 64 * 1024));
        const ByteCount put = writeSome(fd, data, chunk);
        if (put > 0) {
            data += put;
            size -= static_cast<std::size_t>(put);
        } else if (put == 0 || errno != EINTR) {
            return false;
        }
    }
    return true;
}

// Writes `total` bytes to `fd`; false on a write error.
bool writeBytes(int fd, long long total)
{
    static const std::string outgoing(64 * 1024, 'x');
    while (total > 0) {
        const auto size = static_cast<std::size_t>(
                std::min<long long>(total, static_cast<long long>(outgoing.size())));
        if (!writeAll(fd, outgoing.data(), size))
            return false;
        total -= static_cast<long long>(size);
    }
    return true;
}

// Writes `total` bytes to stdout and to stderr and reads stdin to its end, all
// at once (one thread per stream), the way a real filter does: a parent that
// services only one pipe at a time would deadlock here.
int streamAll(long long total)
{
    std::atomic<long long> received{0};
    std::thread reader([&received] {
        static char incoming[64 * 1024];
        for (;;) {
            const ByteCount got = readSome(0, incoming, sizeof incoming);
            if (got > 0)
                received += got;
            else if (got == 0 || errno != EINTR)
                return;
        }
    });
    bool stderrWritten = false;
    std::thread errorWriter([&stderrWritten, total] { stderrWritten = writeBytes(2, total); });
    const bool stdoutWritten = writeBytes(1, total);
    errorWriter.join();
    reader.join();
    if (!stdoutWritten || !stderrWritten)
        return 4;
    return received == total ? 0 : 1;
}

// Uses `milliseconds` of CPU time in user mode and keeps `mebibytes` resident.
int burn(int milliseconds, long long mebibytes)
{
    const auto size = static_cast<std::size_t>(mebibytes) * 1024 * 1024;
    std::vector<char> memory(size);
    for (std::size_t i = 0; i < size; i += 4096)
        memory[i] = static_cast<char>(i);
    volatile unsigned long spin = 0;
#ifdef _WIN32
    // The Windows C runtime's clock() counts wall time since the program
    // started, start-up included; spinning one thread, wall time is CPU time.
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
    while (std::chrono::steady_clock::now() < end)
        spin = spin + 1;
#else
    const auto start = std::clock();
    while ((std::clock() - start) * 1000 / CLOCKS_PER_SEC < static_cast<std::clock_t>(milliseconds))
        spin = spin + 1;
#endif
    volatile char keepMemory = size > 0 ? memory[size / 2] : 0; // the pages must stay touched
    (void)keepMemory;
    return 0;
}

enum class Copy { AsItComes, Upper, AtTheEnd };

// Copies stdin to stdout, to its end: as it comes (with a-z made A-Z for
// Upper), or all of it once stdin has ended; false on a read or write error.
// Unbuffered, as `read` is, so the two can follow each other; what std::cout
// holds goes out first.
bool copyInput(Copy how)
{
    std::cout.flush();
    static char buffer[64 * 1024];
    std::string held;
    for (;;) {
        const ByteCount got = readSome(0, buffer, sizeof buffer);
        if (got == 0)
            return writeAll(1, held.data(), held.size());
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (how == Copy::AtTheEnd) {
            held.append(buffer, static_cast<std::size_t>(got));
            continue;
        }
        if (how == Copy::Upper)
            std::transform(buffer, buffer + got, buffer,
                           [](char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; });
        if (!writeAll(1, buffer, static_cast<std::size_t>(got)))
            return false;
    }
}

// Reads stdin up to and including the next newline, a byte at a time so that
// nothing after it is taken; false when its end (or an error) came first,
// unless the line had begun (a last line without a newline).
bool readLine()
{
    bool begun = false;
    for (;;) {
        char byte = 0;
        const ByteCount got = readSome(0, &byte, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return begun;
        if (byte == '\n')
            return true;
        begun = true;
    }
}

void printEnvironmentNames()
{
    for (char **entry = environ; *entry; ++entry) {
        const std::string variable = *entry;
        std::cout << variable.substr(0, variable.find('=', 1)) << '\n';
    }
    std::cout.flush();
}

// TEXT of `put=TEXT` with its escapes (\n, \r, \\) made into the bytes they
// stand for, since a command line cannot carry a bare CR on every OS. Any
// other backslash stays as it is.
std::string unescaped(const std::string &text)
{
    std::string bytes;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            bytes += text[i];
            continue;
        }
        const char next = text[++i];
        if (next == 'n')
            bytes += '\n';
        else if (next == 'r')
            bytes += '\r';
        else if (next == '\\')
            bytes += '\\';
        else
            bytes += std::string{'\\', next};
    }
    return bytes;
}

void printEnvironmentValue(const std::string &name)
{
    const char *found = std::getenv(name.c_str());
    std::cout << (found ? found : "<unset>") << std::endl;
}

bool printWorkingDirectory()
{
    std::error_code error;
    const std::filesystem::path directory = std::filesystem::current_path(error);
    if (error)
        return false;
    std::cout << directory.string() << std::endl;
    return true;
}

// Runs `steps STEP...` (see the usage above); returns the exit code.
int runSteps(int first, int argc, char **argv)
{
    for (int arg = first; arg < argc; ++arg) {
        const std::string step = argv[arg];
        const auto text = [&step] { return step.substr(step.find('=') + 1); };
        if (step.rfind("out=", 0) == 0) {
            std::cout << text() << std::endl;
        } else if (step.rfind("err=", 0) == 0) {
            std::cerr << text() << std::endl;
        } else if (step.rfind("put=", 0) == 0) {
            std::cout << unescaped(text()) << std::flush;
        } else if (step.rfind("env=", 0) == 0) {
            printEnvironmentValue(text());
        } else if (step == "env-names") {
            printEnvironmentNames();
        } else if (step == "cwd") {
            if (!printWorkingDirectory())
                return 3;
        } else if (step == "pid") {
            std::cout << currentProcessId() << std::endl;
        } else if (step == "umask") {
            if (!printUmask())
                return usage();
        } else if (step == "read") {
            if (!readLine())
                return 5;
        } else if (step == "copy") {
            if (!copyInput(Copy::AsItComes))
                return 4;
        } else if (step.rfind("sleep=", 0) == 0) {
            sleepSeconds(std::atof(text().c_str()));
        } else if (step == "die") {
            dieAsKilled();
        } else if (step != "stop" || !stopSelf()) {
            return usage();
        }
    }
    return 0;
}

} // namespace

#if defined(__SANITIZE_ADDRESS__)
// The tests signal this program at any moment, SIGCONT included. LeakSanitizer's
// check at exit stops the process with ptrace, and a SIGCONT arriving just then
// cancels that stop: the check then waits for ever. The helper's own leaks are
// of no interest, so it runs without the check (scripts/test-sanitizers leaves
// ASAN_OPTIONS's detect_leaks alone, so that this default holds).
extern "C" __attribute__((visibility("default"), used)) const char *__asan_default_options()
{
    return "detect_leaks=0";
}
#endif

int main(int argc, char **argv)
{
#ifdef _WIN32
    // Bytes in, bytes out: no CRLF translation on the standard streams.
    ::_setmode(0, _O_BINARY);
    ::_setmode(1, _O_BINARY);
    ::_setmode(2, _O_BINARY);
#else
    // Signals sent by tests (SIGABRT, SIGQUIT) must not leave core files behind.
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
#endif

    int arg = 1;
    const char *ready = nullptr;
    while (arg + 1 < argc && argv[arg][0] == '-' && argv[arg][1] == '-') {
        const std::string option = argv[arg];
        if (option == "--out") {
            if (!std::freopen(argv[arg + 1], "wb", stdout))
                return 3;
        } else if (option == "--ready") {
            ready = argv[arg + 1];
        } else {
            return usage();
        }
        arg += 2;
    }
    if (arg >= argc)
        return usage();
    const std::string mode = argv[arg];
    const char *value = arg + 1 < argc ? argv[arg + 1] : nullptr;

    if (mode == "exit" && value) {
        markReady(ready);
        return std::atoi(value);
    }
    if (mode == "sleep" && value) {
        markReady(ready);
        sleepSeconds(std::atof(value));
        return 0;
    }
    if (mode == "exit-after" && value && arg + 2 < argc) {
        markReady(ready);
        sleepSeconds(std::atof(value));
        return std::atoi(argv[arg + 2]);
    }
#ifndef _WIN32
    if (mode == "raise" && value) {
        const int signal = std::atoi(value);
        std::signal(signal, SIG_DFL);
        markReady(ready);
        std::fflush(stdout);
        std::raise(signal);
        return 4;
    }
    if (mode == "ignore-term" && value) {
        std::signal(SIGTERM, SIG_IGN);
        markReady(ready);
        sleepSeconds(std::atof(value));
        return 0;
    }
    if (mode == "list-fds") {
        std::fflush(stdout);
        markReady(ready);
        return listFds();
    }
    if (mode == "signal-state") {
        markReady(ready);
        return signalState();
    }
    if (mode == "pgid") {
        markReady(ready);
        std::cout << ::getpid() << ' ' << ::getpgrp() << '\n';
        return 0;
    }
#endif
    if (mode == "cwd") {
        markReady(ready);
        return printWorkingDirectory() ? 0 : 3;
    }
    if (mode == "env" && value) {
        markReady(ready);
        printEnvironmentValue(value);
        return 0;
    }
    if (mode == "args") {
        markReady(ready);
        return printArguments(argumentsFrom(arg + 1, argc, argv));
    }
    if (mode == "wait-file" && value) {
        markReady(ready);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        std::error_code error;
        while (!std::filesystem::exists(value, error)
               && std::chrono::steady_clock::now() < deadline)
            sleepSeconds(0.001);
        std::cout << "exiting" << std::endl;
        return 0;
    }
    if (mode == "stream" && value) {
        markReady(ready);
        return streamAll(std::atoll(value) * 1024 * 1024);
    }
    if (mode == "close-stdout" && value) {
        closeStream(1);
        markReady(ready);
        sleepSeconds(std::atof(value));
        return 0;
    }
    if (mode == "burn" && value && arg + 2 < argc) {
        markReady(ready);
        return burn(std::atoi(value), std::atoll(argv[arg + 2]));
    }
    if (mode == "close-stdin" && value) {
        closeStream(0);
        markReady(ready);
        sleepSeconds(std::atof(value));
        return 0;
    }
    if (mode == "steps") {
        markReady(ready);
        return runSteps(arg + 1, argc, argv);
    }
    if (mode == "crash") {
        markReady(ready);
        std::fflush(stdout);
        crash();
    }
    if (mode == "echo" || mode == "upper" || mode == "sponge") {
        markReady(ready);
        const Copy how = mode == "upper" ? Copy::Upper
                : mode == "sponge"       ? Copy::AtTheEnd
                                         : Copy::AsItComes;
        return copyInput(how) ? 0 : 4;
    }
    if (mode == "count" && value) {
        markReady(ready);
        const long long last = std::atoll(value);
        for (long long number = 1; number <= last; ++number)
            std::cout << number << '\n';
        return 0;
    }
    return usage();
}
