#!/bin/sh
# tests/bad-scenarios.sh - every bad input in tests/bad/ must be refused.
#
# Each case names the one line it expects on its first line, "# expect:
# TEXT" ("-- expect: TEXT" in SQL). There are three kinds:
#
#   *.cfg  a scenario or plan, run as `vsrsim run FILE --db @OUT@/r.db
#          --csv @OUT@/r.csv`, or as its "# run: COMMAND" line says;
#   *.cmd  a command line: its first line that is not a comment;
#   *.sql  a database built here from text: data/schema.sql ("-- base:
#          schema"), or that and tests/fixtures/costs-test.sql ("-- base:
#          costs-test"), or nothing (an empty file), then the case's SQL;
#          then changed as "-- after:" says (truncate: cut inside its first
#          page; scramble: header overwritten; lock: held under an
#          exclusive lock by another process while the case runs). It is
#          the cost model of tests/bad/fixtures/costdb.cfg, or what its
#          "-- run: COMMAND" line does with it.
#
# In commands and expectations @CFG@ is the case's file, @DB@ the database
# built for it (named after the case), @OUT@ an empty folder for outputs,
# @TMP@ a scratch folder holding text.txt (a file that is no database) and
# @DISK@ a file system that "# mount: ro" (read-only) or "# mount: full"
# (no space left) mounts for the case in a private mount namespace
# (unshare -m; the case is skipped where that is not allowed). A command
# starts with vsrsim or vsrcal (VSRSIM_BIN, VSRCAL_BIN; default bin/); its
# words are split on blanks and never evaluated by a shell.
#
# Every case must exit with status 2, print exactly one line on stderr
# containing TEXT, and leave nothing behind: @OUT@ and @DISK@ empty, the
# database unchanged, no results.db here and no vsrcal journal.
set -u
cd "${VSRSIM_SRCDIR:-.}" || exit 1
vsrsim=${VSRSIM_BIN:-bin/vsrsim}
vsrcal=${VSRCAL_BIN:-bin/vsrcal}
tmp=$(mktemp -d) || exit 1
lockpid=
cleanup() {
    [ -z "$lockpid" ] || kill "$lockpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
mkdir -p build "$tmp/db" "$tmp/disk"
echo 'This is a text file, not an SQLite database.' >"$tmp/text.txt"
cat data/schema.sql tests/fixtures/costs-test.sql | sqlite3 build/costs-test.db.tmp &&
    mv -f build/costs-test.db.tmp build/costs-test.db || exit 1
export VSRCAL_JOURNAL="$tmp/journal"

fails=0 n=0 skips=0

# subst TEXT CASEFILE DB: TEXT with the @NAME@ placeholders replaced.
subst() {
    printf '%s\n' "$1" | sed -e "s|@CFG@|$2|g" -e "s|@DB@|$3|g" \
        -e "s|@OUT@|$tmp/out|g" -e "s|@TMP@|$tmp|g" -e "s|@DISK@|$tmp/disk|g"
}

# directive FILE PREFIX NAME: the value of the first "PREFIX NAME: value".
directive() {
    sed -n "s/^$2 $3: //p" "$1" | sed -n 1p
}

# check CASE WANT MOUNT DB COMMAND-WORDS...: run one case and judge it.
check() {
    name=$1 want=$2 mount=$3 db=$4
    shift 4
    n=$((n + 1))
    case $1 in
    vsrsim) prog=$vsrsim ;;
    vsrcal) prog=$vsrcal ;;
    *)
        echo "FAIL $name: the command must start with vsrsim or vsrcal"
        fails=$((fails + 1))
        return
        ;;
    esac
    shift
    if [ "$prog" = "$vsrcal" ] && [ "${1:-}" = measure ] &&
        [ "$(id -u)" -ne 0 ]; then
        echo "skip $name: vsrcal measure needs root"
        skips=$((skips + 1))
        return
    fi
    rm -rf "$tmp/out" "$tmp/journal" "$tmp/left" "$tmp/mounted"
    mkdir "$tmp/out"
    [ -z "$db" ] || cp "$db" "$tmp/db.before"
    had_results=0
    [ ! -e results.db ] || had_results=1
    if [ -n "$mount" ]; then
        # shellcheck disable=SC2016
        unshare -m sh -c '
            m=$1 d=$2 t=$3
            shift 3
            case $m in
            ro) mount -t tmpfs -o ro,size=64k vsrsim-bad "$d" || exit 125 ;;
            full)
                mount -t tmpfs -o size=16k vsrsim-bad "$d" || exit 125
                dd if=/dev/zero of="$d/fill" bs=4k 2>/dev/null
                ;;
            *) exit 125 ;;
            esac
            : >"$t/mounted"
            timeout 300 "$@"
            rc=$?
            ls -A "$d" | grep -vx fill >"$t/left"
            exit $rc' sh "$mount" "$tmp/disk" "$tmp" "$prog" "$@" \
            >/dev/null 2>"$tmp/err"
        rc=$?
        if [ ! -e "$tmp/mounted" ]; then
            echo "skip $name: cannot mount a $mount file system here" \
                "(unshare -m and mount need root)"
            skips=$((skips + 1))
            return
        fi
    else
        timeout 300 "$prog" "$@" >/dev/null 2>"$tmp/err"
        rc=$?
    fi
    lines=$(awk 'END { print NR }' "$tmp/err")
    left=$(find "$tmp/out" -mindepth 1 -maxdepth 1 -printf "%f ")
    [ ! -s "$tmp/left" ] || left="$left $(cat "$tmp/left")"
    [ ! -e "$tmp/journal" ] || left="$left $VSRCAL_JOURNAL"
    if [ "$had_results" -eq 0 ] && [ -e results.db ]; then
        left="$left ./results.db"
        rm -f results.db
    fi
    if [ -n "$db" ] && ! cmp -s "$db" "$tmp/db.before"; then
        left="$left $db (changed)"
    fi
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] ||
        ! grep -qF -- "$want" "$tmp/err" || [ -n "$left" ]; then
        echo "FAIL $name: exit $rc, $lines line(s) on stderr:"
        sed -n '1,5s/^/     | /p' "$tmp/err"
        [ -z "$left" ] || echo "     left behind: $left"
        echo "     expected: exit 2, one line with: $want"
        fails=$((fails + 1))
    else
        echo "ok   $name: $(cat "$tmp/err")"
    fi
}

