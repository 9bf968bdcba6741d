// SPDX-License-Identifier: MIT
// Built with nothing but `pkg-config --cflags --libs sharedchild-core`.

#include <sharedchild/child.h>

#include <iostream>

int main()
{
    const SharedChild::ExitStatus status
            = SharedChild::Child::spawn(SharedChild::Command("sh", {"-c", "exit 5"}))->wait();
    std::cout << "pkg-config consumer: " << status.toString() << '\n';
    return status.exitCode() == 5 ? 0 : 1;
}
