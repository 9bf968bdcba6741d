// SPDX-License-Identifier: MIT
// Text for the monitor's cells.
.pragma library

// "0.4 s", "12.3 s", "4:05", "1:02:03".
function duration(msecs) {
    const seconds = Math.max(0, msecs) / 1000
    if (seconds < 60)
        return seconds.toFixed(1) + " s"
    const whole = Math.floor(seconds)
    const pad = n => (n < 10 ? "0" : "") + n
    const minutes = Math.floor(whole / 60) % 60
    const hours = Math.floor(whole / 3600)
    return (hours > 0 ? hours + ":" + pad(minutes) : minutes) + ":" + pad(whole % 60)
}