# Scenarios and plans.
for f in tests/bad/*.cfg; do
    want=$(subst "$(sed -n '1s/^# expect: //p' "$f")" "$f" "")
    cmd=$(directive "$f" '#' run)
    [ -n "$cmd" ] || cmd="vsrsim run @CFG@ --db @OUT@/r.db --csv @OUT@/r.csv"
    set -f
    # shellcheck disable=SC2046
    set -- $(subst "$cmd" "$f" "")
    set +f
    check "$f" "$want" "" "" "$@"
done

# Command lines.
for f in tests/bad/*.cmd; do
    [ -e "$f" ] || continue
    want=$(subst "$(sed -n '1s/^# expect: //p' "$f")" "$f" "")
    mount=$(directive "$f" '#' mount)
    cmd=$(grep -v '^#' "$f" | sed -n 1p)
    set -f
    # shellcheck disable=SC2046
    set -- $(subst "$cmd" "$f" "")
    set +f
    check "$f" "$want" "$mount" "" "$@"
done

# Databases built from SQL.
for f in tests/bad/*.sql; do
    [ -e "$f" ] || continue
    db=$tmp/db/$(basename "$f" .sql).db
    want=$(subst "$(sed -n '1s/^-- expect: //p' "$f")" "$f" "$db")
    : >"$db"
    case $(directive "$f" -- base) in
    schema) cat data/schema.sql "$f" ;;
    costs-test) cat data/schema.sql tests/fixtures/costs-test.sql "$f" ;;
    *) cat "$f" ;;
    esac | sqlite3 -bail "$db" >/dev/null || {
        echo "FAIL $f: its SQL does not build a database"
        n=$((n + 1)) fails=$((fails + 1))
        continue
    }
    after=$(directive "$f" -- after)
    case $after in
    truncate) truncate -s 2048 "$db" ;;
    scramble)
        printf 'Not an SQLite file, ' |
            dd of="$db" conv=notrunc 2>/dev/null
        ;;
    lock)
        # sqlite3 holds an exclusive lock until its input ends.
        rm -f "$tmp/fifo"
        mkfifo "$tmp/fifo"
        sqlite3 "$db" <"$tmp/fifo" >/dev/null 2>&1 &
        lockpid=$!
        exec 3>"$tmp/fifo"
        echo 'BEGIN EXCLUSIVE;' >&3
        i=0
        while sqlite3 "$db" 'SELECT 1' >/dev/null 2>&1 && [ $i -lt 100 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        ;;
    esac
    cmd=$(directive "$f" -- run)
    [ -n "$cmd" ] || cmd="vsrsim run tests/bad/fixtures/costdb.cfg
        --set costmodel.db=@DB@ --db @OUT@/r.db --csv @OUT@/r.csv"
    set -f
    # shellcheck disable=SC2046
    set -- $(subst "$cmd" "$f" "$db")
    set +f
    check "$f" "$want" "" "$db" "$@"
    if [ "$after" = lock ]; then
        exec 3>&-
        wait "$lockpid"
        lockpid=
    fi
done

# Bad options are refused the same way.
for opt in "--jobs 0" "--reps x" "--plot out.pdf" "--set nosuch.key=1"; do
    n=$((n + 1))
    rm -f "$tmp/r.db"
    # shellcheck disable=SC2086
    "$vsrsim" run models/paper/fig02.cfg $opt --db "$tmp/r.db" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
        [ -e "$tmp/r.db" ]; then
        echo "FAIL option $opt: exit $rc: $(cat "$tmp/err")"
        fails=$((fails + 1))
    else
        echo "ok   option $opt: $(cat "$tmp/err")"
    fi
done
# Options give values to settings a scenario leaves to their defaults.
n=$((n + 1))
if "$vsrsim" run tests/scenarios/minimal.cfg --reps 2 --seed 5 \
    --set sim.duration_ms=5 --set vm.queues.macvtap=50 --no-db \
    --csv "$tmp/m.csv" 2>"$tmp/err" &&
    [ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "reps") c = i }
                  NR == 2 { print $1 "/" $c }' "$tmp/m.csv")" = default/2 ]; then
    echo "ok   options on tests/scenarios/minimal.cfg"
else
    echo "FAIL options on tests/scenarios/minimal.cfg: $(cat "$tmp/err")"
    fails=$((fails + 1))
fi
# vsrsim paper takes --set for every scenario: a bad one is refused before
# anything is written, a good one is applied and named in the report.
# (Curve names hold commas: the reps column is counted from the end.)
n=$((n + 1))
"$vsrsim" paper --only fig09 --set nosuch.key=1 --out "$tmp/paper" \
    2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "^vsrsim: --set nosuch.key: no such setting in .*fig09.cfg" \
        "$tmp/err" && [ ! -e "$tmp/paper" ]; then
    echo "ok   option paper --set nosuch.key=1: $(cat "$tmp/err")"
else
    echo "FAIL option paper --set nosuch.key=1: exit $rc: $(cat "$tmp/err")"
    fails=$((fails + 1))
fi
# Its last line counts what it simulated: fig09's 15 rates twice.
n=$((n + 1))
if "$vsrsim" paper --only fig09 --set sim.duration_ms=20 --set sim.reps=2 \
    --out "$tmp/paper" >"$tmp/paper.txt" 2>"$tmp/err" &&
    grep -q '; 30 runs, [1-9][0-9]* events)$' "$tmp/paper.txt" &&
    grep -q 'every scenario with --set `sim.duration_ms=20`, `sim.reps=2`' \
        "$tmp/paper/plots/paper/report.md" &&
    [ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++)
                                if ($i == "reps") c = NF - i }
                  NR == 2 { print $(NF - c) }' \
        "$tmp/paper/results/paper/fig09.csv")" = 2 ]; then
    echo "ok   options on vsrsim paper"
else
    echo "FAIL options on vsrsim paper: $(cat "$tmp/paper.txt") $(tail -n 3 "$tmp/err")"
    fails=$((fails + 1))
fi
# A CSV on standard output that cannot be written fails the run (exit 1:
# the input was good).
n=$((n + 1))
"$vsrsim" run tests/bad/fixtures/ok.cfg --no-db --csv - >/dev/full \
    2>"$tmp/err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q '^vsrsim: --csv -: cannot write standard output' "$tmp/err"; then
    echo "ok   --csv - on a full device: $(cat "$tmp/err")"
else
    echo "FAIL --csv - on a full device: exit $rc: $(cat "$tmp/err")"
    fails=$((fails + 1))
fi
echo "$((n - fails - skips)) passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ]
