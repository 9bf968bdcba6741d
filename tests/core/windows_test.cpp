// SPDX-License-Identifier: MIT
// What only the Windows backend does: kill() and terminate() through
// TerminateProcess() and how their status reads, how a crash reads,
// sendSignal()'s mapping, adoption by handle, the PATHEXT lookup, the sorted
// environment block and the limits of a Windows command line.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

#include <windows.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

std::wstring wide(const std::string &text)
{
    std::wstring result(text.size(), L'\0');
    result.resize(static_cast<std::size_t>(
            ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()),
                                  result.data(), static_cast<int>(result.size()))));
    return result;
}

// Starts the helper with CreateProcessW() directly, as other code would.
HANDLE startHelperElsewhere(const std::string &arguments)
{
    std::wstring commandLine = L"sctest-helper " + wide(arguments);
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    PROCESS_INFORMATION process{};
    if (!::CreateProcessW(wide(SCTEST_HELPER).c_str(), commandLine.data(), nullptr, nullptr, FALSE,
                          0, nullptr, nullptr, &startup, &process))
        return nullptr;
    ::CloseHandle(process.hThread);
    return process.hProcess;
}

std::string backslashed(std::string path)
{
    std::replace(path.begin(), path.end(), '/', '\\');
    return path;
}

} // namespace

TEST(Windows, BackendIsWindowsAndHasNoPollDescriptor)
{
    EXPECT_EQ(Child::backend(), Child::Backend::Windows);
    const auto child = Child::spawn(helper({"exit", "0"}));
    EXPECT_EQ(child->pollDescriptor(), -1);
    EXPECT_TRUE(child->wait().success());
}

TEST(Windows, KillAndTerminateReportTheirMappedSignal)
{
    const auto killed = Child::spawn(helper({"sleep", "60"}));
    killed->kill();
    EXPECT_EQ(killed->wait(), ExitStatus::signaled(9, false, killed->wait().resourceUsage()));
    EXPECT_EQ(killed->wait().toString(), "killed by signal 9 (SIGKILL)");

    const auto terminated = Child::spawn(helper({"sleep", "60"}));
    terminated->terminate();
    EXPECT_EQ(terminated->wait().signalNumber(), 15);
    EXPECT_EQ(terminated->wait().toString(), "killed by signal 15 (SIGTERM)");

    for (const int signal : {9, 15}) {
        const auto child = Child::spawn(helper({"sleep", "60"}));
        child->sendSignal(signal);
        EXPECT_EQ(child->wait().signalNumber(), signal);
    }
}

TEST(Windows, TheExitCodeOfATerminationIsNoSignalByItself)
{
    // 0xF291 is the code TerminateProcess() gets; exiting with it is still an exit.
    const ExitStatus status = Child::spawn(helper({"exit", "62097"}))->wait();
    EXPECT_TRUE(status.exitedNormally());
    EXPECT_EQ(status.exitCode(), 62097);

    // Someone else's TerminateProcess() reports the code that one gave.
    const auto child = Child::spawn(helper({"sleep", "60"}));
    ASSERT_NO_FATAL_FAILURE(killBehindTheLibrarysBack(child->id()));
    const ExitStatus foreign = child->wait();
    EXPECT_TRUE(foreign.exitedNormally());
    EXPECT_EQ(foreign.exitCode(), 9);
}

