// SPDX-License-Identifier: MIT
// What the child starts with: working directory, environment and PATH lookup.
// (Descriptors, signal state and process groups: spawn_posix_test.cpp.)

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <filesystem>

using namespace SharedChild;
using namespace SharedChildTest;

TEST(ChildContext, WorkingDirectory)
{
    const TempDir dir;
    const std::string canonical = std::filesystem::canonical(dir.path()).string();
    const HelperRun moved = runHelper(
            {"cwd"}, [&](Command &command) { command.setWorkingDirectory(dir.path()); });
    EXPECT_EQ(moved.output, canonical + '\n');
    const HelperRun stayed = runHelper({"cwd"});
    EXPECT_EQ(stayed.output, std::filesystem::current_path().string() + '\n');
}

TEST(ChildContext, EnvironmentIsUsedAsGiven)
{
    ASSERT_NO_FATAL_FAILURE(setEnvironmentVariable("SCTEST_PARENT_ONLY", "from the parent"));
    const ScopeExit unset([] { unsetEnvironmentVariable("SCTEST_PARENT_ONLY"); });
    const auto printed
            = [](const std::string &name, std::optional<std::vector<std::string>> environment) {
                  return runHelper({"env", name},
                                   [&](Command &command) {
                                       if (environment)
                                           command.setEnvironment(*environment);
                                   })
                          .output;
              };

    EXPECT_EQ(printed("SCTEST_PARENT_ONLY", std::nullopt), "from the parent\n");
    const std::vector<std::string> given = {"SCTEST_GIVEN=given value", "SCTEST_EMPTY="};
    EXPECT_EQ(printed("SCTEST_GIVEN", given), "given value\n");
    EXPECT_EQ(printed("SCTEST_EMPTY", given), "\n");
    EXPECT_EQ(printed("SCTEST_PARENT_ONLY", given), "<unset>\n");
    EXPECT_EQ(printed("PATH", given), "<unset>\n");
    EXPECT_EQ(printed("SCTEST_PARENT_ONLY", std::vector<std::string>{}), "<unset>\n");
    EXPECT_EQ(printed("PATH", std::vector<std::string>{}), "<unset>\n");

    Command command = helper({});
    command.setEnvironment({});
    command.inheritEnvironment();
    EXPECT_FALSE(command.environment().has_value());
}

TEST(ChildContext, EnvironmentNamesMayStartWithEquals)
{
    // Windows keeps a directory per drive as "=C:=C:\work" and copies of its
    // environment carry them, so the refusal of nameless entries spares them.
    const HelperRun run = runHelper({"env", "SCTEST_GIVEN"}, [](Command &command) {
        command.setEnvironment({"=C:=C:\\", "SCTEST_GIVEN=given", "=ExitCode=00000000"});
    });
    EXPECT_TRUE(run.status.success()) << run.status.toString();
    EXPECT_EQ(run.output, "given\n");
}

TEST(ChildContext, ProgramIsLookedUpInTheChildsOwnPath)
{
    const TempDir dir;
    const std::string out = dir.file("out");
    dir.placeHelper("sctest-path-probe");

    const auto notInParentPath = systemErrorFrom([] {
        Child::spawn(Command("sctest-path-probe", {"exit", "0"}));
    });
    ASSERT_TRUE(notInParentPath.has_value()) << "the probe must not be in the parent's PATH";
    EXPECT_EQ(notInParentPath->code(), errnoCode(ENOENT));

    Command probe("sctest-path-probe", {"--out", out, "env", "PATH"});
    const std::string path = std::string("/nonexistent-sctest") + pathListSeparator + dir.path();
    probe.setEnvironment({"PATH=" + path});
    EXPECT_TRUE(Child::spawn(probe)->wait().success());
    EXPECT_EQ(readFile(out), path + '\n');

    Command inParentPathOnly(systemProgram());
    inParentPathOnly.setEnvironment({"PATH=" + dir.path()});
    const auto error = systemErrorFrom([&] { Child::spawn(inParentPathOnly); });
    ASSERT_TRUE(error.has_value()) << systemProgram() << " was found through the parent's PATH";
    EXPECT_EQ(error->code(), errnoCode(ENOENT));
}
