#!/bin/sh
# tests/install.sh - `make install` and the installed programs.
#
# Installs with DESTDIR=$(mktemp -d) PREFIX=/usr/local and checks:
#   1. every file is installed, with its mode and its content (the
#      programs, the man pages, the plots scripts, the cost model and its
#      schema, every file of models/), and nothing else;
#   2. both man pages render without a warning (man --warnings -l and
#      groff -ww), have the sections a manual page needs, and name the
#      installed files; man finds them through MANPATH;
#   3. the installed vsrsim, run as installed, simulates an installed
#      scenario with --plot and finds by itself the plots script under
#      PREFIX/share/vsrsim/plots and the scenario's cost model,
#      PREFIX/share/vsrsim/data/costs.db (named ../../data/costs.db by the
#      scenario). "As installed": the staged usr/local is mounted over
#      /usr/local in a private mount namespace (unshare), so nothing of the
#      source tree or of a real /usr/local is reachable; where no namespace
#      can be made, a second install with PREFIX in a temporary folder
#      (built in its own BUILD folder) is run from there instead;
#   4. make uninstall removes every installed file.
#
# Needs make, man (man-db) and groff. Run from the source tree or with
# VSRSIM_SRCDIR set; the programs must build there.
set -u
cd "${VSRSIM_SRCDIR:-.}" || exit 1
MAKE=${MAKE:-make}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/usr/local
share=$prefix/share/vsrsim
fails=0 before=0

fail() {
    echo "FAIL $*"
    fails=$((fails + 1))
}

# ok TEXT: print it when no check failed since the last call of ok.
ok() {
    [ "$fails" -eq "$before" ] && echo "ok   $*"
    before=$fails
}

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "FAIL $1 is not installed (Debian package $2)"
        exit 1
    fi
}
need man man-db
need groff groff-base

# ---- 1. the files

mkdir -p "$dest"
if ! $MAKE --no-print-directory install DESTDIR="$dest" PREFIX=$prefix \
    >"$tmp/make.log" 2>&1; then
    cat "$tmp/make.log"
    echo "FAIL make install DESTDIR=$dest PREFIX=$prefix"
    exit 1
fi
ok "make install DESTDIR=... PREFIX=$prefix"

