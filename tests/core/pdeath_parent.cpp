// SPDX-License-Identifier: MIT
// pdeath_parent OUTFILE: starts `sctest-helper sleep 1000` with
// setKillOnParentDeath(true) from a short-lived thread, lets that thread end,
// writes the child's PID and then "thread-ended" to OUTFILE, and sleeps until killed.

#include <sharedchild/child.h>

#include <chrono>
#include <fstream>
#include <thread>

int main(int argc, char *argv[])
{
    if (argc != 2)
        return 2;
    std::int64_t pid = 0;
    std::shared_ptr<SharedChild::Child> child;
    std::thread spawner([&] {
        child = SharedChild::Child::spawn(
                SharedChild::Command(SCTEST_HELPER, {"sleep", "1000"}).setKillOnParentDeath(true));
        pid = child->id();
    });
    spawner.join();
    std::ofstream(argv[1]) << pid << "\nthread-ended\n";
    for (;;)
        std::this_thread::sleep_for(std::chrono::hours(1));
}
