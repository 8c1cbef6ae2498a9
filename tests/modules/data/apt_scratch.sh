#!/usr/bin/env bash
# apt_scratch.sh — a scratch Debian system for the package-module tests, so that the machine's own
# packages are never touched. Needs root, unshare (util-linux), overlayfs, dpkg-deb and
# dpkg-scanpackages (dpkg-dev).
#
#   apt_scratch.sh init DIR [FROM] builds the test packages into DIR/repo (a flat apt repository
#                                 with a Release file, used through a `file:` source) and DIR/debs
#                                 (files only given as deb=), or copies them from the scratch FROM,
#                                 and prepares DIR's overlay layers (apt's lists hold only DIR/repo)
#   apt_scratch.sh run DIR CMD..  runs CMD in a private mount namespace where /etc, /var and
#                                 /usr/share are overlays whose changes land in DIR/layers: apt and
#                                 dpkg work on the real machine's databases seen through them, the
#                                 sources are only DIR/repo, and every change stays in DIR. Each
#                                 run sees the changes of the runs before it.
#
# Exit status: CMD's, or 77 when the sandbox cannot be made (not root, no overlayfs, tools missing).
set -euo pipefail

k_layers=(etc var usr/share)

die_skip() { echo "apt_scratch: $*" >&2; exit 77; }

# build_deb DIR NAME VERSION [CONTROL_LINES] [CONFFILE]: DIR/NAME_VERSION_all.deb installing
# /usr/share/drover-apt-test/NAME (holding the version), and with CONFFILE a conffile
# /etc/drover-apt-test/NAME.conf
build_deb() {
    local out=$1 name=$2 version=$3 extra=${4:-} conffile=${5:-}
    local tree; tree=$(mktemp -d)
    mkdir -p "$tree/DEBIAN" "$tree/usr/share/drover-apt-test"
    echo "$version" > "$tree/usr/share/drover-apt-test/$name"
    {
        echo "Package: $name"
        echo "Version: $version"
        echo "Architecture: all"
        echo "Maintainer: drover tests <tests@drover.invalid>"
        echo "Section: misc"
        echo "Priority: optional"
        [[ -n $extra ]] && printf '%s\n' "$extra"
        echo "Description: drover apt test package $name"
    } > "$tree/DEBIAN/control"
    if [[ -n $conffile ]]; then
        mkdir -p "$tree/etc/drover-apt-test"
        echo "setting=$version" > "$tree/etc/drover-apt-test/$name.conf"
        echo "/etc/drover-apt-test/$name.conf" > "$tree/DEBIAN/conffiles"
    fi
    dpkg-deb -Zgzip --root-owner-group --build "$tree" "$out/${name}_${version}_all.deb" > /dev/null
    rm -rf "$tree"
}

init() {
    local dir=$1 from=${2:-}
    [[ $(id -u) -eq 0 ]] || die_skip "needs root (mount namespace and overlays)"
    for tool in unshare dpkg-deb dpkg-scanpackages apt-get; do
        command -v "$tool" > /dev/null || die_skip "$tool is not installed"
    done
    mkdir -p "$dir/repo" "$dir/debs"
    chmod 755 "$dir"
    if [[ -n $from ]]; then
        cp -r "$from/repo/." "$dir/repo/" && cp -r "$from/debs/." "$dir/debs/"
    else
        build_repo "$dir"
    fi
    for layer in "${k_layers[@]}"; do mkdir -p "$dir/layers/$layer/upper" "$dir/layers/$layer/work"; done
    # the sources: only the test repository, its lists fetched; none from the machine's own sources
    run "$dir" sh -c '
        rm -f /etc/apt/sources.list.d/* /var/lib/apt/lists/*Packages* /var/lib/apt/lists/*Release* \
              /var/lib/apt/lists/*Sources* /var/lib/apt/periodic/update-success-stamp
        : > /etc/apt/sources.list
        echo "deb [trusted=yes] file:$0/repo ./" > /etc/apt/sources.list.d/drover-test.list
        apt-get update -qq > /dev/null' "$dir"
}

build_repo() {
    local dir=$1
    build_deb "$dir/repo" drover-a 1.0
    build_deb "$dir/repo" drover-a 2.0
    build_deb "$dir/repo" drover-b 1.0 "Depends: drover-c"
    build_deb "$dir/repo" drover-c 1.0
    build_deb "$dir/repo" drover-d 1.0 "" conffile
    build_deb "$dir/repo" drover-p 1.0 "Provides: drover-virtual"
    build_deb "$dir/debs" drover-e 1.0 "Depends: drover-c (>= 1.0)"
    build_deb "$dir/debs" drover-f 1.0 "Depends: drover-missing"
    (cd "$dir/repo" && dpkg-scanpackages --multiversion . /dev/null 2> /dev/null > Packages)
    local size sum
    size=$(stat -c %s "$dir/repo/Packages"); sum=$(sha256sum "$dir/repo/Packages" | cut -d' ' -f1)
    printf 'Origin: drover-test\nLabel: drover-test\nSuite: drover\nCodename: drover\nDate: %s\nSHA256:\n %s %s Packages\n' \
        "$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')" "$sum" "$size" > "$dir/repo/Release"
}

run() {
    local dir=$1; shift
    [[ -d $dir/layers ]] || die_skip "$dir was not made by init"
    exec unshare --mount --propagation private sh -c '
        dir=$1; shift
        for layer in etc var usr/share; do
            mount -t overlay overlay -o "lowerdir=/$layer,upperdir=$dir/layers/$layer/upper,workdir=$dir/layers/$layer/work" "/$layer" || exit 77
        done
        exec "$@"' sh "$dir" "$@"
}

case "${1:-}" in
    init) [[ $# -eq 2 || $# -eq 3 ]] || { echo "usage: $0 init DIR [FROM]" >&2; exit 5; }; init "$2" "${3:-}" ;;
    run) [[ $# -ge 3 ]] || { echo "usage: $0 run DIR CMD..." >&2; exit 5; }; shift; run "$@" ;;
    *) echo "usage: $0 init DIR [FROM] | run DIR CMD..." >&2; exit 5 ;;
esac
