// SPDX-License-Identifier: MIT
// The command line to start, its Start button and the last start error.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ToolBar {
    id: bar

    // Why the last start failed; empty after a successful start.
    property string error

    signal startRequested(string commandLine)

    function commandStarted() {
        field.clear()
        error = ""
    }

    // Styles set the individual paddings, which win over `padding`.
    topPadding: 12
    bottomPadding: 12
    leftPadding: Theme.sideMargin
    rightPadding: Theme.sideMargin

    ColumnLayout {
        width: parent.width
        spacing: 6

        RowLayout {
            spacing: 8
            Layout.fillWidth: true

            TextField {
                id: field
                objectName: "commandField"
                placeholderText: qsTr("Command to start, e.g.  sleep 30   or   sh -c \"sleep 5; exit 3\"")
                font.family: Theme.monospace
                selectByMouse: true
                focus: true
                Layout.fillWidth: true
                onAccepted: startButton.clicked()
            }
            Button {
                id: startButton
                objectName: "startButton"
                text: qsTr("Start")
                highlighted: true
                enabled: field.text.trim().length > 0
                Layout.preferredWidth: 96
                onClicked: bar.startRequested(field.text)
            }
        }
        Label {
            objectName: "errorLabel"
            visible: bar.error.length > 0
            text: bar.error
            color: Theme.signalled
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }
}
