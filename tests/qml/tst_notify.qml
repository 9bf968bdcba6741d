// SPDX-License-Identifier: MIT
// running, state, processId and exitStatus notify, so QML bindings follow a run.
import QtQuick
import QtTest
import SharedChild

TestCase {
    id: testCase
    name: "Notify"

    Component {
        id: helperProcess
        SharedChildProcess {
            // Bindings, as an application would write them.
            readonly property string stateName: state === SharedChildProcess.Running ? "running"
                                              : exitStatus.valid ? "finished"
                                              : "not running"
            readonly property string pidText: processId > 0 ? String(processId) : ""
            readonly property string statusText: exitStatus.valid ? exitStatus.text : ""

            program: "sctest-helper"
            arguments: ["sleep", "60"]
        }
    }
    Component {
        id: spy
        SignalSpy {}
    }

    function spyOn(target, signalName) {
        return createTemporaryObject(spy, testCase, {target, signalName})
    }

    function test_runningStateAndProcessIdNotify() {
        const process = createTemporaryObject(helperProcess, testCase)
        const started = spyOn(process, "started")
        const running = spyOn(process, "runningChanged")
        const state = spyOn(process, "stateChanged")
        const pid = spyOn(process, "processIdChanged")
        const status = spyOn(process, "exitStatusChanged")
        compare(process.stateName, "not running")
        compare(process.pidText, "")

        verify(process.start(), process.errorString)
        compare(started.count, 1)
        compare(running.count, 1)
        compare(running.signalArguments[0][0], true)
        compare(state.count, 2)
        compare(state.signalArguments[0][0], SharedChildProcess.Starting)
        compare(state.signalArguments[1][0], SharedChildProcess.Running)
        compare(pid.count, 1)
        verify(process.processId > 0)
        compare(pid.signalArguments[0][0], process.processId)
        compare(process.stateName, "running")
        compare(process.pidText, String(process.processId))

        const firstPid = process.processId
        process.kill()
        tryCompare(process, "stateName", "finished", 30000)
        compare(process.state, SharedChildProcess.NotRunning) // as QProcess after a run
        compare(running.count, 2)
        compare(running.signalArguments[1][0], false)
        compare(state.count, 3)
        compare(state.signalArguments[2][0], SharedChildProcess.NotRunning)
        compare(status.count, 1)
        compare(process.stateName, "finished")
        compare(process.statusText, "killed by signal 9 (SIGKILL)")
        // The PID stays readable after the run.
        compare(process.processId, firstPid)
        compare(pid.count, 1)
    }

    function test_restartClearsStatusAndChangesPid() {
        const process = createTemporaryObject(helperProcess, testCase, {arguments: ["exit", "4"]})
        const finished = spyOn(process, "finished")
        verify(process.start(), process.errorString)
        tryCompare(finished, "count", 1, 30000)
        const firstPid = process.processId
        compare(process.statusText, "exit code 4")

        const status = spyOn(process, "exitStatusChanged")
        const pid = spyOn(process, "processIdChanged")
        process.arguments = ["sleep", "60"]
        verify(process.start(), process.errorString)
        compare(status.count, 1)
        compare(process.statusText, "")
        verify(!process.exitStatus.valid)
        compare(pid.count, 1)
        verify(process.processId !== firstPid)

        process.kill()
        tryCompare(finished, "count", 2, 30000)
        compare(finished.signalArguments[1][0].signalNumber, 9)
    }
}
