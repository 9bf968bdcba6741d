// SPDX-License-Identifier: MIT
// Child::openExitNotifier(): a descriptor of the caller's own that becomes
// ready when the child exits, and stays usable while other threads reap it.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

using namespace SharedChild;
using namespace SharedChildTest;
using namespace std::chrono_literals;

TEST(ExitNotifier, BecomesReadyOnExitAndOutlivesTheReap)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    FileDescriptor notifier = child->openExitNotifier();
    if (Child::backend() == Child::Backend::Waitid) {
        EXPECT_FALSE(notifier.isValid()) << "the waitid backend has nothing to notify with";
        child->kill();
        child->wait();
        return;
    }
    ASSERT_TRUE(notifier.isValid());
    EXPECT_FALSE(isReadyWithin(notifier, 0ms)) << "ready while the child runs";

    child->kill();
    ASSERT_TRUE(isReadyWithin(notifier, generousTimeout));
    const std::optional<ExitStatus> status = child->tryWait();
    ASSERT_TRUE(status.has_value()) << "ready notifier, yet tryWait() says running";

    // Reaped now; the descriptor is ours and still says "exited".
    EXPECT_TRUE(isReadyWithin(notifier, 0ms));
    const FileDescriptor afterReap = child->openExitNotifier();
    if (Child::backend() == Child::Backend::Windows)
        EXPECT_FALSE(afterReap.isValid()) << "Windows closes the process handle at the reap";
    else
        EXPECT_TRUE(afterReap.isValid() && isReadyWithin(afterReap, 0ms));
}
