// SPDX-License-Identifier: MIT
// One child in the list: PID, command, state, run time, exit status, CPU
// time and peak memory, and the buttons that signal it. A click selects it
// for the output pane.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "format.js" as Format

Rectangle {
    id: row

    required property int index
    // Null for a moment when "Clear finished" destroys the process before the
    // row itself is gone: every binding below reads it through ?. for that.
    required property MonitoredProcess process

    readonly property var status: process?.exitStatus
    // Milliseconds since the epoch; ticks while the child runs, for the run time.
    property double now: Date.now()
    // SIGTERM first, SIGKILL if the child is still there this much later.
    readonly property int stopGraceMsecs: 3000

    objectName: "childRow" + index
    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: Theme.rowHeight
    color: ListView.isCurrentItem ? Theme.selected
         : index % 2 === 0 ? palette.base : palette.alternateBase

    component Action: Button {
        font.pixelSize: 12
        Layout.preferredHeight: 28
        ToolTip.delay: 600
        ToolTip.visible: hovered
    }

    // Below the buttons, which take their own clicks.
    TapHandler {
        onTapped: row.ListView.view.currentIndex = row.index
    }

    Timer {
        interval: 100
        repeat: true
        running: row.process?.running ?? false
        onTriggered: row.now = Date.now()
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.sideMargin
        anchors.rightMargin: Theme.sideMargin
        spacing: Theme.spacing

        Label {
            objectName: "pidLabel"
            text: (row.process?.processId ?? 0) > 0 ? row.process.processId : ""
            font.family: Theme.monospace
            Layout.preferredWidth: Theme.pidWidth
        }
        Label {
            objectName: "commandLabel"
            text: row.process?.commandLine ?? ""
            font.family: Theme.monospace
            elide: Text.ElideRight
            // The same width in every row, whatever the command's length.
            Layout.preferredWidth: 0
            Layout.fillWidth: true
        }
        Item {
            implicitHeight: badge.implicitHeight
            Layout.preferredWidth: Theme.stateWidth
            StateBadge {
                id: badge
                processState: row.process?.state ?? 0 // NotRunning
                running: row.process?.running ?? false
                hasFinished: row.status?.valid ?? false
            }
        }
        Label {
            objectName: "runTimeLabel"
            text: (row.process?.startedAt ?? 0) > 0
                  ? Format.duration((row.process.endedAt || row.now) - row.process.startedAt) : ""
            font.family: Theme.monospace
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.runTimeWidth
        }
        Label {
            objectName: "statusLabel"
            text: row.status?.valid ? row.status.text : "—"
            color: !row.status?.valid ? Theme.muted
                 : row.status.success ? Theme.success
                 : row.status.crashed ? Theme.signalled : Theme.failure
            elide: Text.ElideRight
            Layout.preferredWidth: Theme.statusWidth
        }
        // What the kernel measured for the whole run: empty until it ended.
        Label {
            objectName: "cpuTimeLabel"
            text: row.status?.valid
                  ? Format.cpuTime(row.status.userTimeSeconds + row.status.systemTimeSeconds) : ""
            font.family: Theme.monospace
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.cpuTimeWidth
        }
        Label {
            objectName: "peakMemoryLabel"
            text: row.status?.valid ? Format.bytes(row.status.peakRssBytes) : ""
            font.family: Theme.monospace
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.peakMemoryWidth
        }
        // Only a running child can be signalled; finished rows show no buttons
        // but keep the column, so the columns line up in every row.
        Item {
            implicitHeight: actions.implicitHeight
            Layout.preferredWidth: Theme.actionsWidth

            RowLayout {
                id: actions
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                visible: row.process?.running ?? false
                spacing: 6

                Action {
                    objectName: "terminateButton"
                    text: qsTr("Terminate")
                    ToolTip.text: qsTr("Send SIGTERM")
                    onClicked: row.process.terminate()
                }
                Action {
                    objectName: "killButton"
                    text: qsTr("Kill")
                    palette.buttonText: Theme.signalled
                    ToolTip.text: qsTr("Send SIGKILL")
                    onClicked: row.process.kill()
                }
                Action {
                    objectName: "stopButton"
                    text: qsTr("Stop")
                    ToolTip.text: qsTr("SIGTERM now, SIGKILL after %1 s if still running")
                                  .arg(row.stopGraceMsecs / 1000)
                    onClicked: row.process.stop(row.stopGraceMsecs)
                }
            }
        }
    }

    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: Theme.separator
    }
}
