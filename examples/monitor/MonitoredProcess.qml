// SPDX-License-Identifier: MIT
// A SharedChildProcess plus what the monitor shows beside it.
import SharedChild

SharedChildProcess {
    // As typed, for the Command column.
    property string commandLine
    // Milliseconds since the epoch; 0 until the event happened.
    property double startedAt: 0
    property double endedAt: 0

    onStarted: startedAt = Date.now()
    onFinished: endedAt = Date.now()
}
