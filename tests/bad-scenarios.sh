#!/bin/sh
# tests/bad-scenarios.sh - every file in tests/bad/ must be refused.
#
# Each tests/bad/*.cfg starts with "# expect: TEXT". vsrsim must exit with
# status 2, print exactly one line on stderr containing TEXT, and leave no
# results database behind.
set -u
cd "${VSRSIM_SRCDIR:-.}" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p build
cat data/schema.sql tests/fixtures/costs-test.sql | sqlite3 build/costs-test.db.tmp &&
    mv -f build/costs-test.db.tmp build/costs-test.db || exit 1
fails=0 n=0
for f in tests/bad/*.cfg; do
    n=$((n + 1))
    want=$(sed -n '1s/^# expect: //p' "$f")
    bin/vsrsim run "$f" --db "$tmp/r.db" --csv "$tmp/r.csv" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] ||
        ! grep -qF -- "$want" "$tmp/err" || [ -e "$tmp/r.db" ] ||
        [ -e "$tmp/r.csv" ]; then
        echo "FAIL $f: exit $rc, $lines line(s): $(cat "$tmp/err")"
        echo "     expected: $want"
        fails=$((fails + 1))
    else
        echo "ok   $f: $(cat "$tmp/err")"
    fi
done
# Bad options are refused the same way.
for opt in "--jobs 0" "--reps x" "--plot out.pdf" "--set nosuch.key=1"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    bin/vsrsim run models/paper/fig02.cfg $opt --db "$tmp/r.db" 2>"$tmp/err"
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
if bin/vsrsim run tests/scenarios/minimal.cfg --reps 2 --seed 5 \
    --set sim.duration_ms=5 --set vm.queues.macvtap=50 --no-db \
    --csv "$tmp/m.csv" 2>"$tmp/err" &&
    [ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "reps") c = i }
                  NR == 2 { print $1 "/" $c }' "$tmp/m.csv")" = default/2 ]; then
    echo "ok   options on tests/scenarios/minimal.cfg"
else
    echo "FAIL options on tests/scenarios/minimal.cfg: $(cat "$tmp/err")"
    fails=$((fails + 1))
fi
echo "$((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
