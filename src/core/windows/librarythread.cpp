// SPDX-License-Identifier: MIT
#include "../librarythread.h"

namespace SharedChild::Detail {

void keepSignalsAwayFromThisThread() { }

} // namespace SharedChild::Detail
