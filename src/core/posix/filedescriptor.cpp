// SPDX-License-Identifier: MIT
#include <sharedchild/filedescriptor.h>

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace SharedChild {

void FileDescriptor::close()
{
    if (isValid())
        ::close(release());
}

Pipe makePipe()
{
    int ends[2] = {-1, -1};
    if (::pipe2(ends, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot create a pipe");
    return {FileDescriptor(ends[0]), FileDescriptor(ends[1])};
}

} // namespace SharedChild
