// SPDX-License-Identifier: MIT
#pragma once

#include "spawnplan.h"

namespace SharedChild::Detail {

/// Opens what `command` asks for on stdin, stdout and stderr (files, the
/// null device, pipes) into plan.childEnds / plan.parentEnds. Throws
/// std::system_error naming the program, the stream and the reason.
void openStandardStreams(const Command &command, SpawnPlan &plan);

} // namespace SharedChild::Detail
