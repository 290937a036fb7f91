#!/bin/bash
# A GeoNames dump as --gazetteer, as a desk downloads it: `place` finds its
# places by any alternate name and prints FILE:LINE, a render places an event
# at a village only the dump knows, and a row that is a place of ours adds its
# names to ours. Usage: geonames.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fixture=$src/tests/unit/geonames-caucasus.txt
tab=$'\t'

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run STATUS -- command...: runs it, checks the exit status.
run() {
  local want=$1; shift 2
  "$@" >stdout.txt 2>stderr.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "$* exited $got, expected $want; stderr: $(cat stderr.txt)"
}

# The dump alone (a data folder whose gazetteer/ is empty): its own line.
mkdir -p data/gazetteer && ln -s "$src/shapes" data/shapes
run 0 -- env CONFLICTMAP_DATA="$work/data" "$bin" place Stepanakert --gazetteer "$fixture"
want="Xankandi${tab}46.7528${tab}39.8177${tab}AZ${tab}town${tab}$fixture:3"
[ "$(head -1 stdout.txt)" = "$want" ] || fail "place Stepanakert (dump alone): $(head -1 stdout.txt)"
run 0 -- env CONFLICTMAP_DATA="$work/data" "$bin" place "Կարմիր Շուկա" --gazetteer "$fixture"
want="Qırmızı Bazar${tab}46.9512${tab}39.6767${tab}AZ${tab}town${tab}$fixture:6"
[ "$(head -1 stdout.txt)" = "$want" ] || fail "place Կարմիր Շուկա: $(head -1 stdout.txt)"

# With the shipped gazetteer: ours first. The dump's Xankandi is our
# Stepanakert (same geonameid), so the answer is our line, and a spelling only
# the dump has (里海, Chinese for the Caspian) finds our Caspian Sea.
run 0 -- "$bin" place Stepanakert --gazetteer "$fixture"
head -1 stdout.txt | grep -qE "^Stepanakert${tab}.*${tab}AZ${tab}city${tab}.*gazetteer/caucasus\.tsv:[0-9]+$" ||
  fail "place Stepanakert (with ours): $(head -1 stdout.txt)"
grep -q "$fixture" stdout.txt && fail "the dump's Xankandi was listed beside ours: $(cat stdout.txt)"
run 0 -- "$bin" place 里海 --gazetteer "$fixture"
head -1 stdout.txt | grep -qE "^Caspian Sea${tab}.*gazetteer/waters\.tsv:[0-9]+$" ||
  fail "place 里海: $(head -1 stdout.txt)"
run 1 -- "$bin" place 里海
[ "$(cat stderr.txt)" = 'conflictmap: no place in the gazetteer is called "里海" or anything close' ] ||
  fail "place 里海 without the dump: $(cat stderr.txt)"

# A render with an event at a village only the dump knows, by its Armenian name.
cat > events.json <<'JSON'
{"title": "GeoNames", "map": {"bbox": [46.4, 39.4, 47.3, 40.0]},
 "events": [
  {"id": "karmir", "time": "2020-10-09T08:00:00Z", "place": "Karmir Shuka",
   "kind": "shelling", "headline": "Shelling reported"},
  {"id": "vank", "time": "2020-10-09T09:00:00Z", "place": "Վանք", "kind": "statement",
   "headline": "Statement"}]}
JSON
run 0 -- "$bin" render events.json -o out --quiet --format svg --gazetteer "$fixture"
[ "$(ls out/*.svg 2>/dev/null | wc -l)" -eq 2 ] || fail "expected 2 SVGs, got $(ls out)"
python3 - out/manifest.json <<'PY' || fail "manifest: events at places from the dump"
import json, sys
m = json.load(open(sys.argv[1]))
last = m["slices"][-1]
assert sorted(last["events"]) == ["karmir", "vank"], last["events"]
for e in ("karmir", "vank"):
    x, y = last["positions"][e]
    assert 0 < x < 1600 and 0 < y < 1200, (e, x, y)
PY
# Without the dump, the curated files alone (a data folder without the world
# database) do not know the village.
mkdir -p ours/gazetteer && ln -s "$src/shapes" ours/shapes
cp "$src"/gazetteer/caucasus.tsv "$src"/gazetteer/waters.tsv ours/gazetteer/
run 1 -- env CONFLICTMAP_DATA="$work/ours" "$bin" render events.json -o out-without --quiet \
  --format svg
grep -q 'events.json:3:61: unknown place "Karmir Shuka"' stderr.txt ||
  fail "render without the dump: $(cat stderr.txt)"
[ -n "$(ls -A out-without 2>/dev/null)" ] && fail "render without the dump wrote files"
# The world gazetteer (when built) knows it by the same names, at the dump's point.
if [ -f "$src/gazetteer/world.sqlite" ]; then
  run 0 -- "$bin" place "Karmir Shuka"
  want="Qırmızı Bazar${tab}46.9512${tab}39.6767${tab}AZ${tab}town"
  [ "$(head -1 stdout.txt | cut -f1-5)" = "$want" ] &&
    head -1 stdout.txt | cut -f6 | grep -q '/gazetteer/world\.sqlite$' ||
    fail "place Karmir Shuka (world): $(head -1 stdout.txt)"
fi

[ "$failures" -eq 0 ] && echo "ok geonames"
exit $((failures > 0))
