// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QQuickWindow;

/// Drives the monitor window the way a user would, with synthesized mouse
/// clicks: starts two commands, kills the first, checks what the rows show,
/// writes a screenshot of the window to `screenshotPath` (PNG), then stops the
/// second child with its Stop button. Prints each mismatch to stderr.
/// Returns the exit code for main(): 0 when every check passed.
int runSelfTest(QQuickWindow *window, const QString &screenshotPath);
