// SPDX-License-Identifier: MIT
// SIGCHLD's disposition (childsignal.h): an ignored SIGCHLD, or SA_NOCLDWAIT,
// loses every exit status; restoreChildSignalDefault() makes children
// waitable again and touches nothing else.

#include "testsupport.h"

#include <sharedchild/child.h>
#include <sharedchild/childsignal.h>

#include <gtest/gtest.h>

#include <csignal>
#include <optional>
#include <string>
#include <variant>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

void countingHandler(int) { }

// Installs a SIGCHLD disposition for the test's duration.
class ChildAction
{
public:
    ChildAction(void (*handler)(int), int flags)
    {
        struct sigaction action = {};
        action.sa_handler = handler;
        action.sa_flags = flags;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGCHLD, &action, &m_saved);
    }
    ~ChildAction() { ::sigaction(SIGCHLD, &m_saved, nullptr); }
    ChildAction(const ChildAction &) = delete;
    ChildAction &operator=(const ChildAction &) = delete;

private:
    struct sigaction m_saved = {};
};

struct sigaction currentAction()
{
    struct sigaction action = {};
    ::sigaction(SIGCHLD, nullptr, &action);
    return action;
}

// The status of a child that exits with 3, or the error wait() threw.
std::variant<ExitStatus, CaughtError> exitThree()
{
    const auto child = Child::spawn(helper({"exit", "3"}));
    std::optional<ExitStatus> status;
    if (auto error = systemErrorFrom([&] { status = child->wait(); }))
        return *error;
    return *status;
}

} // namespace

TEST(ChildSignal, DefaultDispositionIsLeftAlone)
{
    const ChildAction defaults(SIG_DFL, 0);
    EXPECT_FALSE(childrenAreReapedAutomatically());
    EXPECT_FALSE(restoreChildSignalDefault());
    EXPECT_EQ(currentAction().sa_handler, SIG_DFL);
    const auto result = exitThree();
    ASSERT_TRUE(std::holds_alternative<ExitStatus>(result));
    EXPECT_EQ(std::get<ExitStatus>(result).exitCode(), 3);
}

TEST(ChildSignal, IgnoredLosesTheStatusUntilRestored)
{
    const ChildAction ignored(SIG_IGN, 0);
    EXPECT_TRUE(childrenAreReapedAutomatically());
    const auto lost = exitThree();
    ASSERT_TRUE(std::holds_alternative<CaughtError>(lost))
            << "made up a status: " << std::get<ExitStatus>(lost).toString();
    EXPECT_EQ(std::get<CaughtError>(lost).code(), errnoCode(ECHILD));
    EXPECT_NE(std::string(std::get<CaughtError>(lost).what())
                      .find("SIGCHLD is ignored in this process: see restoreChildSignalDefault()"),
              std::string::npos)
            << "the error should say what helps: " << std::get<CaughtError>(lost).what();

    EXPECT_TRUE(restoreChildSignalDefault());
    EXPECT_FALSE(childrenAreReapedAutomatically());
    EXPECT_EQ(currentAction().sa_handler, SIG_DFL);
    const auto kept = exitThree();
    ASSERT_TRUE(std::holds_alternative<ExitStatus>(kept)) << std::get<CaughtError>(kept).what();
    EXPECT_EQ(std::get<ExitStatus>(kept).exitCode(), 3);
    EXPECT_FALSE(restoreChildSignalDefault()) << "a second call has nothing to do";
}

TEST(ChildSignal, NoChildWaitFlagIsDroppedAndTheHandlerKept)
{
    const ChildAction noChildWait(countingHandler, SA_NOCLDWAIT | SA_RESTART);
    EXPECT_TRUE(childrenAreReapedAutomatically());
    const auto lost = exitThree();
    ASSERT_TRUE(std::holds_alternative<CaughtError>(lost));
    EXPECT_EQ(std::get<CaughtError>(lost).code(), errnoCode(ECHILD));

    EXPECT_TRUE(restoreChildSignalDefault());
    const struct sigaction after = currentAction();
    EXPECT_EQ(after.sa_handler, &countingHandler);
    EXPECT_EQ(after.sa_flags & SA_NOCLDWAIT, 0);
    EXPECT_NE(after.sa_flags & SA_RESTART, 0) << "other flags must stay";
    const auto kept = exitThree();
    ASSERT_TRUE(std::holds_alternative<ExitStatus>(kept)) << std::get<CaughtError>(kept).what();
    EXPECT_EQ(std::get<ExitStatus>(kept).exitCode(), 3);
}

TEST(ChildSignal, AProgramsOwnHandlerIsLeftAlone)
{
    const ChildAction handled(countingHandler, SA_RESTART);
    EXPECT_FALSE(childrenAreReapedAutomatically());
    EXPECT_FALSE(restoreChildSignalDefault());
    const struct sigaction after = currentAction();
    EXPECT_EQ(after.sa_handler, &countingHandler);
    EXPECT_NE(after.sa_flags & SA_RESTART, 0);
}
