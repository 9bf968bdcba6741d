// SPDX-License-Identifier: MIT
// Column widths and colours shared by the table header and its rows.
pragma Singleton
import QtQuick

QtObject {
    readonly property int pidWidth: 72
    readonly property int stateWidth: 104
    readonly property int runTimeWidth: 80
    readonly property int statusWidth: 220
    readonly property int cpuTimeWidth: 80
    readonly property int peakMemoryWidth: 100
    readonly property int actionsWidth: 264
    readonly property int spacing: 16
    readonly property int sideMargin: 16
    readonly property int rowHeight: 48

    readonly property color running: "#1b7f3b"
    readonly property color runningBackground: "#e3f4e8"
    readonly property color finished: "#55606e"
    readonly property color finishedBackground: "#eceff3"
    readonly property color success: "#1b7f3b"
    readonly property color failure: "#a15c00"
    readonly property color signalled: "#c0392b"
    readonly property color muted: "#7a8491"
    readonly property color separator: "#e2e6ea"
    readonly property color selected: "#dde9f7"
    readonly property string monospace: "monospace"
}
