// SPDX-License-Identifier: MIT
// How a run ended, as QML sees it: finished()'s argument and the exitStatus
// property are the value type `exitStatus`.
import QtQuick
import QtTest
import SharedChild

TestCase {
    id: testCase
    name: "ExitStatus"

    Component {
        id: helperProcess
        SharedChildProcess {
            // What the onFinished handler saw, checked after the run.
            property exitStatus statusInHandler
            property bool propertyValidInHandler: false
            property int propertyExitCodeInHandler: -2

            program: "sctest-helper"
            onFinished: status => {
                statusInHandler = status
                propertyValidInHandler = exitStatus.valid
                propertyExitCodeInHandler = exitStatus.exitCode
            }
        }
    }
    Component {
        id: spy
        SignalSpy {}
    }

    function startHelper(args) {
        const process = createTemporaryObject(helperProcess, testCase, {arguments: args})
        const finished = createTemporaryObject(spy, testCase,
                                               {target: process, signalName: "finished"})
        verify(process.start(), process.errorString)
        return {process, finished}
    }

    function statusOfFinished(run) {
        tryCompare(run.finished, "count", 1, 30000)
        return run.finished.signalArguments[0][0]
    }

    function test_exitCode_data() {
        return [
            {tag: "0", code: 0, text: "exit code 0"},
            {tag: "3", code: 3, text: "exit code 3"},
            // must not look like death by SIGKILL
            {tag: "9", code: 9, text: "exit code 9"},
        ]
    }

    function test_exitCode(data) {
        const run = startHelper(["exit", String(data.code)])
        const status = statusOfFinished(run)
        for (const seen of [status, run.process.exitStatus]) {
            verify(seen.valid)
            compare(seen.success, data.code === 0)
            verify(seen.exitedNormally)
            compare(seen.exitCode, data.code)
            compare(seen.signalNumber, 0)
            verify(!seen.coreDumped)
            compare(seen.text, data.text)
        }
    }

    function test_killGivesSignal9() {
        const run = startHelper(["sleep", "60"])
        verify(run.process.running)
        run.process.kill()
        const status = statusOfFinished(run)
        for (const seen of [status, run.process.exitStatus]) {
            verify(seen.valid)
            verify(!seen.success)
            verify(!seen.exitedNormally)
            compare(seen.exitCode, -1)
            compare(seen.signalNumber, 9)
            compare(seen.text, "killed by signal 9 (SIGKILL)")
        }
        verify(!run.process.running)
    }

    function test_terminateGivesSignal15() {
        const run = startHelper(["sleep", "60"])
        run.process.terminate()
        const status = statusOfFinished(run)
        compare(status.signalNumber, 15)
        compare(run.process.exitStatus.signalNumber, 15)
    }

    function test_statusReadInOnFinishedIsValid() {
        const run = startHelper(["exit", "5"])
        verify(!run.process.statusInHandler.valid)
        statusOfFinished(run)
        verify(run.process.statusInHandler.valid)
        compare(run.process.statusInHandler.exitCode, 5)
        verify(run.process.propertyValidInHandler)
        compare(run.process.propertyExitCodeInHandler, 5)
    }

    function test_statusIsInvalidBeforeTheFirstRun() {
        const process = createTemporaryObject(helperProcess, testCase)
        verify(!process.exitStatus.valid)
        compare(process.exitStatus.exitCode, -1)
        compare(process.exitStatus.signalNumber, 0)
    }
}
