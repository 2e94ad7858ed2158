#!/bin/sh
# tools/deps.sh - install what vsrsim needs to build and test, on Debian 12.
#
# Called by `make deps` (and so by `make run` and `make test`). Silent when
# everything is present: the pkg-config modules gsl, libconfig, sqlite3,
# libvirt and cmocka; the sqlite3 and gnuplot commands; and what the live
# test router needs (QEMU, a Debian kernel for the guest, static busybox,
# cpio, trafgen, ip, libvirtd and virsh), and man and groff for the
# manual pages' test. Otherwise, as root, installs the
# packages below with apt-get; as any other user, prints the command to run
# and fails.
set -eu

packages="build-essential pkg-config libgsl-dev libconfig-dev libsqlite3-dev
libvirt-dev libcmocka-dev sqlite3 gnuplot-nox qemu-system-x86 linux-image-amd64
busybox-static cpio netsniff-ng iproute2 libvirt-daemon-system libvirt-clients
man-db groff-base"

have() {
    command -v "$1" >/dev/null 2>&1
}

# `deps.sh fuzz`, called by `make fuzz` (optional, not part of `make
# test`): clang and its sanitizer and libFuzzer runtimes (Debian 12:
# libclang-rt-14-dev), checked by linking an empty fuzz target.
if [ "${1:-}" = fuzz ]; then
    if have clang && echo 'int LLVMFuzzerTestOneInput(const char *d, long n);
int LLVMFuzzerTestOneInput(const char *d, long n) { return d && n < 0; }' |
        clang -fsanitize=fuzzer,address,undefined -x c - \
            -o "${TMPDIR:-/tmp}/deps-fuzz-$$" >/dev/null 2>&1; then
        rm -f "${TMPDIR:-/tmp}/deps-fuzz-$$"
        exit 0
    fi
    if [ "$(id -u)" -eq 0 ] && have apt-get; then
        echo "deps.sh: installing: clang libclang-rt-14-dev"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends clang libclang-rt-14-dev
        exit 0
    fi
    echo "deps.sh: make fuzz needs clang and its fuzzer runtime; run:" \
        "sudo apt-get install --no-install-recommends clang" \
        "libclang-rt-14-dev" >&2
    exit 1
fi

# `deps.sh valgrind`, called by `make valgrind` (optional, not part of
# `make test`): Valgrind's memcheck.
if [ "${1:-}" = valgrind ]; then
    have valgrind && exit 0
    if [ "$(id -u)" -eq 0 ] && have apt-get; then
        echo "deps.sh: installing: valgrind"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends valgrind
        exit 0
    fi
    echo "deps.sh: make valgrind needs valgrind; run:" \
        "sudo apt-get install --no-install-recommends valgrind" >&2
    exit 1
fi

if have pkg-config \
    && pkg-config --exists gsl libconfig sqlite3 libvirt libvirt-qemu cmocka \
    && have sqlite3 && have gnuplot && have qemu-system-x86_64 \
    && [ -x /bin/busybox ] && have cpio && have trafgen && have ip \
    && have libvirtd && have virsh && ls /boot/vmlinuz-* >/dev/null 2>&1 \
    && have man && have groff; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    if ! have apt-get; then
        echo "deps.sh: missing build dependencies and no apt-get;" \
            "install the equivalents of:" $packages >&2
        exit 1
    fi
    echo "deps.sh: installing:" $packages
    apt-get update
    # $packages is split into words on purpose.
    DEBIAN_FRONTEND=noninteractive apt-get install -y \
        --no-install-recommends $packages
    exit 0
fi

# Not root: name only the packages that are not installed yet, when dpkg can
# tell; otherwise all of them (apt-get skips those already there).
missing=
if have dpkg-query; then
    for p in $packages; do
        if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
            | grep -q 'install ok installed'; then
            missing="$missing $p"
        fi
    done
fi
[ -n "$missing" ] || missing=" $(echo $packages)"
echo "deps.sh: missing build dependencies; run:" \
    "sudo apt-get install --no-install-recommends$missing" >&2
exit 1
