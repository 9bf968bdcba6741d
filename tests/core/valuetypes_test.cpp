// SPDX-License-Identifier: MIT
// The value types behind their d-pointers (Command, Stdio, ExitStatus,
// ResourceUsage): defaults, copies, moves and equality behave as plain
// values, and moving never throws. Also Child's signal numbers.

#include <sharedchild/child.h>
#include <sharedchild/command.h>
#include <sharedchild/exitstatus.h>
#include <sharedchild/stdio.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <type_traits>
#include <utility>

using namespace SharedChild;
using namespace std::chrono_literals;

template<typename T>
constexpr bool movesWithoutThrowing
        = std::is_nothrow_move_constructible_v<T> &&std::is_nothrow_move_assignable_v<T>;
static_assert(movesWithoutThrowing<Command>);
static_assert(movesWithoutThrowing<Stdio>);
static_assert(movesWithoutThrowing<ExitStatus>);
static_assert(movesWithoutThrowing<ResourceUsage>);
static_assert(std::is_nothrow_default_constructible_v<ExitStatus>);
static_assert(std::is_nothrow_default_constructible_v<ResourceUsage>);
// Each is one d-pointer and nothing else, so that fields can be added later.
static_assert(sizeof(Stdio) == sizeof(std::shared_ptr<int>));
static_assert(sizeof(ExitStatus) == sizeof(std::shared_ptr<int>));
static_assert(sizeof(ResourceUsage) == sizeof(std::shared_ptr<int>));
static_assert(sizeof(Command) == sizeof(void *));

TEST(ValueTypes, ResourceUsageDefaultIsInvalidAndZero)
{
    const ResourceUsage none;
    EXPECT_FALSE(none.isValid());
    EXPECT_EQ(none.userTime(), 0us);
    EXPECT_EQ(none.systemTime(), 0us);
    EXPECT_EQ(none.peakRssBytes(), 0);
    EXPECT_EQ(none, ResourceUsage());
}

TEST(ValueTypes, ResourceUsageKeepsItsMeasurementsAndComparesThem)
{
    const ResourceUsage usage(3us, 4us, 5);
    EXPECT_TRUE(usage.isValid());
    EXPECT_EQ(usage.userTime(), 3us);
    EXPECT_EQ(usage.systemTime(), 4us);
    EXPECT_EQ(usage.peakRssBytes(), 5);
    EXPECT_EQ(usage, ResourceUsage(3us, 4us, 5));
    EXPECT_NE(usage, ResourceUsage(3us, 4us, 6));
    EXPECT_NE(usage, ResourceUsage(3us, 5us, 5));
    EXPECT_NE(usage, ResourceUsage(4us, 4us, 5));
    // A valid usage of zeros is still not "nothing measured".
    EXPECT_NE(ResourceUsage(0us, 0us, 0), ResourceUsage());

    ResourceUsage moved = usage;
    const ResourceUsage target = std::move(moved);
    EXPECT_EQ(target, usage);
    EXPECT_FALSE(moved.isValid()); // NOLINT(bugprone-use-after-move): documented state
}

TEST(ValueTypes, ExitStatusCopiesAndComparesLikeAValue)
{
    const ExitStatus none;
    EXPECT_FALSE(none.isValid());
    EXPECT_FALSE(none.success());
    EXPECT_FALSE(none.exitedNormally());
    EXPECT_FALSE(none.coreDumped());
    EXPECT_EQ(none.exitCode(), -1);
    EXPECT_EQ(none.signalNumber(), 0);
    EXPECT_FALSE(none.resourceUsage().isValid());

    const ExitStatus dumped = ExitStatus::signaled(11, true, ResourceUsage(1us, 2us, 3));
    EXPECT_TRUE(dumped.coreDumped());
    EXPECT_EQ(dumped.resourceUsage(), ResourceUsage(1us, 2us, 3));
    EXPECT_NE(dumped, ExitStatus::signaled(11, false, ResourceUsage(1us, 2us, 3)));
    EXPECT_NE(dumped, ExitStatus::signaled(11, true));
    EXPECT_EQ(dumped, ExitStatus::signaled(11, true, ResourceUsage(1us, 2us, 3)));
    EXPECT_NE(ExitStatus::exited(0), none);
    EXPECT_TRUE(ExitStatus::exited(0).success());

    ExitStatus copy = dumped;
    EXPECT_EQ(copy, dumped);
    copy = ExitStatus::exited(2);
    EXPECT_EQ(copy.exitCode(), 2);
    EXPECT_EQ(dumped.signalNumber(), 11); // the copy's new value left the original alone
    ExitStatus target = std::move(copy);
    EXPECT_EQ(target.exitCode(), 2);
    EXPECT_FALSE(copy.isValid()); // NOLINT(bugprone-use-after-move): documented state
}

