// SPDX-License-Identifier: MIT
// pdeath_parent OUTFILE [MODE]: starts a child from a short-lived thread, lets
// that thread end, writes the child's PID and then "thread-ended" to OUTFILE,
// and sleeps until killed. The child, by MODE:
//   (none)  `sctest-helper sleep 1000`, killed on parent death;
//   plain   the same, not killed on parent death;
//   chain   `pdeath_parent OUTFILE.chained plain`, killed on parent death: a
//           child killed with its parent that has a child of its own, which is not;
//   nested  `pdeath_parent OUTFILE.chained`, killed on parent death: a child
//           killed with its parent whose own child is killed with it in turn.

#include <sharedchild/child.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

int main(int argc, char *argv[])
{
    if (argc < 2 || argc > 3)
        return 2;
    const std::string report = argv[1];
    const std::string mode = argc == 3 ? argv[2] : "";
    SharedChild::Command command(SCTEST_HELPER, {"sleep", "1000"});
    if (mode == "chain")
        command = SharedChild::Command(argv[0], {report + ".chained", "plain"});
    else if (mode == "nested")
        command = SharedChild::Command(argv[0], {report + ".chained"});
    else if (mode != "plain" && !mode.empty())
        return 2;
    command.setKillOnParentDeath(mode != "plain");

    std::int64_t pid = 0;
    std::shared_ptr<SharedChild::Child> child;
    std::thread spawner([&] {
        child = SharedChild::Child::spawn(command);
        pid = child->id();
    });
    spawner.join();
    std::ofstream(report) << pid << "\nthread-ended\n";
    for (;;)
        std::this_thread::sleep_for(std::chrono::hours(1));
}
