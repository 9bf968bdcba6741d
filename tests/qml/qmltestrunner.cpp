// SPDX-License-Identifier: MIT
// qmltestrunner, built with this tree's compiler flags (-input, -import and
// the other options work as there). The sanitizer builds run the QML tests
// through it: Debian's qmltestrunner is not instrumented, and an uninstrumented
// program cannot load an instrumented plugin (the sanitizer runtime has to be
// the first library loaded).
#include <QtQuickTest/quicktest.h>

QUICK_TEST_MAIN(sharedchild)
