#!/bin/bash
# The command as a user runs it: exit statuses, exact messages, files written
# or not. Usage: cli.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect STATUS STDERR_FILE -- command...: runs it, checks the exit status and,
# when STDERR_FILE is not "-", that stderr is exactly that file's text.
expect() {
  local want=$1 want_err=$2; shift 3
  "$@" >stdout.txt 2>stderr.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "$* exited $got, expected $want; stderr: $(cat stderr.txt)"
  if [ "$want_err" != - ] && ! diff -u "$want_err" stderr.txt >&2; then
    fail "$*: stderr differs"
  fi
}

# Usage errors: 2.
expect 2 - -- "$bin"
expect 2 - -- "$bin" draw x.json
expect 2 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" --size 10x10
expect 2 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" --every 1w
# Options no input can make right, refused before anything is read or made
# (issue 15): an empty output folder name (read past a buffer before), and an
# image too large to hold (exit 3 with nothing said, after using 8 GB).
printf 'conflictmap: the output folder%ss name is empty; name a folder, such as out\n' "'" \
  >want-empty.txt
expect 2 want-empty.txt -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o ""
echo "conflictmap: a map of 10000x10000 at scale 8 is an image of 80000x80000 pixels (6400 \
megapixels), more than the 200 megapixels one image may have; make the size or the scale \
smaller, or use svg or pdf for print" | tr -d '\n' >want-pixels.txt && echo >>want-pixels.txt
expect 2 want-pixels.txt -- "$bin" render "$src/examples/karabakh-2020-10-09.json" \
  --size 10000x10000 --scale 8 -o big
[ -e big ] && fail "a refused render made its output folder"

# The example: one PNG and one SVG per distinct time, and the manifest.
expect 0 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o out --quiet
[ "$(ls out/*.png | wc -l)" -eq 23 ] || fail "expected 23 PNGs, got $(ls out/*.png | wc -l)"
[ "$(ls out/*.svg | wc -l)" -eq 23 ] || fail "expected 23 SVGs"
[ -s out/manifest.json ] || fail "no manifest.json"
[ -s out/karabakh-2020-10-09-20201009T1515Z.png ] || fail "no 15:15 PNG"
[ -s stderr.txt ] && fail "--quiet printed: $(cat stderr.txt)"

# --lang: Armenian names; an unknown language is a usage error.
expect 0 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o lang-out --quiet \
  --lang hy --at 2020-10-09T15:15:00Z --format svg
[ -s lang-out/karabakh-2020-10-09-20201009T1515Z.svg ] || fail "no SVG with --lang hy"
expect 2 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" --lang xx
grep -q 'conflictmap: --lang "xx" should be one of en, ar, az, es, fr, hy, ru, uk' stderr.txt ||
  fail "--lang xx: $(cat stderr.txt)"

# An extent across the antimeridian (west > east): Chukotka to Alaska.
cat > bering.json <<'JSON'
{"map": {"bbox": [165, 58, -150, 72]}, "events": [
 {"time": "2021-01-01T00:00:00Z", "lon": -168.0, "lat": 65.6, "kind": "statement"},
 {"time": "2021-01-01T00:00:00Z", "lon": 177.5, "lat": 64.7, "kind": "statement"}]}
JSON
expect 0 - -- "$bin" render bering.json -o bering-out --quiet --format png
[ -s bering-out/bering-20210101T0000Z.png ] || fail "no map across the antimeridian"
expect 0 - -- "$bin" render bering.json -o bering-out2 --quiet --format png --bbox 165,58,-150,72
expect 2 - -- "$bin" render bering.json --bbox 165,58,165,72

# A folder of GeoJSON layers works as --shapes, as a folder of shapefiles does.
mkdir -p geo-layers
cat > geo-layers/countries.geojson <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Box"},
 "geometry": {"type": "Polygon", "coordinates": [[[45, 39], [49, 39], [49, 41], [45, 41], [45, 39]]]}}]}
JSON
expect 0 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o geo-out --quiet \
  --shapes geo-layers --at 2020-10-09T15:15:00Z --format png
[ -s geo-out/karabakh-2020-10-09-20201009T1515Z.png ] || fail "no map from a GeoJSON folder"

# slices: the 23 distinct times; --every 1h from 07:25 to 21:25 (15 slices).
expect 0 - -- "$bin" slices "$src/examples/karabakh-2020-10-09.json"
[ "$(wc -l < stdout.txt)" -eq 23 ] || fail "slices printed $(wc -l < stdout.txt) lines"
[ "$(sed -n 10p stdout.txt)" = 2020-10-09T13:35:00Z ] || fail "10th slice: $(sed -n 10p stdout.txt)"
expect 0 - -- "$bin" slices "$src/examples/karabakh-2020-10-09.json" --every 1h
[ "$(wc -l < stdout.txt)" -eq 15 ] || fail "--every 1h printed $(wc -l < stdout.txt) lines"

# place: aliases and spellings find the gazetteer's place.
expect 0 - -- "$bin" place Hadrud
grep -q "^Hadrut	" stdout.txt || fail "place Hadrud: $(cat stdout.txt)"
expect 0 - -- "$bin" place "CƏBRAYIL"
grep -q "^Jabrayil	" stdout.txt || fail "place CƏBRAYIL: $(cat stdout.txt)"

# Invalid input: 1, every problem with its position, and nothing written.
cat > bad.json <<'JSON'
{"sides": {"AZ": {"name": "Azerbaijan"}},
 "events": [
  {"time": "2020-10-09T15:15:00", "place": "Hadrut"},
  {"time": "2020-10-09T15:15:00Z", "place": "Goranbay", "claimed_by": "ARM"}
]}
JSON
cat > bad.expected <<'TXT'
bad.json:3:12: time "2020-10-09T15:15:00" has no time zone; add "Z" for GMT or an offset such as "+04:00"
bad.json:4:45: unknown place "Goranbay"; did you mean "Goranboy"?
bad.json:4:71: "claimed_by" "ARM" is not a side in "sides"; the sides are AZ
TXT
expect 1 bad.expected -- "$bin" validate bad.json
expect 1 bad.expected -- "$bin" render bad.json -o bad-out
[ -z "$(ls -A bad-out 2>/dev/null)" ] || fail "render of invalid input wrote: $(ls -A bad-out)"

# A file that cannot be read: 3, and nothing written.
echo 'no-such.json: cannot read "no-such.json": No such file or directory' > missing.expected
expect 3 missing.expected -- "$bin" render no-such.json -o missing-out
[ -z "$(ls -A missing-out 2>/dev/null)" ] || fail "unreadable input wrote files"

# An output folder that cannot be written: 3, no partial file.
mkdir -p locked && chmod 500 locked
if [ "$(id -u)" -ne 0 ]; then
  expect 3 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o locked/out
fi
chmod 700 locked
expect 3 - -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o /dev/full/out

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "cli: all checks passed"
