// SPDX-License-Identifier: MIT
// What the pipe channels of every OS share.
#include "pipechannels.h"

namespace SharedChild::QtDetail {

void SpawnPipes::closeChildEnds()
{
    for (FileDescriptor &end : m_childEnds)
        end.close();
}

void InputPipe::close()
{
    closeKeepingPending();
    m_pending.clear();
}

void InputPipe::closeWhenDrained()
{
    m_closeWhenDrained = true;
    if (m_pending.isEmpty())
        close();
}

} // namespace SharedChild::QtDetail
