// SPDX-License-Identifier: MIT
#include "leakcheck.h"

#include "timescale.h"

#include <chrono>
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
            failures.add(when + ": left behind: " + now.toString()
                         + " (before: " + baseline.toString() + ")");
            return;
        }
        if (whileWaiting)
            whileWaiting();
        std::this_thread::sleep_for(5ms);
        now = ProcessCensus::take();
    }
}

} // namespace SharedChildStress
