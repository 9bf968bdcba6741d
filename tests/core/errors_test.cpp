// SPDX-License-Identifier: MIT
// Bad input makes spawn() throw a std::system_error naming the program and the
// reason, and leaks nothing; an unknown backend name is a clear error.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>

#ifndef _WIN32
#include <sys/stat.h>
#endif

using namespace SharedChild;
using namespace SharedChildTest;
using namespace std::string_literals;

namespace {

struct BadInput
{
    std::string description;
    Command command;
    int error; // the errno spawn() must report
    std::vector<std::string> mentions; // what what() must contain
};

// What only one kind of OS can get wrong: a file without the execute bit
// (POSIX); a file that is no program, or a batch file (Windows, where the
// extension decides and CreateProcessW() would hand a batch file to cmd.exe).
std::vector<BadInput> platformBadInputs(const TempDir &dir)
{
    const auto reason = [](int error) { return std::generic_category().message(error); };
#ifdef _WIN32
    const std::string notAProgram = dir.file("not-a-program.exe");
    writeFile(notAProgram, "plain text\r\n");
    const std::string batchFile = dir.file("script.bat");
    writeFile(batchFile, "@exit 0\r\n");
    return {
            {"not a program", Command(notAProgram), ENOEXEC, {notAProgram, reason(ENOEXEC)}},
            {"batch file", Command(batchFile), ENOEXEC, {batchFile, "batch file", reason(ENOEXEC)}},
            {"batch file (PATH)",
             Command("script").setEnvironment({"PATH=" + dir.path(), "PATHEXT=.BAT"}),
             ENOEXEC,
             {"script", "batch file", reason(ENOEXEC)}},
    };
#else
    const std::string notExecutable = dir.file("not-executable");
    writeFile(notExecutable, "#!/bin/sh\nexit 0\n");
    ::chmod(notExecutable.c_str(), 0644);
    return {
            {"no execute permission",
             Command(notExecutable),
             EACCES,
             {notExecutable, reason(EACCES)}},
            {"no execute permission (PATH)",
             Command("not-executable").setEnvironment({"PATH=" + dir.path()}),
             EACCES,
             {"not-executable", reason(EACCES)}},
            {"NUL in an environment entry",
             helper({"exit", "0"}).setEnvironment({"A=1\0B=2"s}),
             EINVAL,
             {"\"A=1\\0B=2\"", "NUL", reason(EINVAL)}},
    };
#endif
}

std::vector<BadInput> badInputs(const TempDir &dir)
{
    const std::string missingDirectory = dir.file("missing-directory");
    const std::string helperPath = SCTEST_HELPER;
    const auto reason = [](int error) { return std::generic_category().message(error); };

    std::vector<BadInput> inputs = {
            {"missing program (absolute path)",
             Command("/nonexistent-sctest/program"),
             ENOENT,
             {"/nonexistent-sctest/program", reason(ENOENT)}},
            {"missing program (PATH)",
             Command("sctest-no-such-program"),
             ENOENT,
             {"sctest-no-such-program", reason(ENOENT)}},
            {"a directory", Command(dir.path()), EACCES, {dir.path(), "directory", reason(EACCES)}},
            {"empty program", Command(""), ENOENT, {"empty program name", reason(ENOENT)}},
            {"NUL in an argument",
             helper({"exit", std::string("0\0tail", 6)}),
             EINVAL,
             {helperPath, "NUL", reason(EINVAL)}},
            // A NUL byte in what() would end the message: shown escaped, as
            // are other control characters.
            {"NUL starting the program name",
             Command("\0/bin/true"s),
             EINVAL,
             {"\\0/bin/true", "program name", "NUL", reason(EINVAL)}},
            {"NUL inside the program name",
             Command("/bin/true\0x"s),
             EINVAL,
             {"/bin/true\\0x", "program name", "NUL", reason(EINVAL)}},
            {"NUL and control characters in the program name",
             Command("\x01tab\there\0\x7f"s),
             EINVAL,
             {"\\x01tab\\x09here\\0\\x7f", "NUL", reason(EINVAL)}},
            // Each would corrupt a Windows environment block (an empty
            // entry ends it early, and the entries after it vanish); refused
            // on every OS alike.
            {"empty environment entry",
             helper({"exit", "0"}).setEnvironment({"", "SCTEST_A=1"}),
             EINVAL,
             {helperPath, "environment entry \"\"", "KEY=VALUE", reason(EINVAL)}},
            {"environment entry without '='",
             helper({"exit", "0"}).setEnvironment({"SCTEST_A=1", "SCTEST_NO_EQUALS"}),
             EINVAL,
             {helperPath, "\"SCTEST_NO_EQUALS\"", "KEY=VALUE", reason(EINVAL)}},
            {"environment entry without a name",
             helper({"exit", "0"}).setEnvironment({"=sctest-value"}),
             EINVAL,
             {helperPath, "\"=sctest-value\"", "KEY=VALUE", reason(EINVAL)}},
            {"environment entry that is only '='",
             helper({"exit", "0"}).setEnvironment({"="}),
             EINVAL,
             {helperPath, "\"=\"", "KEY=VALUE", reason(EINVAL)}},
            {"NUL in an environment entry",
             helper({"exit", "0"}).setEnvironment({std::string("SCTEST_A=1\0SCTEST_B=2", 21)}),
             EINVAL,
             {helperPath, "SCTEST_A=1", "NUL", reason(EINVAL)}},
            {"missing working directory",
             helper({"exit", "0"}).setWorkingDirectory(missingDirectory),
             ENOENT,
             {helperPath, missingDirectory, reason(ENOENT)}},
    };
    for (BadInput &input : platformBadInputs(dir))
        inputs.push_back(std::move(input));
    return inputs;
}

} // namespace