TEST(ValueTypes, ExitStatusTellsExitsSignalsAndExceptionsApart)
{
    const ExitStatus exited = ExitStatus::exited(3);
    EXPECT_TRUE(exited.exitedNormally());
    EXPECT_FALSE(exited.crashed());
    EXPECT_FALSE(ExitStatus().crashed());

    const ExitStatus signaled = ExitStatus::signaled(11);
    EXPECT_FALSE(signaled.exitedNormally());
    EXPECT_TRUE(signaled.crashed());
    EXPECT_EQ(signaled.exitCode(), -1);

    // 0xC0000005, an access violation, as Windows gives it for an int.
    constexpr int accessViolation = -1073741819;
    const ExitStatus exception = ExitStatus::unhandledException(accessViolation);
    EXPECT_TRUE(exception.isValid());
    EXPECT_TRUE(exception.crashed());
    EXPECT_TRUE(exception.exitedNormally());
    EXPECT_FALSE(exception.success());
    EXPECT_EQ(exception.exitCode(), accessViolation);
    EXPECT_EQ(exception.signalNumber(), 0);
    EXPECT_FALSE(exception.coreDumped());
    EXPECT_EQ(exception.toString(), "unhandled exception 0xC0000005");
    EXPECT_NE(exception, ExitStatus::exited(accessViolation));
    EXPECT_EQ(exception, ExitStatus::unhandledException(accessViolation));
    EXPECT_FALSE(ExitStatus::unhandledException(0).success());
}

TEST(ValueTypes, StdioKindsPathsAndDescriptors)
{
    EXPECT_EQ(Stdio::inherit().kind(), Stdio::Kind::Inherit);
    EXPECT_EQ(Stdio::null().kind(), Stdio::Kind::Null);
    EXPECT_EQ(Stdio::pipe().kind(), Stdio::Kind::Pipe);
    EXPECT_EQ(Stdio::mergeWithStdout().kind(), Stdio::Kind::MergeWithStdout);
    EXPECT_EQ(Stdio::file("a").kind(), Stdio::Kind::File);
    EXPECT_EQ(Stdio::file("a").path(), "a");
    EXPECT_EQ(Stdio::appendFile("b").kind(), Stdio::Kind::AppendFile);
    EXPECT_EQ(Stdio::appendFile("b").path(), "b");
    EXPECT_TRUE(Stdio::pipe().path().empty());
    EXPECT_EQ(Stdio::pipe().nativeDescriptor(), invalidNativeDescriptor());
    const Stdio descriptor = Stdio::descriptor(NativeDescriptor{});
    EXPECT_EQ(descriptor.kind(), Stdio::Kind::Descriptor);
    EXPECT_EQ(descriptor.nativeDescriptor(), NativeDescriptor{});

    EXPECT_EQ(Stdio::pipe(), Stdio::pipe());
    EXPECT_EQ(Stdio::file("a"), Stdio::file("a"));
    EXPECT_NE(Stdio::file("a"), Stdio::file("b"));
    EXPECT_NE(Stdio::file("a"), Stdio::appendFile("a"));
    EXPECT_NE(Stdio::null(), Stdio::inherit());

    Stdio moved = Stdio::file("a");
    const Stdio target = std::move(moved);
    EXPECT_EQ(target, Stdio::file("a"));
    EXPECT_EQ(moved, Stdio::inherit()); // NOLINT(bugprone-use-after-move): documented state
}

TEST(ValueTypes, CommandCopiesAreIndependent)
{
    Command original("prog", {"a"});
    original.setStdout(Stdio::pipe()).setWorkingDirectory("/tmp");
    Command copy = original;
    copy.addArgument("b").setStdout(Stdio::null()).setEnvironment({"X=1"});
    EXPECT_EQ(original.arguments(), std::vector<std::string>{"a"});
    EXPECT_EQ(original.stdoutMode(), Stdio::pipe());
    EXPECT_FALSE(original.environment());
    EXPECT_EQ(copy.arguments(), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(copy.workingDirectory(), "/tmp");
    EXPECT_EQ(copy.stdinMode(), Stdio::inherit());

    copy = original;
    EXPECT_EQ(copy.stdoutMode(), Stdio::pipe());
    EXPECT_FALSE(copy.environment());
}

TEST(ValueTypes, AMovedFromCommandReadsAsEmptyAndTakesNewSettings)
{
    Command original("prog", {"a"});
    original.setNewProcessGroup(true);
    const Command target = std::move(original);
    EXPECT_EQ(target.program(), "prog");
    EXPECT_TRUE(target.newProcessGroup());
    // NOLINTBEGIN(bugprone-use-after-move): the documented moved-from state
    EXPECT_EQ(original.program(), "");
    EXPECT_TRUE(original.arguments().empty());
    EXPECT_FALSE(original.newProcessGroup());
    EXPECT_EQ(original.stderrMode(), Stdio::inherit());
    original.addArgument("x");
    EXPECT_EQ(original.arguments(), std::vector<std::string>{"x"});
    original = target;
    EXPECT_EQ(original.program(), "prog");
    // NOLINTEND(bugprone-use-after-move)
}

// A program may bind the signal numbers to a reference, as EXPECT_EQ and
// std::max do. That must need no symbol from the library: a Windows DLL does
// not export a class's inline static members, so static constexpr members
// failed to link there (found by the mingw build of ParentDeath.*).
TEST(ValueTypes, SignalNumbersLinkWhenBoundToAReference)
{
    const int &kill = Child::killSignal;
    EXPECT_EQ(kill, 9);
    EXPECT_EQ(Child::terminateSignal, 15);
    EXPECT_EQ(std::max<int>(Child::killSignal, Child::terminateSignal), 15);
}
