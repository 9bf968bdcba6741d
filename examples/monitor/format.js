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

// CPU time in seconds: "0.00 s", "1.25 s", then as duration() from a minute on.
function cpuTime(seconds) {
    return seconds < 60 ? Math.max(0, seconds).toFixed(2) + " s" : duration(seconds * 1000)
}

// "512 B", "4.0 KiB", "12.3 MiB", "1.5 GiB".
function bytes(count) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"]
    let value = Math.max(0, count)
    let unit = 0
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024
        ++unit
    }
    return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit]
}
