// SPDX-License-Identifier: MIT
// A SharedChildProcess plus what the monitor shows beside it: times, and the
// child's output as it arrives. Its stdin, stdout and stderr are pipes (the
// default of SharedChildProcess, as of QProcess).
import QtQml
import SharedChild

SharedChildProcess {
    id: process

    // As typed, for the Command column.
    property string commandLine
    // Milliseconds since the epoch; 0 until the event happened.
    property double startedAt: 0
    property double endedAt: 0

    // The child's stdout and stderr, interleaved as they arrived. Only the
    // last outputLimit characters are kept, so a chatty child cannot eat
    // the monitor's memory; outputTruncated says that some were dropped.
    readonly property int outputLimit: 200 * 1024
    property string output
    property bool outputTruncated: false
    // Set by closeInput(): the child has seen, or will see, the end of its stdin.
    property bool inputClosed: false

    // Read at once, so the pipes never fill, but shown at most every
    // flushInterval ms: every change of `output` lays the whole text out
    // anew, which a child writing thousands of small chunks a second would
    // otherwise turn into a frozen window.
    property string pendingOutput
    readonly property Timer flushTimer: Timer {
        interval: 50
        onTriggered: process.flushOutput()
    }

    function takeOutput(text) {
        if (text.length === 0)
            return
        pendingOutput += text
        if (!flushTimer.running)
            flushTimer.start()
    }

    function flushOutput() {
        flushTimer.stop()
        if (pendingOutput.length === 0)
            return
        let text = output + pendingOutput
        pendingOutput = ""
        if (text.length > outputLimit) {
            text = text.slice(text.length - outputLimit)
            // Begin at a line, unless the kept text has hardly any lines.
            const newline = text.indexOf("\n")
            if (newline >= 0 && newline < 4096)
                text = text.slice(newline + 1)
            outputTruncated = true
        }
        output = text
    }

    // Writes `line` and a newline to the child's stdin. False when its
    // stdin is no open pipe any more (closed, or the child has ended).
    function sendLine(line) {
        return !inputClosed && writeText(line + "\n") >= 0
    }

    // The child reads the end of its stdin once everything sent has been written.
    function closeInput() {
        closeWriteChannel()
        inputClosed = true
    }

    onStarted: startedAt = Date.now()
    onReadyReadStandardOutput: takeOutput(readAllStandardOutputText())
    onReadyReadStandardError: takeOutput(readAllStandardErrorText())
    // Every readyRead of a run comes before its finished(): the output is
    // complete here, and shown without waiting for the timer.
    onFinished: {
        endedAt = Date.now()
        flushOutput()
    }
}
