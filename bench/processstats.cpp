// SPDX-License-Identifier: MIT
#include "processstats.h"

#include <QByteArray>
#include <QFile>

#include <dirent.h>
#include <sys/resource.h>

namespace Bench {

namespace {

// "VmRSS:	   13516 kB" -> bytes; "Threads:	3" -> 3
qint64 statusField(const QByteArray &status, const QByteArray &name)
{
    const qsizetype start = status.indexOf('\n' + name + ':');
    if (start < 0)
        return 0;
    const qsizetype end = status.indexOf('\n', start + 1);
    const QList<QByteArray> words
            = status.mid(start + name.size() + 2, end - start - name.size() - 2)
                      .simplified()
                      .split(' ');
    const qint64 value = words.value(0).toLongLong();
    return words.value(1) == "kB" ? value * 1024 : value;
}

int openDescriptorCount()
{
    DIR *directory = ::opendir("/proc/self/fd");
    if (!directory)
        qFatal("cannot list /proc/self/fd");
    int count = 0;
    while (const dirent *entry = ::readdir(directory)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    ::closedir(directory);
    return count - 1; // the directory's own descriptor
}

} // namespace

ProcessStats currentProcessStats()
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read /proc/self/status");
    const QByteArray status = '\n' + file.readAll();
    file.close();
    ProcessStats stats;
    stats.threads = static_cast<int>(statusField(status, "Threads"));
    stats.rssBytes = statusField(status, "VmRSS");
    stats.peakRssBytes = statusField(status, "VmHWM");
    stats.fds = openDescriptorCount();
    return stats;
}

void resetPeakRss()
{
    QFile file(QStringLiteral("/proc/self/clear_refs"));
    if (!file.open(QIODevice::WriteOnly) || file.write("5") != 1)
        qFatal("cannot reset the peak RSS through /proc/self/clear_refs");
}

qint64 raiseFdLimitToHard()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        qFatal("getrlimit(RLIMIT_NOFILE) failed");
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
        qFatal("setrlimit(RLIMIT_NOFILE) failed");
    return static_cast<qint64>(limit.rlim_cur);
}

} // namespace Bench
