#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The behaviours of coreutils timeout that a table of exit statuses cannot
# show (issue 15), each run through coreutils timeout and through sctimeout
# and compared: coreutils is the reference. Each case prints what it saw.
#   sigchld-ignored   started with SIGCHLD ignored (inherited across exec)
#   foreground-*      --foreground: the caller's process group, the TTY,
#                     children not timed out
#   alarm-*           a SIGALRM sent to timeout means "time is up"
#   group-*           without --foreground the whole process group is signalled
#   name-*            messages use the name the program was invoked as
# (Death by signal, and KILL after -k, are rows of compare_with_timeout.sh.)
# Usage: behaviours.sh SCTIMEOUT
set -u
sctimeout=$(realpath "$1")
reference=$(command -v timeout)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export LC_ALL=C

scale=${SCTEST_TIME_SCALE:-1}
# seconds * SCTEST_TIME_SCALE (the sanitizer builds start and stop slower)
scaled() { awk -v s="$1" -v k="$scale" 'BEGIN { print s * (k >= 1 ? k : 1) }'; }

# Polls `condition` every 20 ms for up to SECONDS; true once it holds.
within() {
    local limit=$1
    shift
    local deadline
    deadline=$(awk -v n="$(date +%s.%N)" -v l="$(scaled "$limit")" 'BEGIN { printf "%.3f", n + l }')
    until "$@"; do
        awk -v n="$(date +%s.%N)" -v d="$deadline" 'BEGIN { exit !(n > d) }' && return 1
        sleep 0.02
    done
}

# How a command ended, as its parent's waitpid() sees it: "exit N" or
# "signal N". Its stderr goes to $scratch/err, its stdout to $scratch/out.
ending() {
    perl -e 'open(my $result, ">&", \*STDOUT) or die;
             open(STDOUT, ">", "$ENV{scratch}/out") or die;
             open(STDERR, ">", "$ENV{scratch}/err") or die;
             system { $ARGV[0] } @ARGV; my $s = $?;
             print $result $s == -1 ? "not run" : $s & 127 ? "signal " . ($s & 127) : "exit " . ($s >> 8)' "$@"
}
export scratch

# "running" if the process runs, "gone" if it has ended (a zombie too, as a
# container's PID 1 need not reap orphans).
processState() {
    local state
    state=$(awk '{ sub(/^.*\) /, ""); print substr($0, 1, 1) }' "/proc/$1/stat" 2>/dev/null)
    [[ -n $state && $state != Z ]] && echo running || echo gone
}
allGone() {
    local pid
    for pid in $(cat "$1"); do [[ $(processState "$pid") == gone ]] || return 1; done
}
# True once PID sleeps, i.e. waits for its command: coreutils 9.1 timeout
# installs its handlers before fork() but acts on a signal only once fork()
# has returned in the parent; until then a SIGALRM makes it _exit(142)
# without signalling the command, even if the command already runs.
sleeping() {
    local state
    state=$(awk '{ sub(/^.*\) /, ""); print substr($0, 1, 1) }' "/proc/$1/stat" 2>/dev/null)
    [[ $state == S ]]
}
childOf() { awk '{ print $1 }' "/proc/$1/task/$1/children" 2>/dev/null; }