TEST(Windows, AnUnhandledExceptionIsACrash)
{
    const ExitStatus crashed = Child::spawn(helper({"crash"}))->wait();
    EXPECT_EQ(
            crashed,
            ExitStatus::unhandledException(static_cast<int>(0xC0000005u), crashed.resourceUsage()));
    EXPECT_TRUE(crashed.crashed());
    EXPECT_EQ(crashed.toString(), "unhandled exception 0xC0000005");

    // The codes QProcess counts as crashes too: NTSTATUS warnings and errors,
    // 0x80000000 up to 0xCFFFFFFF, whether an exception or exit() gave them.
    const auto exitWith = [](unsigned code) {
        return Child::spawn(helper({"exit", std::to_string(static_cast<int>(code))}))->wait();
    };
    for (const unsigned code : {0x80000000u, 0x80000003u, 0xCFFFFFFFu}) {
        SCOPED_TRACE(code);
        const ExitStatus status = exitWith(code);
        EXPECT_TRUE(status.crashed()) << status.toString();
        EXPECT_EQ(status.exitCode(), static_cast<int>(code));
    }
    for (const unsigned code : {0x7FFFFFFFu, 0xD0000000u, 0xFFFFFFFFu}) {
        SCOPED_TRACE(code);
        const ExitStatus status = exitWith(code);
        EXPECT_FALSE(status.crashed()) << status.toString();
        EXPECT_EQ(status, ExitStatus::exited(static_cast<int>(code), status.resourceUsage()));
    }
}

TEST(Windows, OtherSignalsAreRefused)
{
    const auto child = Child::spawn(helper({"sleep", "60"}));
    const ScopeExit cleanup([child] { child->kill(); });
    EXPECT_NO_THROW(child->sendSignal(0));
    for (const int signal : {1, 2, 3, 6, 14}) {
        SCOPED_TRACE(signal);
        const auto error = systemErrorFrom([&] { child->sendSignal(signal); });
        ASSERT_TRUE(error.has_value());
        EXPECT_EQ(error->code(), errnoCode(ENOTSUP)) << error->what();
        EXPECT_NE(std::string(error->what()).find(signalName(signal)), std::string::npos)
                << error->what();
    }
    for (const int signal : {-1, 10, 64, 1000}) {
        SCOPED_TRACE(signal);
        const auto error = systemErrorFrom([&] { child->sendSignal(signal); });
        ASSERT_TRUE(error.has_value());
        EXPECT_EQ(error->code(), errnoCode(EINVAL)) << error->what();
    }
    EXPECT_FALSE(child->tryWait().has_value()) << "a refused signal must not reach the child";
    EXPECT_FALSE(child->stopped().has_value());
}

TEST(Windows, SignalsAfterExitAreNoOps)
{
    const auto child = Child::spawn(helper({"exit", "7"}));
    ASSERT_NO_FATAL_FAILURE(awaitExitWithoutReaping(child->id()));
    EXPECT_NO_THROW(child->kill());
    EXPECT_NO_THROW(child->terminate());
    EXPECT_NO_THROW(child->sendSignal(9));
    EXPECT_EQ(child->wait().exitCode(), 7) << child->wait().toString();
    EXPECT_NO_THROW(child->kill());
}

TEST(Windows, PosixOnlyFeaturesSayNotSupported)
{
    const auto leader = Child::spawn(helper({"sleep", "60"}).setNewProcessGroup(true));
    const ScopeExit cleanup([leader] { leader->kill(); });
    const auto groupError = systemErrorFrom([&] { leader->killProcessGroup(9); });
    ASSERT_TRUE(groupError.has_value());
    EXPECT_EQ(groupError->code(), errnoCode(ENOTSUP)) << groupError->what();

    const auto adoptError = systemErrorFrom([&] { Child::adopt(leader->id()); });
    ASSERT_TRUE(adoptError.has_value());
    EXPECT_EQ(adoptError->code(), errnoCode(ENOTSUP)) << adoptError->what();
}

TEST(Windows, AdoptsAProcessHandle)
{
    const HANDLE process = startHelperElsewhere("exit 5");
    ASSERT_NE(process, nullptr) << ::GetLastError();
    const DWORD pid = ::GetProcessId(process);
    const auto child = Child::adopt(FileDescriptor(process));
    EXPECT_EQ(child->id(), pid);
    EXPECT_EQ(child->wait().exitCode(), 5);

    const HANDLE sleeper = startHelperElsewhere("sleep 60");
    ASSERT_NE(sleeper, nullptr) << ::GetLastError();
    const auto adopted = Child::adopt(FileDescriptor(sleeper));
    EXPECT_FALSE(adopted->tryWait().has_value());
    adopted->kill();
    EXPECT_EQ(adopted->wait().signalNumber(), 9);

    const HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    const auto notAProcess = systemErrorFrom([&] { Child::adopt(FileDescriptor(event)); });
    EXPECT_TRUE(notAProcess.has_value()) << "an event was adopted as a process";
}

