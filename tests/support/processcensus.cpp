// SPDX-License-Identifier: MIT
#include "processcensus.h"

#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace SharedChildTest {

namespace {

// The fields after "pid (comm)" of a /proc stat file: "S 1234 ..."; empty when gone.
std::string statFieldsAfterName(const std::string &statPath)
{
    std::ifstream file(statPath);
    std::string line;
    if (!std::getline(file, line))
        return {};
    const auto close = line.rfind(')');
    return close == std::string::npos || close + 2 > line.size() ? std::string()
                                                                 : line.substr(close + 2);
}

// A "Key:  value ..." line of /proc/PID/status, without the key; empty when absent.
std::string statusField(const std::string &statusPath, const std::string &key)
{
    std::ifstream file(statusPath);
    std::string line;
    while (std::getline(file, line)) {
        if (line.compare(0, key.size() + 1, key + ':') == 0)
            return line.substr(key.size() + 1);
    }
    return {};
}

char stateLetter(const std::string &statPath)
{
    const std::string fields = statFieldsAfterName(statPath);
    return fields.empty() ? char(0) : fields[0];
}

} // namespace

std::vector<int> procEntries(const char *path)
{
    std::vector<int> numbers;
    DIR *dir = ::opendir(path);
    if (!dir)
        return numbers;
    const int own = ::dirfd(dir);
    while (const dirent *entry = ::readdir(dir)) {
        char *end = nullptr;
        const long number = std::strtol(entry->d_name, &end, 10);
        if (*entry->d_name != '\0' && *end == '\0' && number != own)
            numbers.push_back(static_cast<int>(number));
    }
    ::closedir(dir);
    return numbers;
}

ProcessCensus ProcessCensus::take()
{
    ProcessCensus census;
    census.openFds = static_cast<int>(procEntries("/proc/self/fd").size());
    census.threads = static_cast<int>(procEntries("/proc/self/task").size());
    census.childProcesses = static_cast<int>(childPids().size());
    census.residentBytes = std::atoll(statusField("/proc/self/status", "VmRSS").c_str()) * 1024;
    return census;
}

std::string ProcessCensus::toString() const
{
    char text[128];
    std::snprintf(text, sizeof text, "fds %d, threads %d, children %d, rss %.1f MiB", openFds,
                  threads, childProcesses, static_cast<double>(residentBytes) / (1024 * 1024));
    return text;
}

bool runsUnderWine()
{
    return false;
}

std::vector<ChildProcess> listChildProcesses()
{
    std::vector<ChildProcess> children;
    const pid_t self = ::getpid();
    for (const int pid : procEntries("/proc")) {
        std::istringstream fields(statFieldsAfterName("/proc/" + std::to_string(pid) + "/stat"));
        char state = 0;
        pid_t parent = 0;
        if (fields >> state >> parent && parent == self)
            children.push_back({pid, state});
    }
    return children;
}

char processStateLetter(pid_t pid)
{
    return stateLetter("/proc/" + std::to_string(pid) + "/stat");
}

char threadStateLetter(pid_t tid)
{
    return stateLetter("/proc/self/task/" + std::to_string(tid) + "/stat");
}

int tasksOfUser(uid_t uid)
{
    int tasks = 0;
    for (const int pid : procEntries("/proc")) {
        const std::string path = "/proc/" + std::to_string(pid) + "/status";
        std::istringstream realUid(statusField(path, "Uid"));
        uid_t owner = 0;
        if (realUid >> owner && owner == uid)
            tasks += std::atoi(statusField(path, "Threads").c_str());
    }
    return tasks;
}

} // namespace SharedChildTest
