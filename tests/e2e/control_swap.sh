#!/bin/bash
# Two adjacent districts that change hands the opposite way between two
# slices: one is taken and its neighbour given up along their common border.
# GEOS's symmetric difference of the two states dissolves that border, so
# what was taken and what was given up come out as one polygon; it must not
# be counted, nor drawn, as all taken or all given up (territory.c,
# split_change). Cells drawn every 0.01 degree: X west of Y, Z north of both.
#  - one side's layer: Azerbaijan holds X and Z, then Y and Z (two
#    features): it gained Y and lost X, by ogr2ogr's measure of each cell,
#    and what it holds is drawn as one area;
#  - two sides: Armenian forces hold X and Azerbaijan Y, then the other way
#    round: each gained the other's cell.
# The SVG's changed-hands paths lie over the right cells, and the PNG's
# pixels at the cells' centres are those of the SVG's kinds of area.
# Usage: control_swap.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
command -v ogr2ogr >/dev/null || { echo "control_swap: ogr2ogr (gdal-bin) is missing"; exit 77; }
# the example without its initial control, so that the layers' areas are
# all the sides hold
python3 - "$src/examples/karabakh-2020-10-09.json" <<'PY' || fail "could not write the events"
import json, sys
d = json.load(open(sys.argv[1]))
del d["initial_control"]
json.dump(d, open("plain.json", "w"), ensure_ascii=False)
PY

python3 - "$src/tests/e2e" <<'PY' || fail "could not write the layers"
import json, sys
sys.path.insert(0, sys.argv[1])
from dense_line import line   # a point every 0.01 degree
def cell(w, e, s, n):
    r = line([[w, s], [e, s], [e, n], [w, n], [w, s]])
    return r + [r[0]]
X, Y, Z = cell(48.0, 48.3, 40.0, 40.3), cell(48.3, 48.6, 40.0, 40.3), cell(48.0, 48.6, 40.3, 40.6)
def feat(side, ring, since, until, name):
    return {"type": "Feature", "properties": {"side": side, "valid_from": since, "valid_to": until,
                                              "name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}
one = [feat("AZ", X, "2020-10-01", "2020-10-06", "X"), feat("AZ", Z, "2020-10-01", "2020-10-06", "Z"),
       feat("AZ", Y, "2020-10-06", "", "Y"), feat("AZ", Z, "2020-10-06", "", "Z")]
two = [feat("AM", X, "2020-10-01", "2020-10-06", "X"), feat("AZ", Y, "2020-10-01", "2020-10-06", "Y"),
       feat("AM", Y, "2020-10-06", "", "Y"), feat("AZ", X, "2020-10-06", "", "X")]
for name, feats in (("one", one), ("two", two)):
    json.dump({"type": "FeatureCollection", "features": feats}, open(name + ".geojson", "w"))
json.dump({"type": "FeatureCollection", "features": [feat("", X, "", "", "X"), feat("", Y, "", "", "Y")]},
          open("cells.geojson", "w"))
PY
x=$(laea cells.geojson "name = 'X'") y=$(laea cells.geojson "name = 'Y'")
[ -n "$x" ] && [ -n "$y" ] || fail "ogr2ogr measured nothing"

for layer in one two; do
  "$bin" render plain.json --control $layer.geojson --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z \
    -o $layer --format png,svg --quiet 2>$layer.err || { fail "$layer: render failed: $(cat $layer.err)"; continue; }
  python3 - $layer "$x" "$y" "$src/tests/e2e" >$layer.txt 2>&1 <<'PY' || fail "$layer: $(cat $layer.txt)"
import glob, json, re, sys
layer, x, y = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from png_pixel import pixel
m = json.load(open(layer + '/manifest.json'))['slices']
bad = []
def near(what, got, want):
    if got is None or abs(got - want) > 0.1:
        bad.append('%s is %s, expected %.3f' % (what, got, want))
now = m[1]
gained, lost = now.get('control_gained_km2') or {}, now.get('control_lost_km2') or {}
if layer == 'one':   # gained Y, lost X
    near('Azerbaijan gained', gained.get('AZ', 0), y)
    near('Azerbaijan lost', lost.get('AZ', 0), x)
    near('Azerbaijan\'s change', (now.get('control_change_km2') or {}).get('AZ', 0), y - x)
    want = {'changed': 'Y', 'lost': 'X'}
else:                # each gained the other's cell
    near('Armenian forces gained', gained.get('AM', 0), y)
    near('Azerbaijan gained', gained.get('AZ', 0), x)
    want = {'AM': 'Y', 'AZ': 'X'}
    near('Armenian forces\' change', (now.get('control_change_km2') or {}).get('AM', 0), y - x)
# the changed-hands paths of 7 October: one ring each, over the right cell
# (X is west of Y); the PNG's pixel at each centre differs from 5 October's
svg = open(sorted(glob.glob(layer + '/*.svg'))[1]).read()
paths = re.findall(r'<path data-side="(\w+)" data-status="(changed|lost)"[^>]* d="([^"]+)"', svg)
def centre(d):
    xy = [float(v) for v in re.findall(r'-?\d+(?:\.\d+)?', d)]
    return ((min(xy[0::2]) + max(xy[0::2])) / 2, (min(xy[1::2]) + max(xy[1::2])) / 2)
got = {(status if layer == 'one' else side): centre(d) for side, status, d in paths}
if len(paths) != 2 or sorted(got) != sorted(want):
    bad.append('7 October: changed-hands paths %s, expected one each of %s'
               % ([(s, st) for s, st, _ in paths], sorted(want)))
else:
    west = min(got, key=lambda k: got[k][0])
    if want[west] != 'X':
        bad.append('7 October: the %s path lies over Y, the western cell is X' % west)
    pngs = sorted(glob.glob(layer + '/*.png'))
    for k, c in got.items():
        before, after = (pixel(p, int(c[0]), int(c[1])) for p in pngs)
        if before == after:
            bad.append('cell %s looks the same on 7 October as on 5 October %s' % (want[k], before))
    a, b = (pixel(pngs[1], int(c[0]), int(c[1])) for c in got.values())
    if a == b:
        bad.append('7 October: %s drawn alike at both cells %s' % (sorted(got), a))
    if layer == 'one':   # Y and Z held: one area, one ring; Z drawn alike both days
        held = re.findall(r'<path data-side="AZ" data-status="controlled"[^>]* d="([^"]+)"', svg)
        if len(held) != 1 or held[0].count('Z') != 1:
            bad.append('7 October: held paths of %s rings, expected one of one ring'
                       % [h.count('Z') for h in held])
        else:
            xy = [float(v) for v in re.findall(r'-?\d+(?:\.\d+)?', held[0])]
            top, bottom = min(xy[1::2]), max(xy[1::2])
            zx, zy = int(got['lost'][0]), int(top + (bottom - top) / 4)
            before, after = (pixel(p, zx, zy) for p in pngs)
            north = pixel(pngs[1], zx, int(top) - 8)
            if before != after or after == north:
                bad.append('Z (held both days): %s on 5 October, %s on 7 October, %s north '
                           'of it' % (before, after, north))
if bad:
    print('; '.join(bad)); sys.exit(1)
PY
done
finish control_swap
