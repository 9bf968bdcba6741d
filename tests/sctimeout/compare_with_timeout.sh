#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs a table of invocations through coreutils timeout and through sctimeout
# and compares how they ended, as their parent's waitpid() sees it: "exit N"
# or "signal N" (a shell's $? would show both death by signal N and exit code
# 128+N as 128+N). Rows with a deadline also check that sctimeout ended within
# 0.5 s after it (times SCTEST_TIME_SCALE, which the sanitizer builds set:
# an instrumented sctimeout takes longer to start and to exit); a row late
# once is run again and fails only if late twice.
# Usage: compare_with_timeout.sh SCTIMEOUT SCTEST_HELPER
set -u
sctimeout=$1
helper=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
noexec="$scratch/not-executable"
echo '#!/bin/sh' > "$noexec"
chmod 644 "$noexec"

passed=0
failed=0
lateness=$(awk -v scale="${SCTEST_TIME_SCALE:-1}" 'BEGIN { print 0.5 * (scale >= 1 ? scale : 1) }')

now() { date +%s.%N; }

# Runs a command (its output discarded) and prints how it ended: "exit N" or
# "signal N".
ending() {
    perl -e 'open(my $result, ">&", \*STDOUT) or die; open(STDOUT, ">", "/dev/null") or die;
             open(STDERR, ">", "/dev/null") or die; system { $ARGV[0] } @ARGV; my $s = $?;
             print $result $s == -1 ? "not run" : $s & 127 ? "signal " . ($s & 127) : "exit " . ($s >> 8)' "$@"
}

# row DEADLINE ARGS... (DEADLINE "-" when the run must not time out)
row() {
    local deadline=$1
    shift
    local expected actual start end elapsed
    if [[ -n $pinned ]]; then
        expected=$pinned
    else
        expected=$(ending timeout "$@" </dev/null)
    fi
    local verdict attempt late late_before=
    for attempt in 1 2; do
        start=$(now)
        actual=$(ending "$sctimeout" "$@" </dev/null)
        end=$(now)
        elapsed=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
        verdict=ok
        late=false
        if [[ $actual != "$expected" ]]; then
            verdict="$actual, timeout gave $expected"
        elif [[ $deadline != - ]] && ! awk -v e="$elapsed" -v d="$deadline" -v l="$lateness" 'BEGIN { exit !(e >= d - 0.01 && e <= d + l) }'; then
            verdict="took ${elapsed}s for a ${deadline}s deadline"
            awk -v e="$elapsed" -v d="$deadline" 'BEGIN { exit !(e > d) }' && late=true
        fi
        # A loaded machine (ctest runs other tests beside this one) has
        # stalled one run for 1.6 s, while a late sctimeout is late each time.
        # Ending early is never the machine's doing.
        [[ $late == true && $attempt == 1 ]] || break
        late_before=" (the first run took ${elapsed}s)"
        printf 'LATE  %s  sctimeout %s: running it once more\n' "$verdict" "$*"
    done
    [[ $verdict == ok ]] || verdict+=$late_before
    if [[ $verdict == ok ]]; then
        passed=$((passed + 1))
        printf 'PASS  %-10s %6.3fs  sctimeout %s%s\n' "$actual" "$elapsed" "$*" "$late_before"
    else
        failed=$((failed + 1))
        printf 'FAIL  %s  sctimeout %s\n' "$verdict" "$*"
    fi
}

# pinned EXPECTED DEADLINE ARGS...: a row whose answer changed in a later
# coreutils than 9.1, whose behaviour (and own tests, see
# scripts/test-coreutils-timeout) sctimeout follows; EXPECTED is 9.1's answer.
pinned=
pinned() {
    pinned=$1
    shift
    row "$@"
    pinned=
}

# The command finishes first: its own status.
row - 5 true
row - 5 false
row - 5 sh -c 'exit 3'
row - 5 sh -c 'exit 7' extra-arg
row - 0 sleep 0.1                                  # 0 disables the timeout
# A command that dies of a signal (not on timeout) takes sctimeout with it.
row - 5 "$helper" raise 10                         # signal 10, not exit 138
row - 5 "$helper" raise 6                          # signal 6 (core dumps off)
row - 5 "$helper" raise 2
row - --foreground 5 "$helper" raise 15
row - 5 "$helper" exit 124                         # a genuine 124 from the command

# Timeouts: 124, or the command's status with --preserve-status.
row 0.3 0.3 sleep 10
row 0.3 0.3s sleep 10
row 0.3 0.005m sleep 10
row 0.3 3e-1 sleep 10
row 0.3 --preserve-status 0.3 sleep 10             # 143
row 0.3 -s INT 0.3 sleep 10
row 0.3 -s SIGHUP --preserve-status 0.3 sleep 10   # 129
row 0.3 --signal=USR1 0.3 sleep 10
row 0.3 -s 143 --preserve-status 0.3 sleep 10      # a shell's $? for TERM: 15
row 0.3 -s 271 --preserve-status 0.3 sleep 10      # ksh's: 15
row 0.3 -s rtmin+1 --preserve-status 0.3 sleep 10
row 0.3 -s SIGRTMAX-2 --preserve-status 0.3 sleep 10
row 0.3 -s 9 0.3 sleep 10                          # KILL to the group: signal 9
row 0.3 -s KILL --preserve-status 0.3 sleep 10
row 0.3 --foreground -s KILL 0.3 sleep 10          # KILL to the command only: exit 137
row 0.3 -s EXIT 0.3 sleep 0.5                      # signal 0 sends nothing: still 124
row 0.3 --foreground 0.3 sleep 10
row 0.3 -v 0.3 sleep 10
row 0.3 --verbose -k 5 0.3 sleep 10                # TERM suffices, no KILL

# -k: the command ignores TERM and has to be killed; the KILL goes to the
# group, sctimeout included (signal 9), or with --foreground to the command
# alone (exit 137). The TERM comes after 1 s, not 0.3 s: the helper must have
# started and ignored it by then, for coreutils as for sctimeout (under load,
# coreutils once met a helper that had not, and gave 143).
row 1.3 -k 0.3 1 "$helper" ignore-term 10
row 1.3 --kill-after=0.3 -s TERM 1 "$helper" ignore-term 10
row 1.3 --preserve-status -k 0.3 1 "$helper" ignore-term 10
row 1.3 --foreground -k 0.3 1 "$helper" ignore-term 10
row 1.3 --foreground --preserve-status -k 0.3 1 "$helper" ignore-term 10
row 0.6 -s 0 -k 0.3 0.3 sleep 10
# A stopped command: CONT follows the signal, except with --foreground.
row 0.3 -k 0.3 0.3 sh -c 'kill -STOP $$'
row 0.6 --foreground -k 0.3 0.3 sh -c 'kill -STOP $$'

# The command cannot run: 126 / 127.
row - 5 /nonexistent/program
row - 5 sharedchild-no-such-command
row - 5 "$noexec"
row - 5 /tmp

# sctimeout itself fails: 125.
row - x sleep 1
row - -1 sleep 1
row - 5
row - 
row - -s NOSUCHSIGNAL 1 true
# glibc's own, no name: not allowed (coreutils 9.7, Debian 13, sends it)
pinned "exit 125" - -s 32 1 true
row - -s 65 1 true
row - -s RTMIN+31 1 true
row - -k bogus 1 true
row - --no-such-option 1 true
row - 1.5q true

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
