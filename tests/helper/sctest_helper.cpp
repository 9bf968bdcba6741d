// SPDX-License-Identifier: MIT
// sctest-helper [--out FILE] [--ready FILE] MODE [ARG]
//
//   exit N           exit with code N
//   raise SIG        kill itself with signal SIG
//   sleep SECONDS    sleep (fractions allowed), then exit 0
//   ignore-term S    ignore SIGTERM, then sleep S seconds
//   list-fds         print each open file descriptor, one per line
//   signal-state     print "blocked=HEX ignored=HEX" from /proc/self/status
//   cwd              print the working directory
//   env NAME         print the value of NAME, or "<unset>"
//   pgid             print "pid pgid"
//   echo             copy stdin to stdout
//   stream MIB       write MIB MiB to stdout and to stderr while reading stdin
//                    to its end; exit 0 if stdin held exactly MIB MiB, else 1
//   close-stdout S   close stdout, then sleep S seconds
//   burn MS MIB      burn MS milliseconds of CPU and touch MIB MiB of memory
//   close-stdin S    close stdin, then sleep S seconds
//   wait-file FILE   wait until FILE exists (at most 120 s), print "exiting", exit 0
//
// --out FILE sends stdout to FILE; --ready FILE creates FILE once the mode's
// setup (e.g. ignoring SIGTERM) is done, so a test can wait for it.

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <poll.h>
#include <set>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

int usage()
{
    std::cerr << "usage: sctest-helper [--out FILE] [--ready FILE] MODE [ARG]\n";
    return 2;
}

void markReady(const char *path)
{
    if (!path)
        return;
    const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0)
        ::close(fd);
}

void sleepSeconds(double seconds)
{
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

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

// Writes `total` bytes to stdout and to stderr and reads stdin to its end, all
// at once with poll(), the way a real filter does: a parent that services only
// one pipe at a time would deadlock here.
int streamAll(long long total)
{
    static char outgoing[64 * 1024];
    static char incoming[64 * 1024];
    std::memset(outgoing, 'x', sizeof outgoing);
    long long left[3] = {0, total, total}; // index = fd; 0 unused
    long long received = 0;
    bool stdinOpen = true;
    for (int fd = 0; fd <= 2; ++fd)
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (stdinOpen || left[1] > 0 || left[2] > 0) {
        pollfd fds[3];
        nfds_t count = 0;
        if (stdinOpen)
            fds[count++] = {0, POLLIN, 0};
        for (int fd = 1; fd <= 2; ++fd) {
            if (left[fd] > 0)
                fds[count++] = {fd, POLLOUT, 0};
        }
        if (::poll(fds, count, -1) < 0 && errno != EINTR)
            return 3;
        for (nfds_t i = 0; i < count; ++i) {
            const int fd = fds[i].fd;
            if (fds[i].revents == 0)
                continue;
            if (fd == 0) {
                const ssize_t got = ::read(0, incoming, sizeof incoming);
                if (got > 0)
                    received += got;
                else if (got == 0 || errno != EAGAIN)
                    stdinOpen = false;
            } else {
                const auto size = static_cast<std::size_t>(
                        std::min<long long>(left[fd], static_cast<long long>(sizeof outgoing)));
                const ssize_t put = ::write(fd, outgoing, size);
                if (put > 0)
                    left[fd] -= put;
                else if (put < 0 && errno != EAGAIN)
                    return 4;
            }
        }
    }
    return received == total ? 0 : 1;
}

// Uses `milliseconds` of CPU time in user mode and keeps `mebibytes` resident.
int burn(int milliseconds, long long mebibytes)
{
    const auto size = static_cast<std::size_t>(mebibytes) * 1024 * 1024;
    std::vector<char> memory(size);
    for (std::size_t i = 0; i < size; i += 4096)
        memory[i] = static_cast<char>(i);
    const auto start = std::clock();
    volatile unsigned long spin = 0;
    while ((std::clock() - start) * 1000 / CLOCKS_PER_SEC < static_cast<std::clock_t>(milliseconds))
        spin = spin + 1;
    volatile char keepMemory = size > 0 ? memory[size / 2] : 0; // the pages must stay touched
    (void)keepMemory;
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    // Signals sent by tests (SIGABRT, SIGQUIT) must not leave core files behind.
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);

    int arg = 1;
    const char *ready = nullptr;
    while (arg + 1 < argc && argv[arg][0] == '-' && argv[arg][1] == '-') {
        const std::string option = argv[arg];
        if (option == "--out") {
            if (!std::freopen(argv[arg + 1], "w", stdout))
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
    if (mode == "raise" && value) {
        const int signal = std::atoi(value);
        std::signal(signal, SIG_DFL);
        markReady(ready);
        std::fflush(stdout);
        std::raise(signal);
        return 4;
    }
    if (mode == "sleep" && value) {
        markReady(ready);
        sleepSeconds(std::atof(value));
        return 0;
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
    if (mode == "cwd") {
        char buffer[4096];
        markReady(ready);
        if (!::getcwd(buffer, sizeof buffer))
            return 3;
        std::cout << buffer << '\n';
        return 0;
    }
    if (mode == "env" && value) {
        markReady(ready);
        const char *found = std::getenv(value);
        std::cout << (found ? found : "<unset>") << '\n';
        return 0;
    }
    if (mode == "pgid") {
        markReady(ready);
        std::cout << ::getpid() << ' ' << ::getpgrp() << '\n';
        return 0;
    }
    if (mode == "wait-file" && value) {
        markReady(ready);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (::access(value, F_OK) != 0 && std::chrono::steady_clock::now() < deadline)
            sleepSeconds(0.001);
        std::cout << "exiting" << std::endl;
        return 0;
    }
    if (mode == "stream" && value) {
        markReady(ready);
        return streamAll(std::atoll(value) * 1024 * 1024);
    }
    if (mode == "close-stdout" && value) {
        ::close(1);
        markReady(ready);
        sleepSeconds(std::atof(value));
        return 0;
    }
    if (mode == "burn" && value && arg + 2 < argc) {
        markReady(ready);
        return burn(std::atoi(value), std::atoll(argv[arg + 2]));
    }
    if (mode == "close-stdin" && value) {
        ::close(0);
        markReady(ready);
        sleepSeconds(std::atof(value));
        return 0;
    }
    if (mode == "echo") {
        markReady(ready);
        std::cout << std::cin.rdbuf();
        return 0;
    }
    return usage();
}
