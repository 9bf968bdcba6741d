// SPDX-License-Identifier: MIT
#include <sharedchild/filedescriptor.h>

#include <windows.h>

namespace SharedChild {

void FileDescriptor::close()
{
    if (isValid())
        ::CloseHandle(release());
}

} // namespace SharedChild
