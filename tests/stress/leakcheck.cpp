// SPDX-License-Identifier: MIT
#include "leakcheck.h"

#include "timescale.h"

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

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
