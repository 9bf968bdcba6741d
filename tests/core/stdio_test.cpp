// SPDX-License-Identifier: MIT
// Standard streams on Command and Child: inherit, null, files, pipes handed
// out once, stderr merged into stdout, and pipes closed early on either side.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// Reads `fd` to its end.
std::string readAll(const FileDescriptor &fd)
{
    std::string result;
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got > 0)
            result.append(buffer, static_cast<std::size_t>(got));
        else if (got == 0 || errno != EINTR)
            return result;
    }
}

bool writeAll(const FileDescriptor &fd, const std::string &data)
{
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t put = ::write(fd.get(), data.data() + done, data.size() - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        done += static_cast<std::size_t>(put);
    }
    return true;
}

bool isCloseOnExec(const FileDescriptor &fd)
{
    const int flags = ::fcntl(fd.get(), F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC);
}

} // namespace

TEST(Stdio, PipesCarryDataBothWaysAndAreHandedOutOnce)
{
    auto child = Child::spawn(helper({"echo"}).setStdin(Stdio::pipe()).setStdout(Stdio::pipe()));
    FileDescriptor in = child->takeStdin();
    FileDescriptor out = child->takeStdout();
    ASSERT_TRUE(in.isValid());
    ASSERT_TRUE(out.isValid());
    EXPECT_TRUE(isCloseOnExec(in));
    EXPECT_TRUE(isCloseOnExec(out));
    EXPECT_FALSE(child->takeStdin().isValid()); // handed out once
    EXPECT_FALSE(child->takeStdout().isValid());
    EXPECT_FALSE(child->takeStderr().isValid()); // stderr is not a pipe

    ASSERT_TRUE(writeAll(in, "through the pipe\n"));
    in.close(); // EOF for the child
    EXPECT_EQ(readAll(out), "through the pipe\n");
    EXPECT_TRUE(child->wait().success());
}

TEST(Stdio, InheritIsTheDefault)
{
    const Command command("true");
    EXPECT_EQ(command.stdinMode(), Stdio::inherit());
    EXPECT_EQ(command.stdoutMode(), Stdio::inherit());
    EXPECT_EQ(command.stderrMode(), Stdio::inherit());
    auto child = Child::spawn(command);
    EXPECT_FALSE(child->takeStdout().isValid());
    EXPECT_TRUE(child->wait().success());
}

TEST(Stdio, NullDeviceReadsEmptyAndSwallowsOutput)
{
    auto child = Child::spawn(helper({"echo"}).setStdin(Stdio::null()).setStdout(Stdio::pipe()));
    EXPECT_EQ(readAll(child->takeStdout()), "");
    EXPECT_TRUE(child->wait().success());

    // Output to the null device: the pipe we would otherwise read stays empty.
    auto quiet = Child::spawn(helper({"stream", "1"})
                                      .setStdin(Stdio::null())
                                      .setStdout(Stdio::null())
                                      .setStderr(Stdio::null()));
    EXPECT_EQ(quiet->wait().exitCode(), 1); // stdin held 0 bytes, not 1 MiB
}

TEST(Stdio, FilesTruncateAppendAndFeedStdin)
{
    const TempDir dir;
    writeFile(dir.file("in"), "line from a file\n");
    writeFile(dir.file("out"), "old content that must go away\n");

    auto first = Child::spawn(helper({"echo"})
                                      .setStdin(Stdio::file(dir.file("in")))
                                      .setStdout(Stdio::file(dir.file("out"))));
    EXPECT_TRUE(first->wait().success());
    EXPECT_EQ(readFile(dir.file("out")), "line from a file\n");

    auto second = Child::spawn(helper({"echo"})
                                       .setStdin(Stdio::file(dir.file("in")))
                                       .setStdout(Stdio::appendFile(dir.file("out"))));
    EXPECT_TRUE(second->wait().success());
    EXPECT_EQ(readFile(dir.file("out")), "line from a file\nline from a file\n");

    auto created = Child::spawn(helper({"echo"})
                                        .setStdin(Stdio::file(dir.file("in")))
                                        .setStdout(Stdio::appendFile(dir.file("new"))));
    EXPECT_TRUE(created->wait().success());
    EXPECT_EQ(readFile(dir.file("new")), "line from a file\n");
}

