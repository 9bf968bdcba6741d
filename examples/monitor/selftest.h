// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QQuickWindow;

/// Counts every warning Qt reports from now on (QML's binding errors among
/// them; they are still printed): runSelfTest() fails when there was any.
/// Call before the QML is loaded, so that warnings while loading count too.
void countWarnings();

/// Drives the monitor window the way a user would, with synthesized mouse
/// clicks: starts commands, kills one, writes a line to another's stdin
/// through the output pane and checks the reply there, checks what the rows
/// show, writes a screenshot of the window to `screenshotPath` (PNG), stops
/// a child with its Stop button, closes the talking child's stdin, checks the
/// CPU time and peak memory of the finished rows and the cap on a chatty
/// child's output. Prints each mismatch to stderr; a warning counted by
/// countWarnings() is a mismatch too.
/// Returns the exit code for main(): 0 when every check passed.
int runSelfTest(QQuickWindow *window, const QString &screenshotPath);
