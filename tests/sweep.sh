#!/bin/sh
# tests/sweep.sh - a sweep gives the same results however it is run:
#
#   1. --jobs 1 and --jobs 2 give the same CSV bytes and the same database
#      (every row of every table, `sqlite3 .dump`);
#   2. `vsrsim list` numbers every run once, and -r selects by those numbers;
#   3. three subsets run with -r (overlapping, out of order) and merged give
#      the database of the whole sweep, and --resume on it simulates nothing
#      and writes the whole sweep's CSV;
#   4. a sweep killed with SIGKILL part-way leaves a consistent database
#      holding whole runs; --resume takes them and ends with the database
#      and CSV of an uninterrupted sweep;
#   5. --ci-width gives the same bytes with 1 and 2 jobs, stops each point
#      at or below the width or at --max-reps, and says so;
#   6. a CSV written to a device stays a device;
#   7. a disk that fills up mid-sweep stops it with one line, exit status 1
#      and a consistent database of whole runs, which --resume completes
#      elsewhere into the uninterrupted sweep's CSV (in a private mount
#      namespace with a small tmpfs; skipped where that is not allowed);
#   8. VSRSIM_STATS=1 reports the packets offered per second of wall time:
#      divided by the simulated seconds per second of wall time, the
#      offered rate of a scenario with one rate.
# The scenarios are the paper's Figs 9 (with shorter runs) and 2, and
# tests/scenarios/minimal.cfg (8).
set -u
cd "${VSRSIM_SRCDIR:-.}" || exit 1
vsrsim=${VSRSIM_BIN:-bin/vsrsim}
case $vsrsim in /*) ;; *) vsrsim=$(pwd)/$vsrsim ;; esac
srcdir=$(pwd)
cfg=$srcdir/models/paper/fig09.cfg
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
cd "$tmp" || exit 1

if ! command -v sqlite3 >/dev/null; then
    echo "SKIPPED: no sqlite3 command"
    exit 0
fi

failed=0
ok() { echo "ok   $1"; }
fail() {
    echo "FAIL $1"
    failed=1
}
same() { # NAME FILE1 FILE2
    if cmp -s "$2" "$3"; then ok "$1"; else fail "$1 ($2 and $3 differ)"; fi
}
dump() { sqlite3 "$1" .dump >"$1.sql"; }

short="--set sim.duration_ms=200.0 --set sim.warmup_ms=20.0"
# shellcheck disable=SC2086 # $short is a list of options
sweep() { "$vsrsim" run "$cfg" --reps 3 $short "$@"; }

# 1. jobs
sweep --jobs 1 --csv j1.csv --db j1.db 2>/dev/null
sweep --jobs 2 --csv j2.csv --db j2.db 2>/dev/null
same "--jobs 1 and --jobs 2: same CSV" j1.csv j2.csv
dump j1.db
dump j2.db
same "--jobs 1 and --jobs 2: same database" j1.db.sql j2.db.sql

# 2. list
# shellcheck disable=SC2086
"$vsrsim" list "$cfg" --reps 3 $short >list.txt
total=$(sqlite3 j1.db "SELECT count(*) FROM run")
if [ "$(tail -n +2 list.txt | cut -f1 | tr '\n' ' ')" = \
    "$(seq 0 $((total - 1)) | tr '\n' ' ')" ]; then
    ok "list: runs 0 to $((total - 1)), once each, in order"
else
    fail "list: runs are not 0 to $((total - 1))"
fi
names=$(tail -n +2 list.txt | cut -f6 | sort | tr '\n' ' ')
stored=$(sqlite3 j1.db "SELECT runName FROM run ORDER BY runName" |
    tr '\n' ' ')
if [ "$names" = "$stored" ]; then
    ok "list: names are those of the sweep's runs"
else
    fail "list: names differ from the sweep's runs"
fi
# shellcheck disable=SC2086
"$vsrsim" list "$cfg" --reps 3 $short -r 7..9,2 | tail -n +2 | cut -f1 \
    | tr '\n' ' ' >sel.txt
if [ "$(cat sel.txt)" = "2 7 8 9 " ]; then
    ok "list -r 7..9,2: runs 2 7 8 9"
else
    fail "list -r 7..9,2: got $(cat sel.txt)"
fi

# 3. subsets and merge
third=$((total / 3))
sweep -r "$((2 * third))..,0..3" --no-db --csv /dev/null 2>/dev/null
sweep -r "$((2 * third)).." --jobs 2 --db c.db 2>/dev/null
sweep -r "0..$((third + 2))" --db a.db 2>/dev/null
sweep -r "$third..$((2 * third - 1))" --db b.db 2>/dev/null
"$vsrsim" merge c.db a.db b.db -o merged.db 2>merge.err
dump merged.db
same "-r subsets merged: same database as the whole sweep" merged.db.sql \
    j1.db.sql
sweep --resume --db merged.db --csv merged.csv 2>resume.err
same "--resume on the merged database: the whole sweep's CSV" merged.csv \
    j1.csv
if grep -q "$total runs taken from it, 0 simulated" resume.err; then
    ok "--resume on the merged database simulates nothing"
else
    fail "--resume on the merged database: $(cat resume.err)"
fi
if "$vsrsim" merge a.db -o a.db 2>/dev/null; then
    fail "merge into one of its inputs was not refused"
else
    ok "merge into one of its inputs is refused"
fi

# 4. SIGKILL and --resume, on a sweep long enough to be killed part-way
long=$(dirname "$cfg")/fig02.cfg
"$vsrsim" run "$long" --reps 2 --jobs 2 --csv full.csv --db full.db \
    2>/dev/null
"$vsrsim" run "$long" --reps 2 --jobs 2 --csv killed.csv --db killed.db \
    2>/dev/null &
pid=$!
n=0
i=0
while [ "$i" -lt 600 ] && kill -0 "$pid" 2>/dev/null; do
    n=$(sqlite3 killed.db "SELECT count(*) FROM run" 2>/dev/null || echo 0)
    [ "${n:-0}" -gt 0 ] && break
    sleep 0.1
    i=$((i + 1))
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
sleep 0.5 # workers end when their pipe does
all=$(sqlite3 full.db "SELECT count(*) FROM run")
n=$(sqlite3 killed.db "SELECT count(*) FROM run")
check=$(sqlite3 killed.db "PRAGMA integrity_check")
partial=$(sqlite3 killed.db "SELECT count(*) FROM run r WHERE (SELECT
    count(*) FROM scalar s WHERE s.runId = r.runId) <> (SELECT count(*)
    FROM scalar s WHERE s.runId = (SELECT min(runId) FROM run))
    OR NOT EXISTS (SELECT 1 FROM vsrsimRun v WHERE v.runId = r.runId)")
if [ "$check" = ok ] && [ "$partial" = 0 ] && [ "$n" -gt 0 ] &&
    [ "$n" -lt "$all" ]; then
    ok "killed sweep: consistent database with $n of $all whole runs"
else
    fail "killed sweep: integrity '$check', $n of $all runs, $partial partial"
fi
if [ -e killed.csv ]; then
    fail "killed sweep left a CSV"
fi
"$vsrsim" run "$long" --reps 2 --jobs 2 --csv killed.csv --db killed.db \
    --resume 2>resume.err
if grep -q "$n runs taken from it, $((all - n)) simulated" resume.err; then
    ok "--resume took the $n stored runs and simulated $((all - n))"
else
    fail "--resume after SIGKILL: $(cat resume.err)"
fi
same "killed and resumed: the CSV of an uninterrupted sweep" killed.csv \
    full.csv
dump killed.db
dump full.db
same "killed and resumed: the database of an uninterrupted sweep" \
    killed.db.sql full.db.sql
if ls ./*-wal ./*-shm 2>/dev/null | grep -q .; then
    fail "WAL files left beside a closed database"
else
    ok "no WAL files left beside closed databases"
fi

# 5. sequential stopping
for j in 1 2; do
    "$vsrsim" run "$cfg" --reps 2 --ci-width 0.5 --max-reps 6 --jobs "$j" \
        --set sim.duration_ms=50.0 --set sim.warmup_ms=20.0 \
        --csv "w$j.csv" --db "w$j.db" 2>"w$j.err"
done
same "--ci-width with 1 and 2 jobs: same CSV" w1.csv w2.csv
dump w1.db
dump w2.db
same "--ci-width with 1 and 2 jobs: same database" w1.db.sql w2.db.sql
# the curve's name, quoted, may hold commas: take it out first
sed 's/^"[^"]*"/curve/' w1.csv >w1.plain
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { ci = $col["ci99_kpps"]; r = $col["reps"] }
    (ci > 0.5 && r < 6) || r < 2 || r > 6 { n++ } END { print n + 0 }' \
    w1.plain)
grew=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["reps"] > 2 { n++ } END { print n + 0 }' w1.plain)
if [ "$bad" = 0 ] && [ "$grew" -gt 0 ] &&
    grep -q "^vsrsim: --ci-width: .* points reached it" w1.err; then
    ok "--ci-width: $grew points grew; each within 0.5 kpps or at 6"
else
    fail "--ci-width: $bad points outside, $grew grew; $(cat w1.err)"
fi

# 6. a device as output
mknod null c 1 3 2>/dev/null || mkfifo null
if [ -p null ]; then
    cat null >/dev/null &
fi
sweep --reps 1 --no-db --csv null 2>/dev/null
wait
if [ -c null ] || [ -p null ]; then
    ok "--csv onto a device leaves it a device"
else
    fail "--csv onto a device replaced it with a file"
fi

# 7. a full disk mid-sweep (full-length runs: several commits before it)
mkdir disk
if unshare -m sh -c 'mount -t tmpfs -o size=300k tmpfs disk' 2>/dev/null; then
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare -m sh -c 'mount -t tmpfs -o size=300k tmpfs disk &&
        "$1" run "$2" --reps 3 --db disk/f.db --csv full-disk.csv 2>full.err
        echo $? >full.rc
        cp disk/f.db* .' sh "$vsrsim" "$cfg"
    rm -f f.db-shm # the WAL holds what was committed; the index is rebuilt
    check=$(sqlite3 f.db "PRAGMA integrity_check")
    n=$(sqlite3 f.db "SELECT count(*) FROM run")
    whole=$(sqlite3 f.db "SELECT count(*) FROM vsrsimRun")
    if [ "$(cat full.rc)" = 1 ] && [ "$(wc -l <full.err)" = 1 ] &&
        grep -q "database or disk is full ($n runs stored before; --resume" \
            full.err && [ "$check" = ok ] && [ "$n" -gt 0 ] &&
        [ "$n" -lt "$total" ] && [ "$whole" = "$n" ] && [ ! -e full-disk.csv ]
    then
        ok "full disk mid-sweep: exit 1, one line, $n whole runs kept"
    else
        fail "full disk mid-sweep: exit $(cat full.rc), '$(cat full.err)'," \
            "integrity '$check', $n runs ($whole with records)"
    fi
    "$vsrsim" run "$cfg" --reps 3 --resume --db f.db --csv resumed.csv \
        2>/dev/null
    "$vsrsim" run "$cfg" --reps 3 --no-db --csv reference.csv
    same "full disk, then --resume elsewhere: the uninterrupted CSV" \
        resumed.csv reference.csv
else
    echo "skip full disk mid-sweep: no private mount namespace here"
fi

# 8. VSRSIM_STATS: 100 kpps offered over 2 x 30 ms of simulated time
VSRSIM_STATS=1 "$vsrsim" run "$srcdir/tests/scenarios/minimal.cfg" --reps 2 \
    --set sim.warmup_ms=10 --set sim.duration_ms=20 --no-db \
    --csv stats.csv 2>stats.err
pps=$(sed -n 's/.*simulated\/wall \([0-9.]*\), \([0-9]*\) offered packets\/s$/\2 \/ \1/p' \
    stats.err)
if [ -n "$pps" ] &&
    awk "BEGIN { r = $pps; exit !(r > 0.99e5 && r < 1.01e5) }"; then
    ok "VSRSIM_STATS: offered packets/s over simulated/wall is 100 kpps"
else
    fail "VSRSIM_STATS: '$(cat stats.err)'"
fi

exit "$failed"
