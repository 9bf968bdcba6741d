// SPDX-License-Identifier: MIT
#include "leakcheck.h"

#include "timescale.h"

#include <array>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

namespace SharedChildStress {

using namespace std::chrono_literals;
using SharedChildTest::ProcessCensus;

void expectNothingLeft(const ProcessCensus &baseline, Failures &failures, const std::string &when,
                       const std::function<void()> &whileWaiting)
{
    const auto deadline = std::chrono::steady_clock::now() + SharedChildTest::scaled(30s);
    ProcessCensus now = ProcessCensus::take();
    while (now.openFds > baseline.openFds || now.threads > baseline.threads
           || now.childProcesses > 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            // Which children, in which state ('Z': exited, unreaped), and
            // this process's threads by name: what a rare failure needs.
            std::string details;
            for (const SharedChildTest::ChildProcess &child : SharedChildTest::listChildProcesses())
                details += " child " + std::to_string(child.pid) + " '" + child.state + "';";
            for (const int tid : SharedChildTest::procEntries("/proc/self/task")) {
                std::string name;
                std::getline(std::ifstream("/proc/self/task/" + std::to_string(tid) + "/comm"),
                             name);
                details += " thread " + std::to_string(tid) + " " + name + " '"
                        + SharedChildTest::threadStateLetter(tid) + "';";
            }
            // And what each descriptor is: a rare failure that left one more
            // (waitid backend) has not been explained yet.
            for (const int fd : SharedChildTest::procEntries("/proc/self/fd")) {
                std::array<char, 256> target{};
                const std::string link = "/proc/self/fd/" + std::to_string(fd);
                const ssize_t length = ::readlink(link.c_str(), target.data(), target.size() - 1);
                details += " fd " + std::to_string(fd) + " "
                        + (length > 0 ? std::string(target.data(), static_cast<std::size_t>(length))
                                      : std::string("?"))
                        + ";";
            }
            failures.add(when + ": left behind: " + now.toString()
                         + " (before: " + baseline.toString() + ")" + details);
            return;
        }
        if (whileWaiting)
            whileWaiting();
        std::this_thread::sleep_for(5ms);
        now = ProcessCensus::take();
    }
}

} // namespace SharedChildStress
