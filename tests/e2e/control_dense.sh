#!/bin/bash
# A control layer far finer than the map (docs/control.md, "Cost"): two
# versions of two sides' areas along a front of 20,000 points that wiggles by
# a few metres and moves 5 km east on 10 October. The territory is drawn from
# the areas simplified to a quarter of a pixel (the SVG's control paths hold
# far fewer points than the layer), but the km² are the full layer's: the
# areas held and what changed hands equal their measure by ogr2ogr in a
# Lambert azimuthal equal-area projection, to the manifest's 0.1 km²; and
# nothing is drawn as changed hands where the front did not move.
# Usage: control_dense.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
command -v ogr2ogr >/dev/null || { echo "control_dense: ogr2ogr (gdal-bin) is missing"; exit 77; }
example="$src/examples/karabakh-2020-10-09.json"

python3 - <<'PY' || fail "could not write the layer"
import json, math
N, WEST, EAST, SOUTH, NORTH = 20000, 46.4, 47.8, 39.2, 40.2
def front(shift):
    # the northern fifth does not move; below it the front is 0.06 degree east
    pts = []
    for i in range(N):
        t = i / (N - 1)
        moved = shift * min(1, max(0, (t - 0.2) / 0.05))
        x = 47.0 + moved + 0.03 * math.sin(6 * math.pi * t) + 0.00003 * math.sin(2000 * math.pi * t)
        pts.append([round(x, 7), round(NORTH - t * (NORTH - SOUTH), 7)])
    return pts
def edge(a, b):
    # the box's sides in steps of 0.01 degree, so that a geodesic and a straight
    # line in the projection below are the same edge to a hair
    n = max(1, int(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / 0.01))
    return [[round(a[0] + (b[0] - a[0]) * k / n, 7), round(a[1] + (b[1] - a[1]) * k / n, 7)] for k in range(1, n)]
feats, strips = [], []
for v, (shift, since, until) in enumerate([(0, "2020-10-01", "2020-10-10"), (0.06, "2020-10-10", "")]):
    f = front(shift)
    west = f + edge(f[-1], [WEST, SOUTH]) + edge([WEST, SOUTH], [WEST, NORTH]) + edge([WEST, NORTH], f[0]) + [f[0]]
    east = f[::-1] + edge(f[0], [EAST, NORTH]) + edge([EAST, NORTH], [EAST, SOUTH]) + edge([EAST, SOUTH], f[-1]) + [f[-1]]
    for side, ring in (("AM", west), ("AZ", east)):
        feats.append({"type": "Feature", "properties": {"side": side, "valid_from": since, "valid_to": until, "v": v},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    strips.append(f)
# what AM took on 10 October: between the two fronts
taken = strips[1] + strips[0][::-1] + [strips[1][0]]
json.dump({"type": "FeatureCollection", "features": feats}, open("dense.geojson", "w"))
json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
           "geometry": {"type": "Polygon", "coordinates": [taken]}}]}, open("taken.geojson", "w"))
PY
"$bin" render "$example" --control dense.geojson --at 2020-10-05T00:00:00Z,2020-10-12T00:00:00Z \
  -o out --format svg --quiet 2>render.err || fail "render failed: $(cat render.err)"

am0=$(laea dense.geojson "side = 'AM' AND v = 0") am1=$(laea dense.geojson "side = 'AM' AND v = 1")
az1=$(laea dense.geojson "side = 'AZ' AND v = 1") taken=$(laea taken.geojson)
python3 - out/manifest.json "$am0" "$am1" "$az1" "$taken" >check.txt 2>&1 <<'PY' || fail "manifest: $(cat check.txt)"
import json, sys
m = json.load(open(sys.argv[1]))['slices']
am0, am1, az1, taken = map(float, sys.argv[2:])
bad = []
def near(what, got, want):
    if abs(got - want) > 0.1:
        bad.append('%s is %s, the full layer has %.3f' % (what, got, want))
near('5 October AM held', m[0]['control_area_km2']['AM'], am0)
near('12 October AM held', m[1]['control_area_km2']['AM'], am1)
near('12 October AZ held', m[1]['control_area_km2']['AZ'], az1)
near('12 October AM gained', m[1]['control_gained_km2']['AM'], taken)
if bad:
    print('; '.join(bad)); sys.exit(1)
PY
python3 - out/*-20201012T0000Z.svg >points.txt 2>&1 <<'PY' || fail "the SVG: $(cat points.txt)"
import re, sys
svg = open(sys.argv[1]).read()
paths = re.findall(r'<path data-side="(\w+)" data-status="(\w+)" d="([^"]*)"', svg)
points = {}
for side, status, d in paths:
    points[status] = points.get(status, 0) + len(re.findall(r'-?[0-9.]+', d)) // 2
# the layer's areas hold over 20,000 points each; a quarter pixel keeps far fewer
if points.get('controlled', 0) == 0 or points['controlled'] > 2 * 20000 / 10:
    print('the held areas are drawn with %s points (the layer has over 40,000)' % points.get('controlled'))
    sys.exit(1)
# what changed hands is one area along the part of the front that moved: the
# northern fifth, which did not move, has no sliver along it
ys = []
for side, status, d in paths:
    if status == 'changed':
        ys += [float(v) for v in re.findall(r'-?[0-9.]+', d)[1::2]]
front = [float(v) for s, st, d in paths if st == 'front' for v in re.findall(r'-?[0-9.]+', d)[1::2]]
if not ys or not front:
    print('no changed area or no front line'); sys.exit(1)
top, bottom = min(front), max(front)
if min(ys) < top + 0.18 * (bottom - top):
    print('changed hands drawn up to y %.1f, above where the front moved (%.1f)' % (
        min(ys), top + 0.2 * (bottom - top))); sys.exit(1)
PY
finish control_dense
