// SPDX-License-Identifier: MIT
#pragma once

// What this process holds right now, read from /proc (Linux): descriptors,
// threads, child processes (zombies included) and resident memory. The
// stress program compares these before and after its runs. On Windows
// (processcensus_windows.cpp) the descriptors are handles and the memory is
// the working set; the /proc-only calls are POSIX-only.

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace SharedChildTest {

struct ProcessCensus
{
    int openFds = 0;
    int threads = 0;
    int childProcesses = 0; // zombies included
    std::int64_t residentBytes = 0;

    /// Counts what this process holds now.
    static ProcessCensus take();
    /// "fds 12, threads 3, children 0, rss 14.2 MiB"
    std::string toString() const;
};

#ifndef _WIN32
/// The numeric entries of a /proc directory (fds, tasks, pids), without the
/// descriptor used to read the directory itself.
std::vector<int> procEntries(const char *path);
#endif

struct ChildProcess
{
    pid_t pid = 0;
    char state = 0; // as in /proc/PID/stat: 'R', 'S', 'T', 'Z', ...
};
/// This process's children, zombies included (ppid in /proc/*/stat).
std::vector<ChildProcess> listChildProcesses();
/// The PIDs of listChildProcesses().
inline std::vector<pid_t> childPids()
{
    std::vector<pid_t> pids;
    for (const ChildProcess &child : listChildProcesses())
        pids.push_back(child.pid);
    return pids;
}
/// Whether this is Wine rather than Windows (false on POSIX). Wine starts
/// processes of its own, reports less about a process that has exited, and
/// takes tens of milliseconds per spawn (far more on a loaded machine), so
/// tests that start children by the hundred start fewer there.
bool runsUnderWine();
/// The state letter of any process, as in /proc/PID/stat ('R', 'S', 'T', 'Z',
/// ...); 0 when there is no such process.
char processStateLetter(pid_t pid);
#ifndef _WIN32
/// The state letter of a thread of this process; 0 when gone. 'S' once it
/// sleeps in the kernel: in a blocking system call or on a lock.
char threadStateLetter(pid_t tid);
/// The threads of every process whose real user is `uid` (RLIMIT_NPROC counts them).
int tasksOfUser(uid_t uid);
#endif

} // namespace SharedChildTest
