#!/bin/bash
# Area names (issue 16): an initial_control name that is a rayon of the
# regions layer ("Xocavənd", also a place: Martuni) and one that is only a
# place ("Hadrut") pass validate and render, and the rayon is shaded; an
# area off the map (render reads the regions only near it) is known, drawn
# as nothing, not reported; the unknown names are tests/bad/area-unknown*,
# area-suggest-near*, initial-control-unknown.
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

# Qusar, in the north of Azerbaijan, is off a map of the south: render exits
# 0 and says nothing, and the map is the one without Qusar's event; a
# misspelt name is still reported, with the name from the whole layer.
off() {   # FILE [AREA]
  local second=""
  [ -n "${2:-}" ] && second=',
  {"time": "2020-10-09T11:35:00Z", "lon": 46.4, "lat": 39.4, "kind": "control",
   "control": {"from": "AM", "to": "AZ"}, "area": "'"$2"'", "headline": "An area named"}'
  cat >"$1" <<EOF
{"title": "Areas", "sides": {"AM": {"name": "Armenia"}, "AZ": {"name": "Azerbaijan"}},
 "events": [{"time": "2020-10-09T10:35:00Z", "place": "Jabrayil", "kind": "control",
   "control": {"from": "AM", "to": "AZ"}, "area": "Cəbrayıl", "headline": "Jabrayil taken"}$second]}
EOF
}
off on.json ""
off off.json Qusar
off typo.json Qusr
south="--bbox 46.5,39.2,47.0,39.6 --at 2020-10-09T12:00:00Z --format svg"
# shellcheck disable=SC2086
"$bin" render off.json -o off $south --quiet 2>off.err
st=$?
[ "$st" -eq 0 ] || fail "an area off the map: exit $st: $(cat off.err)"
[ ! -s off.err ] || fail "an area off the map: said $(cat off.err)"
# shellcheck disable=SC2086
"$bin" render on.json -o on $south --quiet 2>on.err || fail "render on.json: $(cat on.err)"
n=$(grep -c 'data-side="AZ"' off/off-20201009T1200Z.svg 2>/dev/null)
[ "${n:-0}" -ge 1 ] || fail "an area off the map: no control area drawn at all"
diff <(grep 'data-side="AZ"' on/on-20201009T1200Z.svg) \
  <(grep 'data-side="AZ"' off/off-20201009T1200Z.svg) >/dev/null ||
  fail "an area off the map: the control areas differ from the map without it"
# shellcheck disable=SC2086
"$bin" render typo.json -o typo $south 2>typo.err
st=$?
[ "$st" -eq 1 ] || fail "a misspelt area off the map: exit $st"
[ "$(cat typo.err)" = 'typo.json:5:51: unknown area "Qusr": no region of the regions layer (regions.shp) has that name; did you mean "Qusar"?' ] ||
  fail "a misspelt area off the map: said $(cat typo.err)"
[ ! -e typo ] || fail "a misspelt area off the map: wrote typo/"
finish areas
