// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/filedescriptor.h>

namespace SharedChild::QtDetail {

/// The pipe of SharedChildProcess::setStandardOutputProcess(): one child's
/// stdout, the next one's stdin. Made when the first of the two starts; each
/// end is closed in this process once its child has started with it, so the
/// reader sees end of file when the writer exits.
struct PipelinePipe
{
    FileDescriptor readEnd;
    FileDescriptor writeEnd;
    bool made = false;
};

} // namespace SharedChild::QtDetail
