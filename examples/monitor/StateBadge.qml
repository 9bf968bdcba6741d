// SPDX-License-Identifier: MIT
// A rounded badge for a child's state: a dot and a word.
import QtQuick
import QtQuick.Controls
import SharedChild

Rectangle {
    id: badge

    required property int processState
    // The child is started and not yet reaped (the state may be a stop).
    required property bool running
    // A run has ended: its exit status is valid. The state alone cannot
    // tell, as with QProcess it is NotRunning both before and after a run.
    required property bool hasFinished

    implicitWidth: row.implicitWidth + 20
    implicitHeight: 24
    radius: height / 2
    color: running ? Theme.runningBackground : Theme.finishedBackground

    Row {
        id: row
        anchors.centerIn: parent
        spacing: 6

        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            width: 8
            height: 8
            radius: 4
            color: badge.running ? Theme.running : Theme.finished
        }
        Label {
            objectName: "stateLabel"
            anchors.verticalCenter: parent.verticalCenter
            text: badge.running
                  ? (badge.processState === SharedChildProcess.Stopped ? qsTr("Stopped") : qsTr("Running"))
                  : badge.hasFinished ? qsTr("Finished") : qsTr("Not started")
            color: badge.running ? Theme.running : Theme.finished
            font.pixelSize: 12
            font.weight: Font.DemiBold
        }
    }
}
