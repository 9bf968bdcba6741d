# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by scripts that need Qt 6.4.2's own sources (the version Debian 12
# ships): downloads Debian's qt6-base orig tarball once and checks it against
# the SHA-256 that the source package's .dsc lists.
#   fetch_qt6_base_source CACHE_DIR   sets qt6_base_tarball to its path
# Needs curl (scripts/deps installs it).

# shellcheck disable=SC2034 # the variables are for the scripts that source this
qt6_base_release=qt6-base_6.4.2+dfsg
qt6_base_top=qtbase-everywhere-src-6.4.2 # the tarball's top directory
qt6_base_archive=http://deb.debian.org/debian/pool/main/q/qt6-base
qt6_base_dsc=$qt6_base_release-10.dsc
# The orig tarball's SHA-256 as listed in the .dsc: a changed .dsc fails too.
qt6_base_sha256=4f14b89a9463a540fd84a6718b8519a2297119b454ef547721015a9e9019ae9e

fetch_qt6_base_source() {
    local cache=$1 tarball=$qt6_base_release.orig.tar.xz file listed
    mkdir -p "$cache"
    for file in "$qt6_base_dsc" "$tarball"; do
        if [[ ! -s $cache/$file ]]; then
            echo "downloading $qt6_base_archive/$file"
            curl -sSfL --retry 3 -o "$cache/$file.part" "$qt6_base_archive/$file"
            mv "$cache/$file.part" "$cache/$file"
        fi
        [[ $file == "$qt6_base_dsc" ]] || continue
        listed=$(awk -v f="$tarball" '/^Checksums-Sha256:/ { s = 1; next } /^[^ ]/ { s = 0 }
                                       s && $3 == f { print $1 }' "$cache/$qt6_base_dsc")
        if [[ $listed != "$qt6_base_sha256" ]]; then
            echo "$qt6_base_dsc lists SHA-256 '$listed' for $tarball, expected $qt6_base_sha256" >&2
            return 1
        fi
    done
    if ! echo "$qt6_base_sha256  $cache/$tarball" | sha256sum --check --status; then
        echo "$tarball does not match the SHA-256 in $qt6_base_dsc; removed, run again to download it" >&2
        rm -f "$cache/$tarball"
        return 1
    fi
    qt6_base_tarball=$cache/$tarball
}
