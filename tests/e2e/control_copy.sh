#!/bin/bash
# Prepared copies of control layers (docs/control.md, "Prepared copies"): a
# layer of a megabyte or more read through GDAL is kept in the cache folder,
# and the next run reads the copy instead, with the same maps to the byte.
# The copy is what the next run draws (a copy changed here, checksum and all,
# changes the map; the km² it holds for each feature are the km² of a side
# holding that feature alone); one whose checksum fails, whose counts lie, or
# whose km² are negative or not finite, is not used
# (the layer is read again and the copy made anew); a changed layer is read
# again (and a copy's temporary file left by a run stopped long ago is
# removed); a side the events file no longer has is reported as without copies;
# CONFLICTMAP_CACHE=off writes nothing; the default folder is
# $HOME/.cache/conflictmap; a layer dated in the future is not copied.
# Usage: control_copy.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
example="$src/examples/karabakh-2020-10-09.json"
export HOME="$work/home" CONFLICTMAP_CACHE="$work/cache"
unset XDG_CACHE_HOME
mkdir -p "$HOME"

# layer.geojson: AM west, AZ east of a wiggling front, before and after 12:00,
# over 1 MB; SHIFT moves the front east (degrees)
layer() {
  python3 - "$1" "$2" <<'PY' || fail "could not write the layer"
import json, math, sys
path, shift = sys.argv[1], float(sys.argv[2])
N, WEST, EAST, SOUTH, NORTH = 12000, 46.2, 47.9, 39.3, 40.3
feats = []
for v, (since, until) in enumerate([("2020-10-09", "2020-10-09T12:00:00Z"), ("2020-10-09T12:00:00Z", "")]):
    f = [[round(46.9 + shift + 0.05 * v + 0.03 * math.sin(7 * math.pi * i / N), 7),
          round(NORTH - i / (N - 1) * (NORTH - SOUTH), 7)] for i in range(N)]
    west = f + [[WEST, SOUTH], [WEST, NORTH], f[0]]
    east = f[::-1] + [[EAST, NORTH], [EAST, SOUTH], f[-1]]
    for side, ring in (("AM", west), ("AZ", east)):
        feats.append({"type": "Feature", "properties": {"side": side, "valid_from": since, "valid_to": until},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
json.dump({"type": "FeatureCollection", "features": feats}, open(path, "w"))
PY
}
render() {   # render OUT [ARGS]: the example at 15:00 with layer.geojson
  local out=$1
  shift
  rm -rf "$out"
  "$bin" render "$example" --control layer.geojson --at 2020-10-09T15:00:00Z --format png \
    --quiet -o "$out" "$@" 2>"$out.err"
}
copies() { ls "$1" 2>/dev/null | grep -c '\.copy$'; }
same() { diff -r -x sets "$1" "$2" >/dev/null; }

layer layer.geojson 0
[ "$(stat -c %s layer.geojson)" -ge 1048576 ] || fail "the layer is under 1 MB"
sleep 3   # older than the 2 s a file must have settled for
render fresh || fail "first run failed: $(cat fresh.err)"
[ "$(copies cache)" = 1 ] || fail "the first run left $(copies cache) copies in cache/, not 1"
copy=$(ls cache/*.copy 2>/dev/null | head -1)
[ -z "$(ls cache | grep -v '\.copy$')" ] || fail "cache/ holds more than copies: $(ls cache)"
cp "$copy" first.copy 2>/dev/null

render again || fail "second run failed: $(cat again.err)"
same fresh again || fail "the run from the copy made other files than the first"
cmp -s "$copy" first.copy || fail "the copy was written again though nothing changed"
CONFLICTMAP_CACHE=off render measured || fail "run without copies failed: $(cat measured.err)"
same fresh measured || fail "the run that wrote the copy (its km² measured for it) differs from one without copies"

# a second, small layer read through GDAL after the copy (whose points are
# left in its map, then moved to the heap to add the small layer's), and
# before it: the same maps as without copies
cat > small.geojson <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
 "geometry": {"type": "Polygon", "coordinates": [[[46.0, 40.0], [46.3, 40.0], [46.3, 40.2],
 [46.0, 40.2], [46.0, 40.0]]]}}]}
JSON
render two_after --control AM:claimed=small.geojson || fail "copy then a small layer failed: $(cat two_after.err)"
CONFLICTMAP_CACHE=off render two_off --control AM:claimed=small.geojson ||
  fail "both layers without copies failed: $(cat two_off.err)"
same two_after two_off || fail "the copy then a small layer made other files than without copies"
same two_after again && fail "the small layer changed nothing on the map"
rm -rf two_before
"$bin" render "$example" --control AM:claimed=small.geojson --control layer.geojson \
  --at 2020-10-09T15:00:00Z --format png --quiet -o two_before 2>two_before.err ||
  fail "a small layer then the copy failed: $(cat two_before.err)"
same two_before two_off || fail "a small layer then the copy made other files than without copies"

# the copy, changed (every longitude +0.5, checksum made again): the map changes
edit() {   # edit HOW: rewrites the copy; HOW is shift, lie, flip, km2 (each feature's
           # km² set to 1234.5 and 6789.5 by side), or km2=X (each feature's km² X)
  python3 - "$copy" "$1" <<'PY' || fail "could not edit the copy"
import struct, sys, zlib
path, how = sys.argv[1], sys.argv[2]
b = bytearray(open(path, "rb").read())
assert b[:16] == b"conflictmap ctl\x02"
at = 24
key_len = struct.unpack_from("<Q", b, at)[0]; at += 8 + (key_len + 7) // 8 * 8
n_sides, n_feat, n_rings, n_points = struct.unpack_from("<4Q", b, at)
counts = at; at += 32
sides = []
for _ in range(n_sides):
    n = struct.unpack_from("<Q", b, at)[0]
    sides.append(bytes(b[at + 8:at + 8 + n]).decode()); at += 8 + (n + 7) // 8 * 8
feat = at
at += 48 * n_feat + 8 * (n_rings + 1) + (n_rings + 7) // 8 * 8
for i in range(n_feat):   # side index, status, from, to, first ring, rings, km²
    side = struct.unpack_from("<I", b, feat + 48 * i)[0]
    if how == "km2":
        struct.pack_into("<d", b, feat + 48 * i + 40, {"AM": 1234.5, "AZ": 6789.5}[sides[side]])
    elif how.startswith("km2="):
        struct.pack_into("<d", b, feat + 48 * i + 40, float(how[4:]))
if how == "shift":
    for i in range(n_points):
        x = struct.unpack_from("<d", b, at + 16 * i)[0]
        struct.pack_into("<d", b, at + 16 * i, x + 0.5)
elif how == "lie":   # more points than there are
    struct.pack_into("<Q", b, counts + 24, n_points + 1000)
if how == "flip":    # a point changed, the checksum not made again
    b[at + 8] ^= 1
else:
    b[-8:] = struct.pack("<Q", zlib.crc32(bytes(b[:-8])))
open(path, "wb").write(bytes(b))
PY
}
edit shift
render shifted || fail "run from a shifted copy failed: $(cat shifted.err)"
same fresh shifted && fail "a copy with every point moved drew the same map: the copy is not read"
grep -q '"control_area_km2"' shifted/manifest.json || fail "no control_area_km2 in the manifest"
cmp -s fresh/manifest.json shifted/manifest.json && fail "the shifted copy gave the same km²"

# each feature's km² as the copy holds them: a side that holds one feature
# alone (AZ) is given its copy's km², not measured again; one that holds a
# feature and a region (AM: the example's areas) has their union measured,
# as without copies
km2() {   # km2 DIR SIDE: the side's control_area_km2 in DIR's manifest
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["slices"][0]["control_area_km2"][sys.argv[2]])' \
    "$1/manifest.json" "$2"
}
cp first.copy "$copy"
edit km2
render km2 || fail "run from a copy with other km² failed: $(cat km2.err)"
[ "$(km2 km2 AZ)" = 6789.5 ] || fail "AZ's km² are $(km2 km2 AZ), not its copy's 6789.5"
[ "$(km2 km2 AM)" = "$(km2 fresh AM)" ] ||
  fail "AM's km² (a feature and a region, measured) are $(km2 km2 AM), not $(km2 fresh AM)"
cmp -s "$copy" first.copy && fail "a copy with other km² was made anew"
# km² no measure gives: the copy is not used, and made anew
for v in -1 nan inf; do
  cp first.copy "$copy"
  edit km2=$v
  render km2_$v || fail "run with a copy's km² $v failed: $(cat km2_$v.err)"
  same fresh km2_$v || fail "a copy with km² $v was used: the map differs from the first"
  cmp -s "$copy" first.copy || fail "the copy with km² $v was not made anew"
done

for how in flip lie; do
  cp first.copy "$copy"
  edit $how
  render $how || fail "run with a copy edited ($how) failed: $(cat $how.err)"
  same fresh $how || fail "a copy edited ($how) was used: the map differs from the first"
  cmp -s "$copy" first.copy || fail "the copy edited ($how) was not made anew"
done

# the layer changed (the front 0.2 degree east): read again, as without copies
layer layer.geojson 0.2
sleep 3
touch -d '-2 hours' "$copy.abandoned000.tmp"   # a run stopped while writing, long ago
touch "$copy.writing00000.tmp"                   # another run writing now
render changed || fail "run after the layer changed failed: $(cat changed.err)"
[ -e "$copy.abandoned000.tmp" ] && fail "a copy's temporary file of 2 hours ago was left"
[ -e "$copy.writing00000.tmp" ] || fail "a copy's temporary file in the making was removed"
rm -f "$copy.writing00000.tmp"
CONFLICTMAP_CACHE=off render uncached || fail "run without copies failed: $(cat uncached.err)"
same changed uncached || fail "after the layer changed, the run differs from one without copies"
same fresh changed && fail "after the layer changed, the map is the old one"
[ "$(copies cache)" = 1 ] || fail "the changed layer's copy did not replace the old one: $(ls cache)"

# a side the events file no longer has: the layer's own error, copy or not
sed 's/"AM"/"XA"/g' "$example" > renamed.json
rm -rf bad
"$bin" render renamed.json --control layer.geojson --at 2020-10-09T15:00:00Z --format png --quiet \
  -o bad 2>bad.err && fail "a layer with a side not in \"sides\" rendered"
grep -q 'layer.geojson: feature 1: side "AM" is not one of the events file' bad.err ||
  fail "the unknown side's message is not the layer's: $(cat bad.err)"
[ -e bad ] && fail "bad/ written though the run failed"

# off: nothing written anywhere; default: $HOME/.cache/conflictmap
rm -rf "$work/cache"
CONFLICTMAP_CACHE=off render off || fail "run with CONFLICTMAP_CACHE=off failed"
[ -e "$work/cache" ] || [ -e "$HOME/.cache" ] && fail "CONFLICTMAP_CACHE=off wrote a copy"
(unset CONFLICTMAP_CACHE; render default) || fail "run with the default folder failed"
[ "$(copies "$HOME/.cache/conflictmap")" = 1 ] || fail "no copy in \$HOME/.cache/conflictmap"
[ "$(stat -c %a "$HOME/.cache/conflictmap")" = 700 ] || fail "the copies' folder is not 0700"

# a layer dated in the future may change again with the same date: not copied
rm -rf "$work/cache"
touch -d '+1 hour' layer.geojson
render future || fail "run with a layer dated in the future failed"
[ "$(copies cache)" = 0 ] || fail "a layer dated in the future was copied"
finish control_copy
