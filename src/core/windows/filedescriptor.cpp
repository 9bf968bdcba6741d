// SPDX-License-Identifier: MIT
#include <sharedchild/filedescriptor.h>

#include "win32error.h"

#include <windows.h>

namespace SharedChild {

void FileDescriptor::close()
{
    if (isValid())
        ::CloseHandle(release());
}

Pipe makePipe()
{
    HANDLE readEnd = nullptr;
    HANDLE writeEnd = nullptr;
    if (!::CreatePipe(&readEnd, &writeEnd, nullptr, 0))
        Detail::throwLastWin32Error("cannot create a pipe");
    return {FileDescriptor(readEnd), FileDescriptor(writeEnd)};
}

} // namespace SharedChild
