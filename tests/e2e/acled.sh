#!/bin/bash
# conflictmap import acled: the hand-made export in tests/data becomes an
# events file that validate accepts, that renders, and that passes the JSON
# Schema (docs/events.schema.json, with Debian's python3-jsonschema); broken
# input is reported at its cells and writes nothing.
# Usage: acled.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cp "$src/tests/data/acled-karabakh-2020.csv" export.csv
"$bin" import acled export.csv -o events.json 2> err.txt || fail "import: $(cat err.txt)"
grep -qx 'conflictmap: wrote events.json' err.txt || fail "import said: $(cat err.txt)"
[ -s events.json ] || fail "no events.json"
ls -A | grep -q '\.tmp$' && fail "a temporary file was left: $(ls -A)"

"$bin" validate events.json > out.txt 2>&1 || fail "validate: $(cat out.txt)"
grep -qx 'events.json: no problems found' out.txt || fail "validate said: $(cat out.txt)"

"$bin" slices events.json > slices.txt 2>&1 || fail "slices: $(cat slices.txt)"
printf '%s\n' 2020-10-08T00:00:00Z 2020-10-09T00:00:00Z 2020-10-10T00:00:00Z \
  2020-10-11T00:00:00Z 2020-10-12T00:00:00Z > want-slices.txt
diff -u want-slices.txt slices.txt >&2 || fail "slices differ"

"$bin" render events.json -o maps --quiet --format png --size 800x600 \
  --at 2020-10-12T00:00:00Z 2> err.txt || fail "render: $(cat err.txt)"
[ -s maps/events-20201012T0000Z.png ] || fail "no map: $(ls maps)"

# The default output is FILE.json beside FILE.csv; -o - is standard output.
mkdir -p sub && cp export.csv sub/acled-2020.csv
"$bin" import acled sub/acled-2020.csv --quiet 2> err.txt || fail "import: $(cat err.txt)"
[ -s sub/acled-2020.json ] || fail "no sub/acled-2020.json: $(ls sub)"
[ -s err.txt ] && fail "--quiet printed: $(cat err.txt)"
"$bin" import acled export.csv -o - > stdout.json 2> err.txt || fail "-o -: $(cat err.txt)"
cmp -s stdout.json events.json || fail "-o - differs from the file"

# The schema: the import's output is a valid events file by it too.
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  /usr/bin/python3 - "$src/docs/events.schema.json" events.json <<'PY' || fail "schema"
import json, sys
from jsonschema import Draft202012Validator
v = Draft202012Validator(json.load(open(sys.argv[1])))
errors = list(v.iter_errors(json.load(open(sys.argv[2]))))
for e in errors[:5]:
    print("schema:", list(e.absolute_path), e.message[:200])
sys.exit(1 if errors else 0)
PY
else
  echo "schema check skipped: python3-jsonschema is not installed"
fi

# Broken cells: 1, the cell's line and column, no output file.
printf '%s\n' 'event_date,event_type,latitude,longitude,notes' \
  '09 October 2020,Battles,39.5,47.0,"a note, with a comma' 'and a line break"' \
  '2020-13-01,Battles,39.5,47.0,' > broken.csv
cat > want.txt <<'TXT'
broken.csv:4:1: event_date "2020-13-01" is not a date such as "09 October 2020" or "2020-10-09"
TXT
"$bin" import acled broken.csv -o broken.json 2> err.txt
rc=$?
[ "$rc" -eq 1 ] || fail "import of broken.csv exited $rc"
diff -u want.txt err.txt >&2 || fail "broken.csv: stderr differs"
[ -e broken.json ] && fail "broken.json was written"
ls -A | grep -q '\.tmp$' && fail "a temporary file was left: $(ls -A)"

# Usage: an unknown format, no file, a missing file.
"$bin" import geonames x.csv 2> err.txt; rc=$?
[ "$rc" -eq 2 ] || fail "import geonames exited $rc"
grep -q 'import knows one format, acled, not "geonames"' err.txt || fail "$(cat err.txt)"
"$bin" import acled 2> err.txt; rc=$?
[ "$rc" -eq 2 ] || fail "import acled without a file exited $rc"
"$bin" import acled no-such.csv 2> err.txt; rc=$?
[ "$rc" -eq 3 ] || fail "import of a missing file exited $rc"
[ -e no-such.json ] && fail "no-such.json was written"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "acled: all checks passed"