TEST(Windows, PathextCompletesNamesWithoutExtension)
{
    const TempDir dir;
    const std::string probe = dir.placeHelper("sctest-pathext-probe");
    Command byName("sctest-pathext-probe", {"exit", "3"});
    byName.setEnvironment({"PATH=" + dir.path(), "PATHEXT=.COM;.EXE"});
    EXPECT_EQ(Child::spawn(byName)->wait().exitCode(), 3);

    Command withoutPathext("sctest-pathext-probe", {"exit", "3"});
    withoutPathext.setEnvironment({"PATH=" + dir.path(), "PATHEXT=.COM"});
    const auto error = systemErrorFrom([&] { Child::spawn(withoutPathext); });
    ASSERT_TRUE(error.has_value()) << "found although PATHEXT lacks .EXE";
    EXPECT_EQ(error->code(), errnoCode(ENOENT));
    EXPECT_NE(std::string(error->what()).find("sctest-pathext-probe (searched in PATH)"),
              std::string::npos)
            << error->what();

    const std::string withoutExtension = probe.substr(0, probe.size() - 4);
    EXPECT_EQ(Child::spawn(Command(withoutExtension, {"exit", "4"}))->wait().exitCode(), 4);
}

TEST(Windows, EnvironmentIsSortedAndNamesIgnoreCase)
{
    // Given unsorted and in mixed case: Windows wants the block sorted by name.
    const std::vector<std::string> environment = {"ZED=last", "alpha=first", "Middle=between"};
    const auto value = [&](const std::string &name) {
        return runHelper({"env", name},
                         [&](Command &command) { command.setEnvironment(environment); })
                .output;
    };
    EXPECT_EQ(value("ZED"), "last\n");
    EXPECT_EQ(value("ALPHA"), "first\n");
    EXPECT_EQ(value("middle"), "between\n");

    // PATH is found whatever its case.
    const TempDir dir;
    dir.placeHelper("sctest-case-probe");
    Command probe("sctest-case-probe", {"exit", "0"});
    probe.setEnvironment({"Path=" + dir.path()});
    EXPECT_TRUE(Child::spawn(probe)->wait().success());
}

TEST(Windows, CommandLineLimitsAreClearErrors)
{
    const auto tooLong = systemErrorFrom([] {
        Child::spawn(helper({"args", std::string(40000, 'x')}));
    });
    ASSERT_TRUE(tooLong.has_value());
    EXPECT_EQ(tooLong->code(), errnoCode(E2BIG)) << tooLong->what();
    EXPECT_NE(std::string(tooLong->what()).find(SCTEST_HELPER), std::string::npos);

    const auto notUtf8 = systemErrorFrom([] { Child::spawn(helper({"args", "\xff\xfe"})); });
    ASSERT_TRUE(notUtf8.has_value());
    EXPECT_EQ(notUtf8->code(), errnoCode(EILSEQ)) << notUtf8->what();
    EXPECT_NE(std::string(notUtf8->what()).find("argument 2"), std::string::npos)
            << notUtf8->what();
}

