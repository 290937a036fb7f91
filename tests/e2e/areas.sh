#!/bin/bash
# Area names (issue 16): an initial_control name that is a rayon of the
# regions layer ("Xocavənd", also a place: Martuni) and one that is only a
# place ("Hadrut") pass validate and render, and the rayon is shaded; the
# unknown names are tests/bad/area-unknown*, initial-control-unknown.
# Usage: areas.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"

write() {   # FILE INITIAL_CONTROL
  cat >"$1" <<EOF
{"title": "Areas", "sides": {"AM": {"name": "Armenia"}, "AZ": {"name": "Azerbaijan"}},
 "initial_control": {$2},
 "events": [{"time": "2020-10-09T10:35:00Z", "place": "Jabrayil", "kind": "control",
   "control": {"from": "AM", "to": "AZ"}, "area": "Cəbrayıl", "headline": "Jabrayil taken"}]}
EOF
}
write both.json '"Xocavənd": "AM", "Hadrut": "AM"'
write place.json '"Hadrut": "AM"'
for f in both place; do
  "$bin" validate "$f.json" 2>"$f.verr" || fail "validate $f.json: $(cat "$f.verr")"
  [ ! -s "$f.verr" ] || fail "validate $f.json said: $(cat "$f.verr")"
  "$bin" render "$f.json" -o "$f" --quiet --format svg 2>"$f.err" ||
    fail "render $f.json: $(cat "$f.err")"
done
a=both/both-20201009T1035Z.svg b=place/place-20201009T1035Z.svg
[ -s "$a" ] && [ -s "$b" ] || fail "no SVG"
# the title and names are the same; only the shading of Xocavənd differs
cmp -s "$a" "$b" && fail "Xocavənd in initial_control changed nothing on the map"
finish areas
