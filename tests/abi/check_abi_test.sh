#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/check-abi fails when it should: against baselines recorded from this
# very build and then altered as an incompatible change would alter them, it
# must fail with its message; it must pass on the unaltered baselines and on
# ones that lack a function (an addition). Independent of the committed
# baselines under abi/, which CI checks with scripts/check-abi itself.
#   check_abi_test.sh SOURCE_DIR BUILD_DIR   (exit 77: skipped)
set -euo pipefail
source_dir=$1
build=$(cd "$2" && pwd)
check="$source_dir/scripts/check-abi"

if ! command -v abidw >/dev/null || ! command -v abidiff >/dev/null; then
    echo "SKIP: abigail-tools not installed (scripts/deps installs it)"
    exit 77
fi
for library in "$build/src/core/libsharedchild-core.so" "$build/src/qt/libsharedchild-qt6.so"; do
    if [[ ! -e $library ]] || ! readelf -S --wide "$library" | grep -q '\.debug_info'; then
        echo "SKIP: $library missing or without debug info (RelWithDebInfo needed)"
        exit 77
    fi
done

work="$build/abi-test"
rm -rf "$work"
mkdir -p "$work"
core=libsharedchild-core.so.1.abi
signal_name=_ZN11SharedChild10signalNameB5cxx11Ei

fail() {
    echo "FAIL: $*"
    exit 1
}
# check-abi against the baselines in $1; its output in $work/out, its status echoed.
run_check() {
    local status=0
    "$check" --baseline-dir "$1" "$build" >"$work/out" 2>&1 || status=$?
    echo "$status"
}
variant() {
    rm -rf "$work/$1"
    cp -r "$work/recorded" "$work/$1"
}

"$check" --baseline-dir "$work/recorded" --update "$build"
grep -q "$signal_name" "$work/recorded/$core" || fail "signalName() not in the recorded ABI"

[[ $(run_check "$work/recorded") == 0 ]] || { cat "$work/out"; fail "the unaltered ABI did not pass"; }
grep -q "same ABI" "$work/out" || fail "no 'same ABI' report"

# A public class that grew (as an inline member would make it): abidiff sets
# only its "ABI changed" bit, which must fail too.
variant grown
# libabigail 2.2 (Debian 12) writes name='ExitStatus' size-in-bits='128';
# 2.6 (Debian 13) puts visibility='default' between the two.
sed -i -E "/<class-decl name='ExitStatus'/ s/ size-in-bits='128'/ size-in-bits='192'/" \
    "$work/grown/$core"
grep -qE "<class-decl name='ExitStatus'[^>]* size-in-bits='192'" "$work/grown/$core" ||
    fail "could not alter ExitStatus"
[[ $(run_check "$work/grown") == 1 ]] || { cat "$work/out"; fail "a resized ExitStatus passed"; }
grep -q "FAILED: the ABI changed incompatibly" "$work/out" || { cat "$work/out"; fail "no message"; }
grep -q "type size changed from 192 to 128" "$work/out" || { cat "$work/out"; fail "no size report"; }

# A signature change: the baseline has signalName(long), the build signalName(int).
variant changed
sed -i "s/${signal_name}/_ZN11SharedChild10signalNameB5cxx11El/g" "$work/changed/$core"
[[ $(run_check "$work/changed") == 1 ]] || { cat "$work/out"; fail "a changed signature passed"; }
grep -q "FAILED: the ABI changed incompatibly" "$work/out" || { cat "$work/out"; fail "no message"; }
grep -q "1 Removed function" "$work/out" || { cat "$work/out"; fail "no removed function reported"; }

# An addition: the baseline lacks signalName(), the build has it; reported, passes.
variant added
awk -v symbol="$signal_name" '
    index($0, "<elf-symbol name=\x27" symbol "\x27") { next }
    index($0, "<function-decl name=\x27signalName\x27") { skipping = 1 }
    skipping { if (index($0, "</function-decl>")) skipping = 0; next }
    { print }' "$work/recorded/$core" >"$work/added/$core"
! grep -q "$signal_name" "$work/added/$core" || fail "could not remove signalName()"
[[ $(run_check "$work/added") == 0 ]] || { cat "$work/out"; fail "an addition failed"; }
grep -q "compatible additions only" "$work/out" || { cat "$work/out"; fail "no addition report"; }
grep -q "1 Added function" "$work/out" || { cat "$work/out"; fail "the added function not reported"; }

echo "check-abi: passes unaltered and added ABIs, fails a resized class and a changed signature"