TEST(SpawnErrors, BadInputThrowsNamingTheProgramAndTheReason)
{
    const TempDir dir;
    for (const BadInput &input : badInputs(dir)) {
        SCOPED_TRACE(input.description);
        const auto error = systemErrorFrom([&] { Child::spawn(input.command); });
        ASSERT_TRUE(error.has_value()) << "spawn() succeeded";
        EXPECT_EQ(error->code(), errnoCode(input.error)) << error->what();
        for (const std::string &mention : input.mentions) {
            EXPECT_NE(std::string(error->what()).find(mention), std::string::npos)
                    << '"' << error->what() << "\" does not mention \"" << mention << '"';
        }
    }
}

TEST(SpawnErrors, MissingWorkingDirectoryIsTheWorkingDirectoryStep)
{
    // Callers (the Qt layer words it as QProcess: "chdir: ...") tell this
    // failure apart by type, not by the message, on spawn() and spawnDetached().
    const TempDir dir;
    const std::string missing = dir.path() + "/missing";
    for (const bool detached : {false, true}) {
        SCOPED_TRACE(detached ? "spawnDetached()" : "spawn()");
        const Command command = helper({"exit", "0"}).setWorkingDirectory(missing);
        try {
            detached ? void(Child::spawnDetached(command)) : void(Child::spawn(command));
            ADD_FAILURE() << "the start succeeded";
        } catch (const SpawnError &error) {
            EXPECT_EQ(error.step(), SpawnError::Step::WorkingDirectory);
            EXPECT_EQ(error.code(), errnoCode(ENOENT));
        }
    }
    try {
        Child::spawn(helper({"exit", "0"}).setStdin(Stdio::file(missing)));
        ADD_FAILURE() << "the start succeeded";
    } catch (const SpawnError &) {
        ADD_FAILURE() << "a missing stdin file is not the working directory step";
    } catch (const std::system_error &) { }
}

TEST(SpawnErrors, HundredFailuresLeakNothing)
{
    const TempDir dir;
    const std::vector<BadInput> inputs = badInputs(dir);
    // One round first: what the OS sets up once on first use (Wine keeps a
    // handle or a thread for later calls) is no leak; a leak grows with every failure.
    for (const BadInput &input : inputs)
        EXPECT_THROW(Child::spawn(input.command), std::system_error);
    const int fds = openFdCount();
    const int threads = threadCount();
    const std::size_t children = childProcesses().size();
    for (std::size_t i = 0; i < 100; ++i)
        EXPECT_THROW(Child::spawn(inputs[i % inputs.size()].command), std::system_error);
    EXPECT_EQ(openFdCount(), fds);
    EXPECT_EQ(threadCount(), threads);
    EXPECT_EQ(childProcesses().size(), children) << "a failed spawn left a process behind";
    EXPECT_TRUE(Child::spawn(helper({"exit", "0"}))->wait().success()) << "spawning still works";
}

TEST(Backend, UnknownNameIsAClearError)
{
    if (isInnerRun()) {
        const auto error = systemErrorFrom([] { Child::spawn(helper({"exit", "0"})); });
        ASSERT_TRUE(error.has_value()) << "spawn() accepted SHAREDCHILD_BACKEND=bogus";
        EXPECT_EQ(error->code(), errnoCode(EINVAL));
        const std::string what = error->what();
        EXPECT_NE(what.find("SHAREDCHILD_BACKEND"), std::string::npos) << what;
        EXPECT_NE(what.find("bogus"), std::string::npos) << what;
        const auto backendError = systemErrorFrom([] { (void)Child::backend(); });
        ASSERT_TRUE(backendError.has_value());
        EXPECT_STREQ(backendError->what(), error->what());
        EXPECT_TRUE(childProcesses().empty()) << "a child was started anyway";
        if (!::testing::Test::HasFailure())
            markInnerRunPassed();
        return;
    }
    const InnerRun run = runCurrentTestInSubprocess({}, {"SHAREDCHILD_BACKEND=bogus"});
    EXPECT_TRUE(run.status.success()) << "inner run: " << run.status.toString();
    EXPECT_TRUE(run.passed) << "the inner run did not reach its checks";
}
