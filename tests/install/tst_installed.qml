// SPDX-License-Identifier: MIT
// Run by scripts/test-install in the bare chroot with qmltestrunner and no
// import path at all: `import SharedChild` must be found in Qt's own QML
// directory, where qml6-module-sharedchild installs it.
import QtQuick
import QtTest
import SharedChild

TestCase {
    id: testCase
    name: "InstalledModule"

    SharedChildProcess {
        id: exiting
        program: "sh"
        arguments: ["-c", "exit 6"]
    }
    SignalSpy {
        id: exitingFinished
        target: exiting
        signalName: "finished"
    }
    SharedChildProcess {
        id: sleeping
        program: "sleep"
        arguments: ["60"]
    }
    SignalSpy {
        id: sleepingFinished
        target: sleeping
        signalName: "finished"
    }

    function test_exitCode() {
        verify(exiting.start(), exiting.errorString)
        tryCompare(exitingFinished, "count", 1, 60000)
        const status = exitingFinished.signalArguments[0][0]
        compare(status.exitCode, 6)
        compare(exiting.exitStatus.exitCode, 6)
    }

    function test_kill() {
        verify(sleeping.start(), sleeping.errorString)
        sleeping.kill()
        tryCompare(sleepingFinished, "count", 1, 60000)
        compare(sleeping.exitStatus.signalNumber, 9)
    }
}
