// SPDX-License-Identifier: MIT
// A rounded badge for a child's state: a dot and a word.
import QtQuick
import QtQuick.Controls
import SharedChild

Rectangle {
    id: badge

    required property int processState
    // After a run the state is NotRunning again (as QProcess's); a valid
    // exit status is what tells "finished" from "not started".
    required property bool hasExitStatus
    readonly property bool isRunning: processState === SharedChildProcess.Running

    implicitWidth: row.implicitWidth + 20
    implicitHeight: 24
    radius: height / 2
    color: isRunning ? Theme.runningBackground : Theme.finishedBackground

    Row {
        id: row
        anchors.centerIn: parent
        spacing: 6

        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            width: 8
            height: 8
            radius: 4
            color: badge.isRunning ? Theme.running : Theme.finished
        }
        Label {
            objectName: "stateLabel"
            anchors.verticalCenter: parent.verticalCenter
            text: badge.processState === SharedChildProcess.Running ? qsTr("Running")
                : badge.hasExitStatus ? qsTr("Finished")
                : qsTr("Not started")
            color: badge.isRunning ? Theme.running : Theme.finished
            font.pixelSize: 12
            font.weight: Font.DemiBold
        }
    }
}
