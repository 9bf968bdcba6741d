// SPDX-License-Identifier: MIT
// Standard streams on Command and Child: inherit, null, files, pipes handed
// out once, stderr merged into stdout, pipes closed early by the child, and
// pipes that stay with their own child however many spawns run at once.
// (SIGPIPE and a parent without standard streams: stdio_posix_test.cpp.)

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>

using namespace SharedChild;
using namespace SharedChildTest;

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
    const Command command = trueCommand();
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
    int fdsBefore = 0;
    for (int i = 0; i < 51; ++i) {
        // Counted after the first failure: what the OS sets up once on first
        // use (Wine keeps a handle or two) is no leak; a leak grows every time.
        if (i == 1)
            fdsBefore = openFdCount();
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

TEST(Stdio, ChildClosingItsStdoutEarlyIsEndOfFile)
{
    auto child = Child::spawn(helper({"close-stdout", "1000"}).setStdout(Stdio::pipe()));
    FileDescriptor out = child->takeStdout();
    EXPECT_EQ(readAll(out), ""); // no hang although the child still runs
    child->kill();
    EXPECT_EQ(child->wait().signalNumber(), SIGKILL);
}

TEST(Stdio, ConcurrentSpawnsDoNotInheritEachOthersPipes)
{
    // One thread keeps starting children that inherit whatever they may
    // while this one starts filters with pipes: if a pipe end leaked into a
    // sleeper, the filter would never see end of file on its stdin.
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::vector<std::shared_ptr<Child>> sleepers;
    std::optional<std::string> starterError; // guarded by mutex
    std::thread starter([&] {
        // A failed spawn must fail the test, not escape the thread: that ends
        // the process (std::terminate()) and leaves the sleepers running, and
        // ctest then waited out its whole timeout for the sleepers that held
        // its output pipe, hence also stdout and stderr on NUL (stdin is still
        // inherited from the parent).
        try {
            for (int i = 0; i < 100 && !stop; ++i) {
                auto sleeper = spawnRetryingWineInternalError(helper({"sleep", "1000"})
                                                                      .setStdout(Stdio::null())
                                                                      .setStderr(Stdio::null()));
                const std::lock_guard lock(mutex);
                sleepers.push_back(std::move(sleeper));
            }
        } catch (const std::system_error &error) {
            const std::lock_guard lock(mutex);
            starterError = error.what();
        }
    });
    const auto stopStarter = [&] {
        stop = true;
        if (starter.joinable())
            starter.join();
    };
    const ScopeExit cleanup([&] {
        stopStarter();
        for (const auto &sleeper : sleepers) {
            sleeper->kill();
            sleeper->wait();
        }
    });
    for (int round = 0; round < 20; ++round) {
        SCOPED_TRACE(round);
        auto filter = spawnRetryingWineInternalError(
                helper({"echo"}).setStdin(Stdio::pipe()).setStdout(Stdio::pipe()));
        FileDescriptor in = filter->takeStdin();
        ASSERT_TRUE(writeAll(in, "round\n"));
        in.close();
        auto output = runDetached([out = filter->takeStdout()] { return readAll(out); });
        ASSERT_EQ(output.wait_for(generousTimeout), std::future_status::ready)
                << "a pipe end leaked into a child started at the same time";
        EXPECT_EQ(output.get(), "round\n");
        EXPECT_TRUE(filter->wait().success());
    }
    stopStarter();
    EXPECT_FALSE(starterError.has_value()) << "starting a sleeper failed: " << *starterError;
}
