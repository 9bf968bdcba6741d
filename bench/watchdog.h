// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QTimer>

namespace Bench {

/// Ends the process with a message if it is still alive `seconds` from now:
/// a benchmark that waits for a finished() that never comes must fail, not hang.
class Watchdog
{
public:
    Watchdog(int seconds, const char *what)
    {
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, [what, seconds] {
            qFatal("%s: still waiting after %d s", what, seconds);
        });
        m_timer.start(seconds * 1000);
    }

private:
    QTimer m_timer;
};

} // namespace Bench
