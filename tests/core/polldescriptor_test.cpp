// SPDX-License-Identifier: MIT
// pollDescriptor(): the pidfd turns readable when the child exits, for event
// loops that watch it themselves. POSIX only: Windows has no descriptor to poll.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <poll.h>

using namespace SharedChild;
using namespace SharedChildTest;

TEST(Basics, PollDescriptorBecomesReadableOnExit)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    if (Child::backend() != Child::Backend::Pidfd) {
        EXPECT_EQ(child->pollDescriptor(), -1);
        child->kill();
        child->wait();
        return;
    }
    pollfd entry{child->pollDescriptor(), POLLIN, 0};
    ASSERT_GE(entry.fd, 0);
    EXPECT_EQ(::poll(&entry, 1, 0), 0) << "readable while the child runs";
    child->kill();
    EXPECT_EQ(::poll(&entry, 1, static_cast<int>(generousTimeout.count())), 1);
    const auto status = child->tryWait();
    ASSERT_TRUE(status.has_value()) << "readable pollDescriptor(), yet tryWait() says running";
    EXPECT_EQ(status->signalNumber(), SIGKILL);
}
