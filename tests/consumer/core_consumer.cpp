// SPDX-License-Identifier: MIT
// Uses SharedChild::Core from an installed package: one thread waits while
// another kills, then an exit code comes back. Exits 0 when all is as expected.

#include <sharedchild/child.h>

#include <iostream>
#include <thread>

int main()
{
    auto sleeper = SharedChild::Child::spawn(SharedChild::Command("sleep", {"30"}));
    SharedChild::ExitStatus killed;
    std::thread waiter([&] { killed = sleeper->wait(); });
    sleeper->kill();
    waiter.join();

    const SharedChild::ExitStatus exited
            = SharedChild::Child::spawn(SharedChild::Command("sh", {"-c", "exit 3"}))->wait();

    std::cout << "core consumer: " << killed.toString() << ", " << exited.toString() << '\n';
    return killed.signalNumber() == 9 && exited.exitCode() == 3 ? 0 : 1;
}
