#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The part of scripts/test-install that runs inside the bare bookworm chroot:
# installs the packages from DEBS_DIR (with apt, so their dependencies come
# from Debian's archive only), then uses them as a user of the packages would.
# Usage (inside the chroot): inside.sh DEBS_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
debs=$1
source=$2
work=$3
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$work"

step() { echo "test-install: [chroot] $*"; }

step "apt-get install ./*.deb"
# The archive cache is bound from the host (scripts/test-install); apt's
# unprivileged downloader must be able to write there.
chown _apt:root /var/cache/apt/archives/partial
apt-get update -qq
(cd "$debs" && apt-get install -y -qq --no-install-recommends ./*.deb)
installed=$(dpkg-query -W -f='${Package}\n' 'libsharedchild*' 'qml6-module-sharedchild' 'sharedchild-tools')
echo "$installed"

# Nothing of ours but the packages: no environment points anywhere.
unset QML_IMPORT_PATH QML2_IMPORT_PATH LD_LIBRARY_PATH CMAKE_PREFIX_PATH PKG_CONFIG_PATH

step "sctimeout"
set +e
sctimeout 0.2 sleep 5
timed_out=$?
sctimeout 5 true
not_timed_out=$?
set -e
echo "sctimeout 0.2 sleep 5 -> $timed_out (want 124); sctimeout 5 true -> $not_timed_out (want 0)"
[[ $timed_out -eq 124 && $not_timed_out -eq 0 ]]

# Before any QML package of the test's own choosing: sharedchild-tools' own
# Depends must bring every QML module the monitor imports.
step "sharedchild-monitor --self-test"
# A font for its text; any desktop has one.
apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null
QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software sharedchild-monitor --self-test "$work/monitor.png"

step "QML: import SharedChild with no import path"
# The test tools, as a QML user would install them; nothing of ours. QtQuick
# imports QtQml.WorkerScript, which Debian's qml6-module-qtquick does not depend on.
apt-get install -y -qq --no-install-recommends qt6-declarative-dev-tools qml6-module-qttest \
    qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtqml-workerscript >/dev/null
mkdir -p "$work/qml"
cp "$source/tst_installed.qml" "$work/qml/"
(cd "$work/qml" && QT_QPA_PLATFORM=offscreen /usr/lib/qt6/bin/qmltestrunner -input tst_installed.qml)

step "a consumer built with CMake: find_package(SharedChild)"
apt-get install -y -qq --no-install-recommends g++ cmake make pkg-config >/dev/null
cmake -S "$source" -B "$work/cmake-build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$work/cmake-build"
"$work/cmake-build/install_check"

step "the same consumer built with pkg-config: sharedchild-core, sharedchild-qt6"
pkg-config --modversion sharedchild-core sharedchild-qt6
# shellcheck disable=SC2046 # the flags are words
g++ -std=c++20 -fPIC -o "$work/install_check_pc" "$source/install_check.cpp" \
    $(pkg-config --cflags --libs sharedchild-qt6)
"$work/install_check_pc"

step "all checks passed"