TEST(Stdio, StderrSeparateOrMergedIntoStdout)
{
    auto separate = Child::spawn(helper({"stream", "1"})
                                         .setStdin(Stdio::null())
                                         .setStdout(Stdio::null())
                                         .setStderr(Stdio::pipe()));
    EXPECT_EQ(readAll(separate->takeStderr()).size(), 1024u * 1024u);
    separate->wait();

    auto merged = Child::spawn(helper({"stream", "1"})
                                       .setStdin(Stdio::null())
                                       .setStdout(Stdio::pipe())
                                       .setStderr(Stdio::mergeWithStdout()));
    EXPECT_FALSE(merged->takeStderr().isValid());
    EXPECT_EQ(readAll(merged->takeStdout()).size(), 2u * 1024u * 1024u);
    merged->wait();
}

TEST(Stdio, BadSetupNamesProgramStreamAndReason)
{
    const auto missing = systemErrorFrom(
            [] { Child::spawn(helper({"echo"}).setStdin(Stdio::file("/nonexistent/input"))); });
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code(), errnoCode(ENOENT));
    const std::string message = missing->what();
    EXPECT_NE(message.find(SCTEST_HELPER), std::string::npos) << message;
    EXPECT_NE(message.find("/nonexistent/input"), std::string::npos) << message;
    EXPECT_NE(message.find("stdin"), std::string::npos) << message;

    const auto mergeStdout = systemErrorFrom(
            [] { Child::spawn(helper({"echo"}).setStdout(Stdio::mergeWithStdout())); });
    ASSERT_TRUE(mergeStdout);
    EXPECT_EQ(mergeStdout->code(), errnoCode(EINVAL));

    const auto appendStdin = systemErrorFrom(
            [] { Child::spawn(helper({"echo"}).setStdin(Stdio::appendFile("/tmp/x"))); });
    ASSERT_TRUE(appendStdin);
    EXPECT_EQ(appendStdin->code(), errnoCode(EINVAL));

    const auto directory
            = systemErrorFrom([] { Child::spawn(helper({"echo"}).setStdout(Stdio::file("/"))); });
    ASSERT_TRUE(directory);
    EXPECT_EQ(directory->code(), errnoCode(EISDIR));
}

TEST(Stdio, FailedSpawnsWithPipesLeakNothing)
{
    const int fdsBefore = openFdCount();
    for (int i = 0; i < 50; ++i) {
        const auto error = systemErrorFrom([] {
            Child::spawn(Command("/nonexistent/program")
                                 .setStdin(Stdio::pipe())
                                 .setStdout(Stdio::pipe())
                                 .setStderr(Stdio::pipe()));
        });
        ASSERT_TRUE(error);
    }
    EXPECT_EQ(openFdCount(), fdsBefore);
    EXPECT_TRUE(childProcesses().empty());
}

TEST(Stdio, PipeEndsDoNotLeakIntoOtherChildren)
{
    // A pipe of one child held open by another child would keep its reader
    // from ever seeing end of file.
    auto writer = Child::spawn(helper({"echo"}).setStdin(Stdio::pipe()).setStdout(Stdio::pipe()));
    FileDescriptor in = writer->takeStdin();
    FileDescriptor out = writer->takeStdout();
    auto bystander = Child::spawn(helper({"sleep", "1000"}));
    in.close();
    EXPECT_EQ(readAll(out), ""); // EOF although the bystander still runs
    EXPECT_TRUE(writer->wait().success());
    bystander->kill();
    bystander->wait();
}

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

TEST(Stdio, ChildClosingItsStdoutEarlyIsEndOfFile)
{
    auto child = Child::spawn(helper({"close-stdout", "1000"}).setStdout(Stdio::pipe()));
    FileDescriptor out = child->takeStdout();
    EXPECT_EQ(readAll(out), ""); // no hang although the child still runs
    child->kill();
    EXPECT_EQ(child->wait().signalNumber(), SIGKILL);
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
