// SPDX-License-Identifier: MIT
// The selected child's output, live, and a line to write to its stdin.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: pane

    // Null when no row is selected, and for a moment when "Clear finished"
    // destroys the selected process: every binding reads it through ?.
    property MonitoredProcess process
    readonly property bool canWrite: (process?.running ?? false) && !process.inputClosed

    function sendInput() {
        if (pane.process?.sendLine(inputField.text))
            inputField.clear()
    }

    color: palette.window

    Rectangle {
        width: parent.width
        height: 1
        color: Theme.separator
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing / 2
        anchors.leftMargin: Theme.sideMargin
        anchors.rightMargin: Theme.sideMargin
        spacing: 6

        RowLayout {
            Layout.fillWidth: true

            Label {
                objectName: "outputTitle"
                text: pane.process
                      ? qsTr("Output of %1 (PID %2)").arg(pane.process.commandLine).arg(pane.process?.processId ?? 0)
                      : qsTr("Output")
                font.weight: Font.DemiBold
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                objectName: "truncatedLabel"
                visible: pane.process?.outputTruncated ?? false
                text: qsTr("earlier output dropped; showing the last %1 KiB")
                      .arg((pane.process?.outputLimit ?? 0) / 1024)
                color: Theme.muted
            }
        }

        // The text follows new output while the view is at its end; once
        // the user scrolls up, it stays where they put it.
        Rectangle {
            color: palette.base
            border.color: Theme.separator
            Layout.fillWidth: true
            Layout.fillHeight: true

            Flickable {
                id: flickable

                property bool following: true

                function scrollToEnd() {
                    contentY = Math.max(0, contentHeight - height)
                }

                objectName: "outputView"
                anchors.fill: parent
                anchors.margins: 1
                clip: true
                // A TextEdit, not a TextArea attached to the Flickable: that
                // one scrolls to its cursor whenever the text changes.
                contentWidth: width
                contentHeight: outputText.height
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}

                onContentYChanged: following = atYEnd
                onContentHeightChanged: if (following) scrollToEnd()
                onHeightChanged: if (following) scrollToEnd()

                TextEdit {
                    id: outputText
                    objectName: "outputText"
                    width: flickable.width
                    padding: 8
                    readOnly: true
                    selectByMouse: true
                    text: pane.process?.output ?? ""
                    color: palette.text
                    selectionColor: palette.highlight
                    selectedTextColor: palette.highlightedText
                    font.family: Theme.monospace
                    wrapMode: TextEdit.Wrap
                }
            }
            Label {
                anchors.left: parent.left
                anchors.top: parent.top
                anchors.margins: 9
                visible: outputText.length === 0
                text: pane.process ? qsTr("No output yet.") : qsTr("Select a child to see its output.")
                color: Theme.muted
            }
        }

        RowLayout {
            spacing: 8
            Layout.fillWidth: true

            TextField {
                id: inputField
                objectName: "inputField"
                placeholderText: pane.canWrite ? qsTr("A line for the child's stdin")
                               : (pane.process?.running ?? false) ? qsTr("stdin is closed")
                               : qsTr("No running child selected")
                font.family: Theme.monospace
                selectByMouse: true
                enabled: pane.canWrite
                Layout.fillWidth: true
                onAccepted: pane.sendInput()
            }
            Button {
                objectName: "sendButton"
                text: qsTr("Send")
                enabled: pane.canWrite
                onClicked: pane.sendInput()
            }
            Button {
                objectName: "closeInputButton"
                text: qsTr("Close stdin")
                enabled: pane.canWrite
                onClicked: pane.process.closeInput()
            }
        }
    }

    // Another child's text begins at its end.
    onProcessChanged: {
        flickable.following = true
        flickable.scrollToEnd()
    }
}
