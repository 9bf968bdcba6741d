// SPDX-License-Identifier: MIT
// Standard streams, POSIX only: SIGPIPE for a child whose reader went away,
// and a parent that runs with descriptors 0, 1 and 2 closed.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <csignal>
#include <unistd.h>

using namespace SharedChild;
using namespace SharedChildTest;

TEST(Stdio, ClosingOurReadEndEarlyGivesTheChildSigpipe)
{
    auto child = Child::spawn(
            helper({"stream", "100"}).setStdin(Stdio::null()).setStdout(Stdio::pipe()));
    FileDescriptor out = child->takeStdout();
    char byte = 0;
    ASSERT_EQ(::read(out.get(), &byte, 1), 1);
    out.close();
    EXPECT_EQ(child->wait().signalNumber(), SIGPIPE);
}

TEST(Stdio, PipesWhenTheParentHasNoStandardStreams)
{
    // A daemon may run with 0, 1 and 2 closed: the pipe ends then get those
    // numbers, and must not be clobbered while the child sets up its streams.
    if (!isInnerRun()) {
        const InnerRun inner = runCurrentTestInSubprocess({});
        EXPECT_TRUE(inner.passed) << inner.status.toString();
        return;
    }
    ::close(0);
    ::close(1);
    ::close(2);
    auto child = Child::spawn(helper({"echo"}).setStdin(Stdio::pipe()).setStdout(Stdio::pipe()));
    FileDescriptor in = child->takeStdin();
    FileDescriptor out = child->takeStdout();
    ASSERT_TRUE(writeAll(in, "still works\n"));
    in.close();
    ASSERT_EQ(readAll(out), "still works\n");
    ASSERT_TRUE(child->wait().success());
    markInnerRunPassed();
}
