#!/bin/bash
# Limits on what a run reads, where tests/bad cannot look (its output folder
# must stay empty): a named pipe and an oversized file in the output folder's
# place of manifest.json, a GeoJSON layer's temporary folder under a TMPDIR
# we set, removed on SIGINT, and events near the poles, which validate and
# render both accept. Usage: limits.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
example="$src/examples/karabakh-2020-10-09.json"

# A named pipe named out/manifest.json: an incremental run used to open it
# and wait for a writer forever. The previous manifest is now read from the
# published set (sets/<id>/), never from the name at the top, which a
# publication replaces (it never writes through or reads what it finds
# there): the render ends at once, and the pipe is gone.
mkdir -p fifo-out && mkfifo fifo-out/manifest.json
timeout 20 "$bin" render "$example" -o fifo-out --quiet --format svg 2>fifo.err
status=$?
[ "$status" -ne 124 ] || fail "a FIFO as out/manifest.json: the render hung"
[ "$status" -eq 0 ] || fail "a FIFO as out/manifest.json: exit status $status: $(cat fifo.err)"
[ -f fifo-out/manifest.json ] && [ ! -p fifo-out/manifest.json ] ||
  fail "a FIFO as out/manifest.json: it was not replaced by the manifest"
# ...and a named pipe in the published set's place of manifest.json (where
# the previous manifest is read): refused at once, nothing published.
set_dir="fifo-out/sets/$(cat fifo-out/sets/current)"
rm "$set_dir/manifest.json" && mkfifo "$set_dir/manifest.json"
timeout 20 "$bin" render "$example" -o fifo-out --quiet --format svg 2>fifo.err
status=$?
[ "$status" -ne 124 ] || fail "a FIFO as the set's manifest.json: the render hung"
[ "$status" -eq 1 ] || fail "a FIFO as the set's manifest.json: exit status $status, expected 1"
echo "$set_dir/manifest.json: cannot read \"$set_dir/manifest.json\": it is a named pipe (FIFO), not a regular file; conflictmap reads only regular files" >fifo.expected
cmp -s fifo.expected fifo.err || fail "a FIFO as the set's manifest.json: $(cat fifo.err)"
[ -p "$set_dir/manifest.json" ] || fail "a FIFO as the set's manifest.json: the FIFO was replaced"

# The previous manifest over --max-file-size (600,000 bytes, with only the
# small shipped lines.shp as a layer): refused before it is parsed, the
# folder left as it was.
lines=(--shapes "$src/shapes/lines.shp")
"$bin" render "$example" -o big --quiet --format svg "${lines[@]}" ||
  fail "the first render of big/ failed"
set_dir="big/sets/$(cat big/sets/current)"
{ head -c -2 "$set_dir/manifest.json"; head -c 700000 /dev/zero | tr '\0' ' '; printf '}\n'; } >padded
cat padded >"$set_dir/manifest.json"   # in place: the top name is the same file
sums=$(cd big && find . -type f ! -name .lock -exec sha256sum {} + | sort)
"$bin" render "$example" -o big --quiet --format svg "${lines[@]}" --max-file-size 600000 \
  2>big.err
status=$?
[ "$status" -eq 1 ] || fail "a manifest over the limit: exit status $status, expected 1"
echo "$set_dir/manifest.json: the file is larger than 600000 bytes, the limit (--max-file-size changes it); move it away, and every map is drawn afresh" >big.expected
cmp -s big.expected big.err || fail "a manifest over the limit: $(cat big.err)"
[ "$(cd big && find . -type f ! -name .lock -exec sha256sum {} + | sort)" = "$sums" ] ||
  fail "a manifest over the limit: the folder changed"

# Events near the poles: validate accepts them, and render draws them on the
# map (the auto projection is polar stereographic there), north and south.
# render used to refuse an extent fitted to them, "[.., 85.67, .., 85]".
poles() {   # FILE LAT1 LAT2
  cat >"$1" <<EOF
{"title": "Near the pole", "events": [
  {"id": "one", "time": "2020-10-09T07:25:00Z", "lon": 10, "lat": $2, "kind": "statement", "headline": "One"},
  {"id": "two", "time": "2020-10-09T08:25:00Z", "lon": 12, "lat": $3, "kind": "statement", "headline": "Two"}]}
EOF
}
poles north.json 86 88
poles pole.json 89.5 90
poles south.json -86.5 -89
for f in north pole south; do
  out=$("$bin" validate "$f.json" 2>&1)
  [ "$out" = "$f.json: no problems found" ] || fail "validate $f.json: $out"
  if ! "$bin" render "$f.json" -o "out-$f" --quiet --format svg 2>"$f.err"; then
    fail "render $f.json: $(cat "$f.err")"
    continue
  fi
  # Both events inside the 1600 x 1200 map, below its 95-pixel header.
  python3 - "out-$f/manifest.json" <<'PY' || fail "render $f.json: events off the map"
import json, sys
slices = json.load(open(sys.argv[1]))["slices"]
positions = slices[-1]["positions"]
ok = len(positions) == 2 and all(0 < x < 1600 and 95 < y < 1200 for x, y in positions.values())
if not ok:
    print(positions, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
done

finish limits
