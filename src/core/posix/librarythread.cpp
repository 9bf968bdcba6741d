// SPDX-License-Identifier: MIT
#include "../librarythread.h"

#include <csignal>
#include <pthread.h>

namespace SharedChild::Detail {

void keepSignalsAwayFromThisThread()
{
    sigset_t all;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, nullptr);
}

} // namespace SharedChild::Detail