killAll() {
    local pid
    for pid in $(cat "$1" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
}

# --- the cases: each prints one line describing what TOOL did ------------

# bash, not dash: dash's `trap "" CHLD` does not reach the exec'd program.
case_sigchld_ignored() { # item 1
    local tool=$1 quick slow
    local ignored
    ignored=$(bash -c 'trap "" CHLD; exec grep SigIgn /proc/self/status' | awk '{ print $2 }')
    (((0x$ignored >> (17 - 1)) & 1)) || echo "(bash did not leave SIGCHLD ignored: $ignored)"
    quick=$(ending bash -c 'trap "" CHLD; exec "$0" 10 true' "$tool")
    local quickErr
    quickErr=$(head -c 200 "$scratch/err")
    slow=$(ending bash -c 'trap "" CHLD; exec "$0" "$1" sleep 30' "$tool" "$(scaled 0.3)")
    echo "10 true: $quick [${quickErr}]; 0.3 sleep 30: $slow [$(head -c 200 "$scratch/err")]"
}

# Which process group the command runs in: the caller's, or a new one led by
# timeout (the command's parent).
case_foreground_group() { # item 2
    local tool=$1 option=$2 line
    line=$("$tool" $option 5 sh -c 'read -r _ _ _ ppid pgid _ < /proc/$$/stat; echo "$ppid $pgid"')
    local ppid=${line% *} pgid=${line#* } ours
    ours=$(awk '{ sub(/^.*\) /, ""); split($0, f, " "); print f[3] }' /proc/$BASHPID/stat)
    if [[ $pgid == "$ours" ]]; then
        echo "the caller's process group"
    elif [[ $pgid == "$ppid" ]]; then
        echo "a new process group led by timeout"
    else
        echo "another process group ($line; ours $ours)"
    fi
}

# A command that reads the terminal, under a pseudo-terminal (script(1)): in
# the TTY's foreground group it reads; in a background group it stops
# (SIGTTIN) until the timeout ends it.
case_foreground_tty() { # item 2
    local tool=$1 option=$2
    printf 'hello\n' | "$reference" 30 script -qec \
        "'$tool' $option $(scaled 1) sh -c 'read x; echo read \$x'; echo \"status \$?\"" /dev/null \
        | tr -d '\r' | grep -v '^hello$' | tr '\n' ' '
    echo
}

# The command's own children after a timeout: signalled with it, or left.
case_children() { # items 2 and 5
    local tool=$1 option=$2 status
    : >"$scratch/pids"
    status=$(ending "$tool" $option "$(scaled 1)" sh -c \
        'sleep 77 & echo $! >> "$0"; sleep 78 & echo $! >> "$0"; wait' "$scratch/pids")
    local left=0 pid
    within 2 allGone "$scratch/pids"
    for pid in $(cat "$scratch/pids"); do
        [[ $(processState "$pid") == running ]] && left=$((left + 1))
    done
    killAll "$scratch/pids"
    echo "$status, $(wc -l <"$scratch/pids") children started, $left still running"
}

# SIGALRM sent to timeout: time is up. The command must be running and
# timeout waiting for it first (see sleeping()).
case_alarm() { # item 3
    local tool=$1 start status
    rm -f "$scratch/started"
    start=$(date +%s)
    "$tool" 60 sh -c 'touch "$0"; exec sleep 60' "$scratch/started" & local pid=$!
    within 10 test -e "$scratch/started" || echo "(the command did not start)"
    within 10 sleeping "$pid" || echo "(timeout is not waiting)"
    kill -ALRM "$pid"
    wait "$pid"
    status=$?
    (($(date +%s) - start < 30)) && echo "\$? $status, ended at once" || echo "\$? $status, ran on"
}

# Cascaded: the outer timeout's SIGALRM is the inner one's "time is up", so
# the inner one sends the command SIGINT (as timeout-group.sh checks).
case_alarm_cascade() { # item 3
    local tool=$1 status
    rm -f "$scratch/started" "$scratch/int.received"
    "$tool" -sALRM 60 "$tool" -sINT 50 sh -c \
        'trap "touch \"\$0/int.received\"; exit" INT; touch "$0/started"; while :; do sleep 0.05; done' \
        "$scratch" & local pid=$!
    within 10 test -e "$scratch/started" || echo "(the command did not start)"
    within 10 sleeping "$pid" || echo "(the outer timeout is not waiting)"
    within 10 sleeping "$(childOf "$pid")" || echo "(the inner timeout is not waiting)"
    kill -ALRM "$pid"
    wait "$pid"
    status=$?
    [[ -e $scratch/int.received ]] && echo "\$? $status, the command got SIGINT" \
        || echo "\$? $status, the command got no SIGINT"
}

# Messages name the program as it was invoked (here: through PATH).
case_name() { # item 6
    local tool=$1
    mkdir -p "$scratch/bin"
    ln -sf "$tool" "$scratch/bin/mytimeout"
    local invocation
    for invocation in "-v $(scaled 0.2) sleep 10" "-v -s0 -k 0.1 0.1 sleep 10" \
        "-v -s 50 0.1 sleep 10" "-v -s rtmin+1 0.1 sleep 10" "1.5q true" \
        "5 /nonexistent/program" "-s BOGUS 1 true" "--bogus 1 true" "-k" "5"; do
        # shellcheck disable=SC2086 # the words of the invocation
        PATH="$scratch/bin:$PATH" ending mytimeout $invocation >/dev/null
        tr '\n' '|' <"$scratch/err"
    done
    echo
}

# --- run every case through both tools and compare -------------------------

passed=0
failed=0
compare() {
    local name=$1
    shift
    local expected actual
    expected=$("$@" "$reference" 2>&1)
    actual=$("$@" "$sctimeout" 2>&1)
    if [[ $actual == "$expected" ]]; then
        passed=$((passed + 1))
        printf 'PASS  %-22s %s\n' "$name" "$actual"
    else
        failed=$((failed + 1))
        printf 'FAIL  %-22s sctimeout: %s\n      %-22s timeout:   %s\n' "$name" "$actual" "" "$expected"
    fi
}
withOption() { local option=$1 case=$2 tool=$3; "$case" "$tool" "$option"; }

compare sigchld-ignored case_sigchld_ignored
compare foreground-group withOption --foreground case_foreground_group
compare group-own withOption "" case_foreground_group
if script -qec true /dev/null </dev/null >/dev/null 2>&1; then
    compare foreground-tty withOption --foreground case_foreground_tty
    compare group-tty withOption "" case_foreground_tty
else
    echo "SKIP  foreground-tty, group-tty: script(1) cannot open a pseudo-terminal here"
fi
compare foreground-children withOption --foreground case_children
compare group-children withOption "" case_children
compare alarm case_alarm
compare alarm-cascade case_alarm_cascade
compare name case_name

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
