// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/sharedchildprocess.h>

#include <QMetaObject>
#include <QThread>

#include <atomic>

// Moves `process` to `thread` (running) and calls start() there, as a program
// whose object lives in a worker thread would; returns what start() returned.
inline bool startInThread(SharedChildProcess &process, QThread &thread)
{
    process.moveToThread(&thread);
    // Qt's event queue orders this handoff with a lock ThreadSanitizer cannot
    // see; the atomics make the same order visible to it.
    std::atomic<bool> handedOver{false};
    std::atomic<bool> started{false};
    handedOver.store(true, std::memory_order_release);
    QMetaObject::invokeMethod(
            &process,
            [&] {
                if (handedOver.load(std::memory_order_acquire))
                    started = process.start();
            },
            Qt::BlockingQueuedConnection);
    return started;
}
