// SPDX-License-Identifier: MIT
// SharedChild Monitor: type a command line, start it, and watch, terminate,
// kill or stop every child it started; the selected child's output shows
// below the list, with a line to write to its stdin.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import SharedChildMonitor

ApplicationWindow {
    id: window

    property int runningCount: 0
    readonly property int finishedCount: childModel.count - runningCount

    // Starts `commandLine` and lists it. Returns why it could not start, or "".
    function startCommand(commandLine) {
        const words = CommandLine.split(commandLine)
        if (words.length === 0)
            return qsTr("Type a command to start.")
        const process = processComponent.createObject(window, {
            program: words[0],
            arguments: words.slice(1),
            commandLine: commandLine.trim(),
        })
        if (!process.start()) {
            const reason = process.errorString
            process.destroy()
            return reason
        }
        ++runningCount
        process.finished.connect(() => --runningCount)
        childModel.append({process})
        // The new child's output is what the user wants to see next.
        list.currentIndex = childModel.count - 1
        return ""
    }

    function clearFinished() {
        for (let row = childModel.count - 1; row >= 0; --row) {
            const process = childModel.get(row).process
            if (!process.running) {
                childModel.remove(row)
                process.destroy()
            }
        }
    }

    width: 1220
    height: 640
    minimumWidth: 980
    minimumHeight: 420
    visible: true
    title: qsTr("SharedChild Monitor")

    // One row per started child. The rows hold the processes, which are
    // owned by the window, so scrolling a row out of view never kills a child.
    ListModel {
        id: childModel
    }
    Component {
        id: processComponent
        MonitoredProcess {}
    }

    header: CommandBar {
        id: commandBar
        onStartRequested: commandLine => {
            const failure = window.startCommand(commandLine)
            if (failure)
                error = failure
            else
                commandStarted()
        }
    }

    SplitView {
        anchors.fill: parent
        orientation: Qt.Vertical

        ColumnLayout {
            spacing: 0
            SplitView.fillHeight: true
            SplitView.minimumHeight: 120

            ChildTableHeader {
                Layout.fillWidth: true
            }
            // A table look: the base colour continues below the last row.
            Rectangle {
                color: palette.base
                Layout.fillWidth: true
                Layout.fillHeight: true

                ListView {
                    id: list
                    anchors.fill: parent
                    clip: true
                    model: childModel
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar {}

                    delegate: ChildRow {}
                }
                Label {
                    anchors.centerIn: parent
                    visible: list.count === 0
                    text: qsTr("No children yet: type a command above and press Start.")
                    color: Theme.muted
                }
            }
        }
        OutputPane {
            process: list.currentItem?.process ?? null
            SplitView.preferredHeight: 240
            SplitView.minimumHeight: 140
        }
    }

    footer: ToolBar {
        topPadding: 6
        bottomPadding: 6
        leftPadding: Theme.sideMargin
        rightPadding: Theme.sideMargin

        RowLayout {
            anchors.fill: parent

            Label {
                objectName: "summaryLabel"
                text: qsTr("%1 running · %2 finished").arg(window.runningCount).arg(window.finishedCount)
                color: Theme.muted
                Layout.fillWidth: true
            }
            Button {
                objectName: "clearButton"
                text: qsTr("Clear finished")
                flat: true
                enabled: window.finishedCount > 0
                onClicked: window.clearFinished()
            }
        }
    }
}
