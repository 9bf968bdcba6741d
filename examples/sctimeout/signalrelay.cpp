// SPDX-License-Identifier: MIT
#include "signalrelay.h"

#include <pthread.h>
#include <thread>
#include <unistd.h>
#include <utility>

sigset_t handledSignals(int timeoutSignal)
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGALRM})
        sigaddset(&set, signal);
    // KILL and STOP cannot be caught; SIGCHLD tells of the child's own exit.
    if (timeoutSignal > 0 && timeoutSignal != SIGKILL && timeoutSignal != SIGSTOP
        && timeoutSignal != SIGCHLD)
        sigaddset(&set, timeoutSignal);
    return set;
}

void blockSignals(const sigset_t &signals)
{
    ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    struct sigaction defaultAction = {};
    defaultAction.sa_handler = SIG_DFL;
    sigemptyset(&defaultAction.sa_mask);
    for (int signal = 1; signal < NSIG; ++signal) {
        if (sigismember(&signals, signal) == 1)
            ::sigaction(signal, &defaultAction, nullptr);
    }
}

void startSignalRelay(const sigset_t &signals, std::function<void(int)> onSignal)
{
    std::thread([signals, onSignal = std::move(onSignal)] {
        const pid_t self = ::getpid();
        for (;;) {
            siginfo_t info{};
            const int signal = ::sigwaitinfo(&signals, &info);
            if (signal <= 0)
                continue; // EINTR
            if (info.si_code == SI_USER && info.si_pid == self)
                continue; // our own signal to our process group
            onSignal(signal);
        }
    }).detach();
}
