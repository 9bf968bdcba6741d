// SPDX-License-Identifier: MIT
#pragma once

namespace SharedChild::Detail {

/// Called first on every thread the library starts: POSIX blocks all signals
/// there, since signals are for the application's own threads (a handler
/// must not run on ours, nor a sigwait() of the application lose one to us).
/// Windows has no signals to keep away.
void keepSignalsAwayFromThisThread();

} // namespace SharedChild::Detail
