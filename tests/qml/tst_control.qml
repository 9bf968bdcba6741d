// SPDX-License-Identifier: MIT
// Setting up a child from QML (arguments, environment, working directory),
// signalling it and stopping it with stop(graceMsecs).
import QtQuick
import QtTest
import SharedChild

TestCase {
    id: testCase
    name: "Control"

    Component {
        id: processComponent
        SharedChildProcess {}
    }
    Component {
        id: spy
        SignalSpy {}
    }

    function startedProcess(properties) {
        const process = createTemporaryObject(processComponent, testCase, properties)
        const finished = createTemporaryObject(spy, testCase,
                                               {target: process, signalName: "finished"})
        verify(process.start(), process.errorString)
        return {process, finished}
    }

    function statusOf(run) {
        tryCompare(run.finished, "count", 1, 30000)
        return run.finished.signalArguments[0][0]
    }

    function test_propertiesReachTheChild() {
        // Each check exits with its own code, so a failure says which one.
        const script = 'test "$(pwd)" = / || exit 11\n'
                     + 'test "$SHAREDCHILD_QML" = "from qml" || exit 12\n'
                     + 'test -z "$HOME" || exit 13\n' // the environment is used as given
                     + 'test $# -eq 2 && test "$1" = "two words" && test "$2" = "x" || exit 14\n'
        const run = startedProcess({
            program: "/bin/sh",
            arguments: ["-c", script, "sh", "two words", "x"],
            environment: ["SHAREDCHILD_QML=from qml", "PATH=/usr/bin:/bin"],
            workingDirectory: "/",
        })
        compare(statusOf(run).text, "exit code 0")
    }

    function test_stopEndsAWellBehavedChildWithSigterm() {
        const run = startedProcess({program: "sctest-helper", arguments: ["sleep", "60"]})
        run.process.stop(120000)
        compare(statusOf(run).signalNumber, 15)
    }

    function test_stopEscalatesToSigkill() {
        // The child must ignore SIGTERM before stop() sends it: a second child
        // waits for its ready file, so its exit says the first one is ready.
        const readyFile = "stop-ready-" + Date.now() + "-" + Math.floor(Math.random() * 1e9)
        const stubborn = startedProcess({program: "sctest-helper",
                                         arguments: ["--ready", readyFile, "ignore-term", "60"]})
        const readiness = startedProcess({program: "sctest-helper",
                                          arguments: ["wait-file", readyFile]})
        compare(statusOf(readiness).exitCode, 0)
        compare(statusOf(startedProcess({program: "rm", arguments: [readyFile]})).exitCode, 0)

        stubborn.process.stop(200)
        compare(statusOf(stubborn).signalNumber, 9)
    }

    function test_sendSignalAndTryWait() {
        const run = startedProcess({program: "sctest-helper", arguments: ["sleep", "60"]})
        verify(!run.process.tryWait().valid)
        run.process.sendSignal(2)
        compare(statusOf(run).text, "killed by signal 2 (SIGINT)")
        const polled = run.process.tryWait()
        verify(polled.valid)
        compare(polled.signalNumber, 2)
    }

    function test_stopAfterTheEndIsANoOp() {
        const run = startedProcess({program: "sctest-helper", arguments: ["exit", "2"]})
        compare(statusOf(run).exitCode, 2)
        run.process.stop(0)
        run.process.kill()
        run.process.terminate()
        compare(run.process.exitStatus.exitCode, 2)
        compare(run.finished.count, 1)
    }
}
