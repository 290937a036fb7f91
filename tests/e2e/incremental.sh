#!/bin/bash
# Incremental re-rendering: into a folder that holds a run's files and
# manifest.json, only the slices whose content changed are drawn again, and
# the folder ends byte for byte as a fresh run would leave it.
# Usage: incremental.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# timeline.json with 200 events an hour apart, and @extra more lines of JSON.
timeline() {
  python3 - "$@" <<'PY'
import json, sys
kinds = ["shelling", "strike", "clash", "protest", "statement"]
events = [{"id": "e%d" % i, "time": "2020-10-01T%02d:00:00Z" % 0, "lon": 46.0 + (i % 20) * 0.1,
           "lat": 39.2 + (i // 20) * 0.1, "kind": kinds[i % 5], "headline": "Report %d" % i}
          for i in range(200)]
for i, e in enumerate(events):
    day, hour = divmod(i, 24)
    e["time"] = "2020-10-%02dT%02d:00:00Z" % (1 + day, hour)
for spec in sys.argv[1:]:
    i, eid = spec.split(":")
    day, hour = divmod(int(i), 24)
    events.append({"id": eid, "time": "2020-10-%02dT%02d:00:00Z" % (1 + day, hour),
                   "lon": 46.55, "lat": 39.65, "kind": "strike", "headline": "Added " + eid})
json.dump({"title": "Two hundred hours", "map": {"bbox": [45.8, 39.0, 48.2, 40.4]},
           "events": events}, open("timeline.json", "w"), indent=1)
PY
}
run() {  # run DIR: renders timeline.json into DIR, prints what it says it kept
  "$bin" render timeline.json -o "$1" --every 1h --size 400x300 --format png -j 2 2>&1 |
    grep -v '^conflictmap: wrote 200 slices (201 files, '
}

timeline
first=$(run out)
[ -z "$first" ] || fail "first run: $first"

# Nothing changed: every slice kept, and the report counts the kept files' bytes.
sizes() { "$bin" render timeline.json -o "$1" --every 1h --size 400x300 --format png -j 2 2>&1 |
  sed -n 's|^\(conflictmap: wrote .*\) to .*$|\1|p'; }
before=$(sizes once)
[ -n "$before" ] || fail "no report from a run into an empty folder"
again=$(run out)
want="conflictmap: 200 slices were unchanged and kept, 0 drawn"
[ "$again" = "$want" ] || fail "second run: $again"
after=$(sizes out)
[ "$after" = "$before" ] || fail "the report of a run that kept every file: $after, not $before"

# One event at the last hour, as a live blog adds one: only the last slice.
timeline 199:late
late=$(run out)
want="conflictmap: 199 slices were unchanged and kept, 1 drawn"
[ "$late" = "$want" ] || fail "an event at the end: $late"
echo "incremental: an event at the end: $late"

# One event at hour 100: that slice and every later one (it shows there,
# new and then older), none before it.
timeline 199:late 100:middle
middle=$(run out)
want="conflictmap: 100 slices were unchanged and kept, 100 drawn"
[ "$middle" = "$want" ] || fail "an event in the middle: $middle"
echo "incremental: an event in the middle: $middle"

# The folder is what a fresh run writes, byte for byte: the names at the top
# and the published set (the same id: the same maps); out/ also keeps the
# sets published before, for readers still loading them.
run fresh >/dev/null
diff -r -x sets out fresh >diff.txt || fail "incremental and fresh runs differ: $(head -3 diff.txt)"
[ "$(cat out/sets/current)" = "$(cat fresh/sets/current)" ] ||
  fail "published sets: $(cat out/sets/current) and $(cat fresh/sets/current)"
diff -r "out/sets/$(cat out/sets/current)" "fresh/sets/$(cat fresh/sets/current)" >diff.txt ||
  fail "the published sets differ: $(head -3 diff.txt)"

# A kept file that was changed since (another size) is drawn again.
f=out/timeline-20201001T0500Z.png
echo x >>"$f"
fixed=$(run out)
want="conflictmap: 199 slices were unchanged and kept, 1 drawn"
[ "$fixed" = "$want" ] || fail "a changed file: $fixed"
cmp "$f" fresh/timeline-20201001T0500Z.png || fail "the changed file was not drawn again"

# SVG: a headline corrected, and nothing else: the SVGs that name the event
# in a marker's <title> (hour 150 and every later one) are drawn again.
timeline
"$bin" render timeline.json -o svg --every 1h --size 400x300 --format svg -j 2 2>/dev/null
sed -i 's/"Report 150"/"Report 150, corrected"/' timeline.json
corrected=$("$bin" render timeline.json -o svg --every 1h --size 400x300 --format svg -j 2 2>&1 |
  grep -v '^conflictmap: wrote ')
want="conflictmap: 150 slices were unchanged and kept, 50 drawn"
[ "$corrected" = "$want" ] || fail "a corrected headline, SVG: $corrected"
grep -q 'Report 150, corrected' svg/timeline-20201007T2300Z.svg \
  || fail "the last SVG does not have the corrected headline"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "incremental: all checks passed"
