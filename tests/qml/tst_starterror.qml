// SPDX-License-Identifier: MIT
// start() failures reach QML through errorOccurred and errorString.
import QtQuick
import QtTest
import SharedChild

TestCase {
    id: testCase
    name: "StartError"

    Component {
        id: processComponent
        SharedChildProcess {}
    }
    Component {
        id: spy
        SignalSpy {}
    }

    function spyOn(target, signalName) {
        return createTemporaryObject(spy, testCase, {target, signalName})
    }

    function test_missingProgramReportsErrorNamingIt() {
        const missing = "sharedchild-qml-no-such-program"
        const process = createTemporaryObject(processComponent, testCase, {program: missing})
        const errors = spyOn(process, "errorOccurred")
        const started = spyOn(process, "started")

        verify(!process.start())
        compare(errors.count, 1)
        compare(errors.signalArguments[0][0], SharedChildProcess.FailedToStart)
        verify(process.errorString.indexOf(missing) >= 0,
               "errorString should name the program: " + process.errorString)
        compare(started.count, 0)
        compare(process.state, SharedChildProcess.NotRunning)
        verify(!process.running)
        compare(process.processId, 0)
        verify(!process.exitStatus.valid)
    }

    function test_missingWorkingDirectoryReportsIt() {
        const directory = "/nonexistent/sharedchild-qml"
        const process = createTemporaryObject(processComponent, testCase,
                                              {program: "sctest-helper", arguments: ["exit", "0"],
                                               workingDirectory: directory})
        const errors = spyOn(process, "errorOccurred")
        verify(!process.start())
        compare(errors.count, 1)
        verify(process.errorString.indexOf(directory) >= 0, process.errorString)
    }

    function test_startWhileRunningIsRefused() {
        const process = createTemporaryObject(processComponent, testCase,
                                              {program: "sctest-helper", arguments: ["sleep", "60"]})
        const errors = spyOn(process, "errorOccurred")
        const finished = spyOn(process, "finished")
        verify(process.start(), process.errorString)
        const pid = process.processId

        // As QProcess: a warning, not an error of the running child.
        ignoreWarning("SharedChildProcess::start: Process is already running")
        verify(!process.start())
        compare(errors.count, 0)
        compare(process.processId, pid)
        verify(process.running)

        process.kill()
        tryCompare(finished, "count", 1, 30000)
    }
}
