#!/bin/bash
# What changed hands when the two sides' ground changes too (docs/control.md,
# "Cost"): between two states in which the same two sides hold, without
# overlap, the same ground, what one side gained is what it holds now and
# did not before (one GEOS difference for both sides); when the ground is
# not the same, only land the other side held counts. Four versions of a
# box split by a straight front: the front moves east (Armenian forces gain
# a strip), then back west while Armenian forces also take land west of the
# box that no one held (Azerbaijan gains a strip; that land is no one's
# gain), then Azerbaijan alone takes land east of the box (no gain, its area
# grows; the other side's area, made of the same feature, is the previous
# state's, copied). The km² held and gained equal their measure by ogr2ogr in
# a Lambert azimuthal equal-area projection, to the manifest's 0.1 km².
# Usage: control_ground.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
command -v ogr2ogr >/dev/null || { echo "control_ground: ogr2ogr (gdal-bin) is missing"; exit 77; }
example="$src/examples/karabakh-2020-10-09.json"

python3 - <<'PY' || fail "could not write the layer"
import json
SOUTH, NORTH = 39.2, 40.2
def line(a, b):
    # a and b and the points between them every 0.01 degree, so that a geodesic
    # and a straight line in the projection below are the same edge to a hair
    n = max(1, round(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / 0.01))
    return [[round(a[0] + (b[0] - a[0]) * k / n, 7), round(a[1] + (b[1] - a[1]) * k / n, 7)]
            for k in range(n)]
def box(w, e):
    ring = line([w, SOUTH], [e, SOUTH]) + line([e, SOUTH], [e, NORTH]) + \
           line([e, NORTH], [w, NORTH]) + line([w, NORTH], [w, SOUTH])
    return ring + [ring[0]]
# (AM west edge, the front, AZ east edge, from, to)
versions = [(46.4, 47.0, 47.8, "2020-10-01", "2020-10-06"),
            (46.4, 47.1, 47.8, "2020-10-06", "2020-10-08"),
            (46.2, 47.05, 47.8, "2020-10-08", "2020-10-10"),
            (46.2, 47.05, 48.0, "2020-10-10", "")]
feats = []
for v, (w, f, e, since, until) in enumerate(versions):
    for side, ring in (("AM", box(w, f)), ("AZ", box(f, e))):
        feats.append({"type": "Feature", "properties": {"side": side, "valid_from": since,
                                                          "valid_to": until, "v": v},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
json.dump({"type": "FeatureCollection", "features": feats}, open("ground.geojson", "w"))
strips = {"am_took": box(47.0, 47.1), "az_took": box(47.05, 47.1), "no_ones": box(46.2, 46.4)}
json.dump({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": k}, "geometry": {"type": "Polygon", "coordinates": [r]}}
    for k, r in strips.items()]}, open("strips.geojson", "w"))
PY
"$bin" render "$example" --control ground.geojson \
  --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z,2020-10-09T00:00:00Z,2020-10-11T00:00:00Z \
  -o out --format png --quiet 2>render.err || fail "render failed: $(cat render.err)"

want=()
for v in 0 1 2 3; do
  want+=("$(laea ground.geojson "side = 'AM' AND v = $v")" "$(laea ground.geojson "side = 'AZ' AND v = $v")")
done
want+=("$(laea strips.geojson "name = 'am_took'")" "$(laea strips.geojson "name = 'az_took'")")
python3 - out/manifest.json "${want[@]}" >check.txt 2>&1 <<'PY' || fail "manifest: $(cat check.txt)"
import json, sys
m = json.load(open(sys.argv[1]))['slices']
w = list(map(float, sys.argv[2:]))
held, am_took, az_took = w[:8], w[8], w[9]
if len(m) != 4:
    print('%d slices, expected 4' % len(m)); sys.exit(1)
bad = []
def near(what, got, want):
    if got is None or abs(got - want) > 0.1:
        bad.append('%s is %s, the layer has %.3f' % (what, got, want))
days = ['5 October', '7 October', '9 October', '11 October']
for i in range(4):
    near('%s AM held' % days[i], m[i]['control_area_km2'].get('AM'), held[2 * i])
    near('%s AZ held' % days[i], m[i]['control_area_km2'].get('AZ'), held[2 * i + 1])
gained = [m[i].get('control_gained_km2') or {} for i in range(4)]
near('7 October AM gained (the front moved east)', gained[1].get('AM', 0), am_took)
near('7 October AZ gained', gained[1].get('AZ', 0), 0)
# the land west of the box was no one's: not gained from Azerbaijan
near('9 October AM gained (it took land no one held)', gained[2].get('AM', 0), 0)
near('9 October AZ gained (the front moved back west)', gained[2].get('AZ', 0), az_took)
near('11 October AM gained', gained[3].get('AM', 0), 0)
near('11 October AZ gained (it alone took land no one held)', gained[3].get('AZ', 0), 0)
if bad:
    print('; '.join(bad)); sys.exit(1)
PY
finish control_ground
