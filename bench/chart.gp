# SPDX-License-Identifier: MIT
# The benchmark table as a chart (scripts/bench draws it): one bar per row
# that has a ratio, from 1 (parity with the peer) to the measured ratio, on a
# log scale so that 0.5x and 2x lie equally far from parity. Green: target
# met; red: missed; grey: no target. The black mark is the target.
# Variables: data (bench --data output), output (PNG), machine (a caption).

set datafile separator "\t"
stats data using 3 nooutput
rows = STATS_records
lowest = STATS_min < 0.5 ? STATS_min / 1.6 : 0.3
# Room right of the longest bar for its text (about a decade on this log axis).
highest = (STATS_max > 1 ? STATS_max : 1) * 12

height = 190 + 34 * rows
set terminal pngcairo size 1800, height font "DejaVu Sans,12" noenhanced
set output output

set label 1 "SharedChild side by side with its peers, measured in one run: ratio to the peer (lower is better)" \
    at screen 0.5, screen 1 - 22.0 / height center font "DejaVu Sans,15"
set label 2 machine at screen 0.5, screen 16.0 / height center font "DejaVu Sans,11"
set tmargin 5
set bmargin 4
set lmargin 80
set rmargin 3

set logscale x
set xrange [lowest:highest]
set xtics ("0.01×" 0.01, "0.02×" 0.02, "0.05×" 0.05, "0.1×" 0.1, "0.2×" 0.2, "0.5×" 0.5, \
           "0.7×" 0.7, "1×" 1, "1.5×" 1.5, "2×" 2, "5×" 5, "10×" 10, "20×" 20, "50×" 50)
set grid xtics lc rgb "#dddddd"
set yrange [-rows + 0.4:0.6]
set ytics scale 0 font "DejaVu Sans,11"
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb "#555555" dt 2 lw 1.5

colour(verdict) = verdict == 1 ? 0x2e9e44 : verdict == 2 ? 0xd62728 : 0xa0a0a0
low(ratio) = ratio < 1 ? ratio : 1
high(ratio) = ratio < 1 ? 1 : ratio
# Column 4 is the target ratio, 0 for none. The text goes right of the bar and of the mark.
textAt(ratio, target) = target > high(ratio) ? target * 1.04 : high(ratio) * 1.04

set key at screen 0.5, screen 1 - 52.0 / height center top horizontal maxrows 1 samplen 2
set style fill solid 0.85 noborder

plot data using (1):(-$1):(low($3)):(high($3)):(-$1 - 0.34):(-$1 + 0.34):(colour($5)):ytic(2) \
         with boxxyerror lc rgb variable notitle, \
     "" using ($4 > 0 ? $4 : NaN):(-$1 - 0.46):(0):(0.92) with vectors nohead lw 4 lc rgb "black" title "target", \
     "" using (textAt($3, $4)):(-$1):6 with labels left font "DejaVu Sans,11" notitle, \
     NaN with boxes lc rgb "#2e9e44" title "target met", \
     NaN with boxes lc rgb "#d62728" title "target missed", \
     NaN with boxes lc rgb "#a0a0a0" title "no target (for reference)"