// CVE-2024-24576's class: CreateProcessW() runs a batch file through cmd.exe,
// which reads the arguments as commands. Windows drops the trailing dots and
// spaces of a name (and "." components) when it opens a file, so each
// spelling below opens x.bat or y.cmd, found directly, through PATH or
// completed by PATHEXT; each must be refused before anything runs.
TEST(Windows, BatchFilesAreRefusedWhateverTheSpelling)
{
    const TempDir dir;
    const std::string ran = backslashed(dir.file("batch-ran"));
    const std::string injected = backslashed(dir.file("injected"));
    writeFile(dir.file("x.bat"), "@echo ran>\"" + ran + "\"\r\n");
    writeFile(dir.file("y.cmd"), "@echo ran>\"" + ran + "\"\r\n");
    const std::vector<std::string> injections
            = {"&echo PWNED>" + injected, "\"&echo PWNED>" + injected + "&rem \""};
    const std::vector<std::string> names
            = {"x.bat.", "x.bat ", "x.bat..", "x.BAT. ", "y.cmd.", "x.bat. . ", "x.bat/."};
    const auto withPath = [&](const std::string &pathext) {
        std::vector<std::string> changes = {"PATH=" + dir.path()};
        if (!pathext.empty())
            changes.push_back("PATHEXT=" + pathext);
        return environmentWith(changes);
    };

    std::vector<std::pair<std::string, Command>> attempts;
    for (const std::string &name : names) {
        attempts.emplace_back("direct " + name, Command(dir.file(name), injections));
        if (name.find('/') == std::string::npos) {
            attempts.emplace_back("PATH " + name,
                                  Command(name, injections).setEnvironment(withPath({})));
        }
    }
    for (const std::string &extension : {".BAT.", ".BAT ", ".bat..", ".Bat. ."}) {
        attempts.emplace_back("PATHEXT " + extension,
                              Command("x", injections).setEnvironment(withPath(extension)));
        attempts.emplace_back("direct PATHEXT " + extension,
                              Command(dir.file("x"), injections)
                                      .setEnvironment(environmentWith({"PATHEXT=" + extension})));
    }
    attempts.emplace_back("PATHEXT .CMD.",
                          Command("y", injections).setEnvironment(withPath(".COM;.EXE;.CMD.")));

    const auto attempt = [&](const std::string &description, const Command &command) {
        SCOPED_TRACE(description);
        // Should a spawn succeed, the wait lets the batch file leave its marks.
        const auto error = systemErrorFrom([&] { Child::spawn(command)->wait(); });
        ASSERT_TRUE(error.has_value()) << "a batch file was started";
        EXPECT_EQ(error->code(), errnoCode(ENOEXEC)) << error->what();
        const std::string what = error->what();
        EXPECT_NE(what.find(command.program() + ": "), std::string::npos) << what;
        EXPECT_NE(what.find("is a batch file"), std::string::npos) << what;
    };
    for (const auto &[description, command] : attempts)
        attempt(description, command);

    // A relative path with a directory part, resolved against the current directory.
    const std::filesystem::path previous = std::filesystem::current_path();
    const ScopeExit restore([&] { std::filesystem::current_path(previous); });
    const std::filesystem::path tempDir(dir.path());
    std::filesystem::current_path(tempDir.parent_path());
    attempt("relative dir/x.bat.", Command(tempDir.filename().string() + "/x.bat.", injections));

    EXPECT_FALSE(fileExists(ran)) << "a batch file ran";
    EXPECT_FALSE(fileExists(injected)) << "cmd.exe ran an argument as a command";
}

// The path CreateProcessW() gets is the normalised one, and it runs: a
// program named with a trailing dot or space still starts.
TEST(Windows, TrailingDotsAndSpacesStillNameAProgram)
{
    const TempDir dir;
    dir.placeHelper("sctest-dot-probe");
    EXPECT_EQ(Child::spawn(Command(dir.file("sctest-dot-probe.exe."), {"exit", "3"}))
                      ->wait()
                      .exitCode(),
              3);
    Command byPath("sctest-dot-probe.exe ", {"exit", "4"});
    byPath.setEnvironment(environmentWith({"PATH=" + dir.path()}));
    EXPECT_EQ(Child::spawn(byPath)->wait().exitCode(), 4);
    Command byPathext("sctest-dot-probe", {"exit", "5"});
    byPathext.setEnvironment(environmentWith({"PATH=" + dir.path(), "PATHEXT=.EXE."}));
    EXPECT_EQ(Child::spawn(byPathext)->wait().exitCode(), 5);
}
