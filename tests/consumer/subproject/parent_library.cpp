// SPDX-License-Identifier: MIT
// A library of the parent project, to check what its targets get by default.

int parentLibraryAnswer()
{
    return 42;
}
