#!/usr/bin/env bash
# Nothing that changes what a map says is ignored silently (issue 17, item 1):
# a key one or two edits from one of the format's is a warning naming it;
# validate prints warnings and --strict makes them errors (render writes
# nothing); an event without "status" is "reported", which claims no
# verification, drawn and named so in the legend, unless the file sets
# "default_status"; "confirmed" is drawn differently (a dark edge).
source "$(dirname "$0")/common.bash"

cat >typo.json <<'JSON'
{ "title": "Typos", "map": { "bbox": [44.2, 38.7, 50.2, 41.3], "projektion": "auto" },
  "sides": { "AZ": { "name": "Azerbaijan", "colour": "#2b6cb0" } },
  "events": [
    { "time": "2020-10-09T10:00:00Z", "place": "Stepanakert", "kind": "shelling",
      "headlien": "Shelling", "stauts": "claimed", "contol": { "to": "AZ" }, "video": "kept" },
    { "time": "2020-10-09T11:00:00Z", "place": "Baku", "kind": "statement", "headline": "Statement" } ],
  "subtitel": "x" }
JSON
cat >expected.txt <<'TXT'
typo.json:1:64: warning: "projektion" is not a key of "map"; did you mean "projection"? It is ignored
typo.json:2:44: warning: "colour" is not a key of a side; did you mean "color"? It is ignored
typo.json:5:7: warning: "headlien" is not a key of an event; did you mean "headline"? It is kept for the manifest, but the map does not use it
typo.json:5:31: warning: "stauts" is not a key of an event; did you mean "status"? It is kept for the manifest, but the map does not use it
typo.json:5:52: warning: "contol" is not a key of an event; did you mean "control"? It is kept for the manifest, but the map does not use it
typo.json:7:3: warning: "subtitel" is not a key of the file; did you mean "subtitle"? It is kept for the manifest, but the map does not use it
TXT
"$bin" validate typo.json >stdout.txt 2>stderr.txt
rc=$?
[ "$rc" -eq 0 ] || fail "validate with warnings only: exit $rc, expected 0"
diff -u expected.txt stderr.txt || fail "validate: the warnings differ"
grep -qx 'typo.json: no errors, 6 warnings' stdout.txt || fail "validate: summary '$(cat stdout.txt)'"
grep -q '"video"' stderr.txt && fail "a key far from every key of the format was warned about"

"$bin" validate typo.json --strict >/dev/null 2>stderr.txt
rc=$?
[ "$rc" -eq 1 ] || fail "validate --strict: exit $rc, expected 1"
grep -qx '6 warnings above, which --strict makes errors' stderr.txt || fail "validate --strict: no refusal line"

"$bin" render typo.json -o strict --strict --quiet 2>stderr.txt
rc=$?
[ "$rc" -eq 1 ] || fail "render --strict: exit $rc, expected 1"
[ -e strict ] && fail "render --strict wrote into strict/"
grep -q 'nothing was written' stderr.txt || fail "render --strict: no refusal line"

"$bin" render typo.json -o loose --format svg --quiet 2>stderr.txt || fail "render without --strict: exit $?"
[ "$(grep -c 'warning:' stderr.txt)" -eq 6 ] || fail "render: $(grep -c 'warning:' stderr.txt) warnings, expected 6"

# the default status: reported, solid, named so in the legend; the manifest says it
last=$(ls loose/*.svg | tail -1)
grep -q '>Solid: reported, not verified<' "$last" || fail "legend: no 'Solid: reported, not verified'"
grep -q 'confirmed' "$last" && fail "an event without status is called confirmed"
grep -q 'data-status="reported"' "$last" || fail "svg: the event's data-status is not reported"

# a file's default_status and an event's "confirmed": a dark edge, in the legend
cat >confirmed.json <<'JSON'
{ "title": "Confirmed", "default_status": "confirmed", "map": { "bbox": [44.2, 38.7, 50.2, 41.3] },
  "events": [
    { "time": "2020-10-09T10:00:00Z", "place": "Stepanakert", "kind": "shelling", "headline": "Shelling" },
    { "time": "2020-10-09T11:00:00Z", "place": "Baku", "kind": "statement", "headline": "Statement", "status": "reported" } ] }
JSON
"$bin" render confirmed.json -o conf --format svg,png --quiet || fail "render confirmed.json: exit $?"
last=$(ls conf/*.svg | tail -1)
grep -q '>Dark edge: confirmed<' "$last" || fail "legend: no 'Dark edge: confirmed'"
grep -q '>Solid: reported, not verified<' "$last" || fail "legend: no 'Solid: reported' for the event that says so"
grep -q 'data-status="confirmed"' "$last" || fail "svg: default_status did not make the event confirmed"

printf '{"default_status": "rumoured", "events": [{"time": "2020-10-09T10:00:00Z", "lon": 46, "lat": 40}]}' >bad.json
"$bin" validate bad.json >/dev/null 2>stderr.txt && fail "default_status \"rumoured\" accepted"
grep -q 'bad.json:1:20: default_status "rumoured" is not one of "reported", "claimed", "confirmed" or "disputed"' stderr.txt ||
  fail "default_status: $(cat stderr.txt)"
# a spreadsheet's misspelt column: one warning, at its header cell, not one a row
printf 'time,place,stauts,headlien,notes\n2020-10-09T10:00:00Z,Baku,claimed,x,n\n2020-10-09T11:00:00Z,Baku,claimed,x,n\n' >sheet.csv
"$bin" validate sheet.csv >/dev/null 2>stderr.txt || fail "sheet.csv: exit $?"
cat >expected.txt <<'TXT'
sheet.csv:1:12: warning: "stauts" is not a key of an event; did you mean "status"? It is kept for the manifest, but the map does not use it
sheet.csv:1:19: warning: "headlien" is not a key of an event; did you mean "headline"? It is kept for the manifest, but the map does not use it
TXT
diff -u expected.txt stderr.txt || fail "sheet.csv: the warnings differ"
finish status
