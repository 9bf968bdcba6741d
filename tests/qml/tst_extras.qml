// SPDX-License-Identifier: MIT
// Resource usage in exitStatus, stop/continue reports and process groups, from QML.
import QtQuick
import QtTest
import SharedChild

TestCase {
    id: testCase
    name: "Extras"

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

    function test_resourceUsageOfABusyChild() {
        const process = createTemporaryObject(processComponent, testCase, {
            program: "sctest-helper", arguments: ["burn", "200", "64"]})
        const finished = spyOn(process, "finished")
        verify(process.start(), process.errorString)
        tryCompare(finished, "count", 1, 30000)
        const status = finished.signalArguments[0][0]
        verify(status.success)
        verify(status.userTimeSeconds + status.systemTimeSeconds >= 0.18,
               status.userTimeSeconds + " s user, " + status.systemTimeSeconds + " s system")
        verify(status.peakRssBytes >= 64 * 1024 * 1024, status.peakRssBytes)
        compare(process.exitStatus.peakRssBytes, status.peakRssBytes)
    }

    function test_stopAndContinue() {
        const process = createTemporaryObject(processComponent, testCase, {
            program: "sctest-helper", arguments: ["sleep", "60"], watchStops: true})
        const stopped = spyOn(process, "stopped")
        const continued = spyOn(process, "continued")
        const finished = spyOn(process, "finished")
        verify(process.start(), process.errorString)
        process.sendSignal(19) // SIGSTOP
        tryCompare(stopped, "count", 1, 30000)
        compare(stopped.signalArguments[0][0], 19)
        compare(process.state, SharedChildProcess.Stopped)
        verify(process.running)
        process.sendSignal(18) // SIGCONT
        tryCompare(continued, "count", 1, 30000)
        compare(process.state, SharedChildProcess.Running)
        process.kill()
        tryCompare(finished, "count", 1, 30000)
        compare(process.exitStatus.signalNumber, 9)
    }

    function test_processGroupKill() {
        const process = createTemporaryObject(processComponent, testCase, {
            program: "/bin/sh", arguments: ["-c", "sleep 60 & wait"], newProcessGroup: true})
        const finished = spyOn(process, "finished")
        verify(process.start(), process.errorString)
        process.killProcessGroup(9)
        tryCompare(finished, "count", 1, 30000)
        compare(process.exitStatus.signalNumber, 9)
    }
}
