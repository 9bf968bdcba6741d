// SPDX-License-Identifier: MIT
// Arguments reach the child byte for byte: blanks, quotes, backslashes, empty
// arguments, UTF-8. On Windows this checks the quoting of the command line
// against CommandLineToArgvW(); on POSIX, that nothing stands in the way.

#include "testsupport.h"

#include <sharedchild/child.h>

#include <gtest/gtest.h>

using namespace SharedChild;
using namespace SharedChildTest;

namespace {

// What the helper's "args" mode prints for one argument.
std::string hexLine(const std::string &bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string line;
    for (const unsigned char byte : bytes) {
        line += digits[byte >> 4];
        line += digits[byte & 15];
    }
    return line + '\n';
}

} // namespace

TEST(Arguments, ReachTheChildExactly)
{
    const std::vector<std::string> arguments = {
            "plain",
            "",
            "two words",
            "tab\there",
            "new\nline",
            "\"quoted\"",
            "in\"side",
            "\\",
            "trailing\\",
            "trailing blank\\",
            "\\\\server\\share\\",
            "back\\\"slash before a quote",
            "\\\\\"",
            "\"",
            "\"\"",
            "  ",
            "--flag=with blanks",
            "%PATH% ^&|<> * ? $HOME `x`",
            "\xc3\xbc"
            "mlaut \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac",
    };
    std::vector<std::string> helperArguments = {"args"};
    helperArguments.insert(helperArguments.end(), arguments.begin(), arguments.end());
    const HelperRun run = runHelper(helperArguments);
    ASSERT_TRUE(run.status.success()) << run.status.toString();
    std::string expected;
    for (const std::string &argument : arguments)
        expected += hexLine(argument);
    EXPECT_EQ(run.output, expected);
}

TEST(Arguments, NoArgumentsAndOnlyEmptyOnes)
{
    EXPECT_EQ(runHelper({"args"}).output, "");
    EXPECT_EQ(runHelper({"args", "", ""}).output, "\n\n");
}
