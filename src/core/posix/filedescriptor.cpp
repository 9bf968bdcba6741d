// SPDX-License-Identifier: MIT
#include <sharedchild/filedescriptor.h>

#include <unistd.h>

namespace SharedChild {

void FileDescriptor::close()
{
    if (isValid())
        ::close(release());
}

} // namespace SharedChild
