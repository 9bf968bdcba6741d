// SPDX-License-Identifier: MIT
// The Windows census: our handles (the only count of them that Wine answers is
// NtQuerySystemInformation(SystemHandleInformation); GetProcessHandleCount()
// says 0 there), our threads and children from Toolhelp snapshots, and the
// working set. Windows has no zombies: a child is listed until it has exited.
#include "processcensus.h"

#include <windows.h>

// after windows.h, which they need
#include <psapi.h>
#include <tlhelp32.h>
#include <winternl.h>

#include <cstdio>
#include <stdexcept>

namespace SharedChildTest {

namespace {

// One row of SystemHandleInformation: the handles of every process.
struct SystemHandleEntry
{
    ULONG ownerPid;
    BYTE objectType;
    BYTE flags;
    USHORT value;
    PVOID object;
    ULONG access;
};
struct SystemHandleInformation
{
    ULONG count;
    SystemHandleEntry entries[1];
};
constexpr ULONG systemHandleInformationClass = 16;
constexpr NTSTATUS statusInfoLengthMismatch = static_cast<NTSTATUS>(0xC0000004L);

using NtQuerySystemInformationFunction = NTSTATUS(WINAPI *)(ULONG, PVOID, ULONG, PULONG);

int ownHandleCount()
{
    const auto query = reinterpret_cast<NtQuerySystemInformationFunction>(reinterpret_cast<void *>(
            ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation")));
    std::vector<unsigned char> buffer(1 << 20);
    NTSTATUS status = 0;
    ULONG length = 0;
    while ((status = query(systemHandleInformationClass, buffer.data(),
                           static_cast<ULONG>(buffer.size()), &length))
           == statusInfoLengthMismatch)
        buffer.resize(buffer.size() * 2);
    if (status != 0)
        throw std::runtime_error("NtQuerySystemInformation(SystemHandleInformation) failed");
    const auto *information = reinterpret_cast<const SystemHandleInformation *>(buffer.data());
    int own = 0;
    for (ULONG i = 0; i < information->count; ++i)
        own += information->entries[i].ownerPid == ::GetCurrentProcessId();
    return own;
}

// Calls `visit` for each entry of a Toolhelp snapshot of `kind`.
template<typename Entry, typename First, typename Next, typename Visit>
void forEachSnapshotEntry(DWORD kind, First first, Next next, Visit visit)
{
    const HANDLE snapshot = ::CreateToolhelp32Snapshot(kind, 0);
    if (snapshot == INVALID_HANDLE_VALUE)
        return;
    Entry entry{};
    entry.dwSize = sizeof entry;
    for (BOOL more = first(snapshot, &entry); more; more = next(snapshot, &entry))
        visit(entry);
    ::CloseHandle(snapshot);
}

int ownThreadCount()
{
    int threads = 0;
    forEachSnapshotEntry<THREADENTRY32>(
            TH32CS_SNAPTHREAD, ::Thread32First, ::Thread32Next, [&](const THREADENTRY32 &thread) {
                threads += thread.th32OwnerProcessID == ::GetCurrentProcessId();
            });
    return threads;
}

} // namespace

ProcessCensus ProcessCensus::take()
{
    ProcessCensus census;
    census.openFds = ownHandleCount();
    census.threads = ownThreadCount();
    census.childProcesses = static_cast<int>(childPids().size());
    PROCESS_MEMORY_COUNTERS memory{};
    if (::GetProcessMemoryInfo(::GetCurrentProcess(), &memory, sizeof memory))
        census.residentBytes = static_cast<std::int64_t>(memory.WorkingSetSize);
    return census;
}

std::string ProcessCensus::toString() const
{
    char text[128];
    std::snprintf(text, sizeof text, "handles %d, threads %d, children %d, rss %.1f MiB", openFds,
                  threads, childProcesses, static_cast<double>(residentBytes) / (1024 * 1024));
    return text;
}

namespace {

// Wine starts its desktop process, explorer.exe, on demand as a child of the
// first process of a session that needs it, and keeps it for the session: it
// is Wine's, not a child of ours (seen when a test was the first).
bool isWinesDesktopProcess(const PROCESSENTRY32W &process)
{
    return ::_wcsicmp(process.szExeFile, L"explorer.exe") == 0;
}

} // namespace

bool runsUnderWine()
{
    // Wine's ntdll exports wine_get_version(); Windows' does not.
    return ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != nullptr;
}

std::vector<ChildProcess> listChildProcesses()
{
    std::vector<ChildProcess> children;
    forEachSnapshotEntry<PROCESSENTRY32W>(
            TH32CS_SNAPPROCESS, ::Process32FirstW, ::Process32NextW,
            [&](const PROCESSENTRY32W &process) {
                if (process.th32ParentProcessID == ::GetCurrentProcessId()
                    && !isWinesDesktopProcess(process))
                    children.push_back({static_cast<pid_t>(process.th32ProcessID), 'R'});
            });
    return children;
}

char processStateLetter(pid_t pid)
{
    char state = 0;
    forEachSnapshotEntry<PROCESSENTRY32W>(TH32CS_SNAPPROCESS, ::Process32FirstW, ::Process32NextW,
                                          [&](const PROCESSENTRY32W &process) {
                                              if (process.th32ProcessID == DWORD(pid))
                                                  state = 'R';
                                          });
    return state;
}

} // namespace SharedChildTest