# What must be there: installed path, mode, source file.
{
    echo "$prefix/bin/vsrsim 755 bin/vsrsim"
    echo "$prefix/bin/vsrcal 755 bin/vsrcal"
    echo "$prefix/share/man/man1/vsrsim.1 644 man/vsrsim.1"
    echo "$prefix/share/man/man1/vsrcal.1 644 man/vsrcal.1"
    for f in plots/*.gp; do
        echo "$share/$f 644 $f"
    done
    echo "$share/data/costs.db 644 data/costs.db"
    echo "$share/data/schema.sql 644 data/schema.sql"
    find models -type f | sort | while read -r f; do
        echo "$share/$f 644 $f"
    done
} >"$tmp/expected"

n=0
while read -r path mode src; do
    n=$((n + 1))
    if [ ! -f "$dest$path" ]; then
        fail "$path: not installed"
    elif [ "$(stat -c %a "$dest$path")" != "$mode" ]; then
        fail "$path: mode $(stat -c %a "$dest$path"), expected $mode"
    elif ! cmp -s "$src" "$dest$path"; then
        fail "$path: differs from $src"
    fi
done <"$tmp/expected"
(cd "$dest" && find . -type f | sed 's|^\.||' | sort) >"$tmp/found"
cut -d' ' -f1 "$tmp/expected" | sort >"$tmp/wanted"
extra=$(comm -13 "$tmp/wanted" "$tmp/found")
[ -z "$extra" ] || fail "installed but not expected: $extra"
ok "$n files installed, with their modes and contents"

# ---- 2. the man pages

for page in vsrsim vsrcal; do
    f=$dest$prefix/share/man/man1/$page.1
    warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "man --warnings -l $page.1: $warn"
    warn=$(groff -man -ww -z "$f" 2>&1)
    [ -z "$warn" ] || fail "groff -man -ww $page.1: $warn"
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>/dev/null | col -b >"$tmp/$page.txt"
    for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" \
        ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
        grep -qx "$sec" "$tmp/$page.txt" || fail "$page(1): no section $sec"
    done
    grep -q "$share/data/costs.db" "$tmp/$page.txt" ||
        fail "$page(1) does not name $share/data/costs.db"
    found=$(MANPATH=$dest$prefix/share/man man -w "$page" 2>/dev/null)
    [ "$found" = "$f" ] || fail "man -w $page with MANPATH: '$found'"
done
for cmd in run paper validate search plan explain trace; do
    grep -Eq "^ +vsrsim +$cmd " "$tmp/vsrsim.txt" ||
        fail "vsrsim(1): no synopsis of $cmd"
done
for cmd in discover measure fit restore; do
    grep -Eq "^ +vsrcal +$cmd " "$tmp/vsrcal.txt" ||
        fail "vsrcal(1): no synopsis of $cmd"
done
for word in VSRSIM_STATS VSRSIM_PLOTS; do
    grep -q "$word" "$tmp/vsrsim.txt" || fail "vsrsim(1) lacks $word"
done
for word in VSRCAL_JOURNAL 130 PLAN JOURNAL; do
    grep -q "$word" "$tmp/vsrcal.txt" || fail "vsrcal(1) lacks $word"
done
ok "man pages render without warnings"

# ---- 3. the installed vsrsim, as installed

# A small run of an installed scenario: one rate, one replication, a few
# simulated milliseconds. $1 is the prefix it was installed to, as seen
# by the program; the outputs go to $tmp/run.
cat >"$tmp/run.sh" <<'EOF'
set -u
prefix=$1 out=$2
unset VSRSIM_PLOTS
cd / || exit 1
"$prefix/bin/vsrsim" --version >/dev/null || exit 1
"$prefix/bin/vsrcal" --help >/dev/null || exit 1
"$prefix/bin/vsrsim" run "$prefix/share/vsrsim/models/paper/fig02.cfg" \
    --reps 1 --set sim.warmup_ms=5 --set sim.duration_ms=20 \
    --set 'traffic.rates_kpps=[300.0]' \
    --csv "$out/run.csv" --db "$out/run.db" --plot "$out/run.png"
EOF
mkdir -p "$tmp/run"
how=
if unshare -m true 2>/dev/null; then
    how="unshare -m"
elif unshare -rm true 2>/dev/null; then
    how="unshare -rm"
fi
if [ -n "$how" ]; then
    $how sh -c 'mount --bind "$1$2" "$2" && shift 2 && sh "$@"' sh \
        "$dest" "$prefix" "$tmp/run.sh" "$prefix" "$tmp/run" \
        >"$tmp/run.log" 2>&1
    rc=$?
    where="$prefix (staged tree mounted there by $how)"
    inst=$prefix
else
    # No mount namespace: install for real under a temporary prefix, built
    # in its own folder so that the tree's bin/ keeps PREFIX=/usr/local.
    inst=$tmp/prefix
    $MAKE --no-print-directory install PREFIX="$inst" BUILD="$tmp/build" \
        >"$tmp/make2.log" 2>&1 || {
        cat "$tmp/make2.log"
        echo "FAIL make install PREFIX=$inst BUILD=$tmp/build"
        exit 1
    }
    sh "$tmp/run.sh" "$inst" "$tmp/run" >"$tmp/run.log" 2>&1
    rc=$?
    where="$inst (installed there, no mount namespace available)"
fi
if [ "$rc" -ne 0 ]; then
    cat "$tmp/run.log"
    fail "installed vsrsim run with --plot from $where: exit $rc"
else
    [ ! -s "$tmp/run.log" ] || {
        cat "$tmp/run.log"
        fail "installed vsrsim wrote to stderr"
    }
    [ "$(head -c 4 "$tmp/run/run.png" | od -An -c | tr -d ' ')" = "211PNG" ] ||
        fail "no PNG drawn from $inst/share/vsrsim/plots/curves.gp"
    [ "$(grep -c '' "$tmp/run/run.csv")" -eq 6 ] ||
        fail "run.csv: expected a header and 5 curves"
    model=$(sqlite3 "$tmp/run/run.db" \
        "SELECT DISTINCT attrValue FROM runAttr WHERE attrName LIKE '%costmodel%';" \
        2>/dev/null)
    echo "$model" | grep -q "e5-1620-paper" ||
        fail "results do not name cost model e5-1620-paper: '$model'"
    ok "installed vsrsim finds its plots and costs.db from $where"
fi

# ---- 4. uninstall

$MAKE --no-print-directory uninstall DESTDIR="$dest" PREFIX=$prefix \
    >"$tmp/make3.log" 2>&1 || {
    cat "$tmp/make3.log"
    fail "make uninstall"
}
left=$(find "$dest" -type f)
[ -z "$left" ] || fail "left after make uninstall: $left"
ok "make uninstall removes every file"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
exit 0
