// SPDX-License-Identifier: MIT
// Column titles above the list of children.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    implicitHeight: 34
    color: palette.window

    component Title: Label {
        color: Theme.muted
        font.pixelSize: 11
        font.weight: Font.DemiBold
        font.capitalization: Font.AllUppercase
        font.letterSpacing: 0.6
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.sideMargin
        anchors.rightMargin: Theme.sideMargin
        spacing: Theme.spacing

        Title { text: qsTr("PID"); Layout.preferredWidth: Theme.pidWidth }
        Title {
            text: qsTr("Command")
            // Every row must give the command the same width, whatever its text.
            Layout.preferredWidth: 0
            Layout.fillWidth: true
        }
        Title { text: qsTr("State"); Layout.preferredWidth: Theme.stateWidth }
        Title {
            text: qsTr("Run time")
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.runTimeWidth
        }
        Title { text: qsTr("Exit status"); Layout.preferredWidth: Theme.statusWidth }
        Title {
            text: qsTr("CPU time")
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.cpuTimeWidth
        }
        Title {
            text: qsTr("Peak memory")
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: Theme.peakMemoryWidth
        }
        Item { Layout.preferredWidth: Theme.actionsWidth }
    }

    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: Theme.separator
    }
}
