#!/bin/bash
# Control layers (--control, map.control; docs/control.md): two districts of
# the Karabakh example handed over from Armenian forces to Azerbaijan between
# two dates, written by this test from the shipped regions as GeoJSON, as KML
# and as a folder of dated files, rendered at three moments: the pixels inside
# each district change colour when it changes hands, the KML and the folder
# draw what the GeoJSON draws, the SVG has the areas with their side, and bad
# layers are refused with FILE: feature N: message, exit 1, nothing written.
# Usage: control.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
command -v ogr2ogr >/dev/null || { echo "control: ogr2ogr (gdal-bin) is missing"; exit 77; }
[ -f "$src/shapes/regions.shp" ] || { echo "control: shapes/regions.shp is not built"; exit 77; }
example="$src/examples/karabakh-2020-10-09.json"
at=2020-10-05T00:00:00Z,2020-10-12T00:00:00Z,2020-10-20T00:00:00Z
stamps="20201005T0000Z 20201012T0000Z 20201020T0000Z"

# Cəbrayıl is handed over on 9 October, Füzuli on 17 October.
handed() {   # handed DISTRICT DATE: the district held by AM until DATE, by AZ from it
  echo "SELECT name, 'AM' AS side, '2020-09-27' AS valid_from, '$2' AS valid_to, geometry
        FROM regions WHERE name = '$1'
        UNION ALL SELECT name, 'AZ', '$2', '', geometry FROM regions WHERE name = '$1'"
}
sql="$(handed 'Cəbrayıl' 2020-10-09) UNION ALL $(handed 'Füzuli' 2020-10-17)"
ogr2ogr -f GeoJSON control.geojson "$src/shapes/regions.shp" -dialect SQLite -sql "$sql" ||
  fail "ogr2ogr could not write control.geojson"
ogr2ogr -f KML control.kml control.geojson 2>/dev/null || fail "ogr2ogr could not write control.kml"

"$bin" render "$example" --control control.geojson --at "$at" -o geojson --format png,svg \
  --quiet 2>geojson.err || fail "render with control.geojson failed: $(cat geojson.err)"
"$bin" render "$example" --control control.kml --at "$at" -o kml --format png \
  --quiet 2>kml.err || fail "render with control.kml failed: $(cat kml.err)"

# The pixel at the middle of an area's vertices in the SVG of slice $1, by side and
# district's path index; then its colour in each slice's PNG.
# hue R G B: "red" or "blue", whichever channel is stronger
hue() { if [ "$1" -gt "$3" ]; then echo red; elif [ "$3" -gt "$1" ]; then echo blue; else echo grey; fi; }
svg() { echo "geojson/karabakh-2020-10-09-$1.svg"; }
# dissolved: on 20 October both districts are one AZ area, without the border between them
n_az=$(grep -c '<path data-side="AZ" data-status="controlled"' "$(svg 20201020T0000Z)")
[ "$n_az" = 1 ] || fail "20 October: $n_az AZ areas in the SVG's control group, expected 1"
# the front line runs between Cəbrayıl (AZ) and Füzuli (AM) on 12 October only
for s in $stamps; do
  n=$(grep -c 'data-status="front"' "$(svg "$s")")
  want=0; [ "$s" = 20201012T0000Z ] && want=1
  [ "$n" = "$want" ] || fail "$s: $n front lines, expected $want"
done
# what changed hands: Cəbrayıl on 12 October, Füzuli on 20 October, nothing on the 5th
grep -q 'data-status="changed"' "$(svg 20201005T0000Z)" && fail "5 October: an area changed hands"
grep -q 'Changed hands since 5 October' "$(svg 20201012T0000Z)" || fail "12 October: no legend row for the change"
grep -q '>Front line<' "$(svg 20201012T0000Z)" || fail "12 October: no legend row for the front line"
# Where each district is (the middle of the area that changed hands), then its colour in time
check() {   # check NAME SLICE_IT_CHANGED_IN EXPECTED_HUES...
  local name=$1
  read -r x y <<<"$(python3 "$src/tests/e2e/png_pixel.py" middle "$(svg "$2")" AZ changed)"
  shift 2
  local i=0
  for s in $stamps; do
    i=$((i + 1))
    local want=${!i}
    for dir in geojson kml; do
      read -r r g b <<<"$(python3 "$src/tests/e2e/png_pixel.py" pixel "$dir/karabakh-2020-10-09-$s.png" "$x" "$y")"
      [ "$(hue "$r" "$g" "$b")" = "$want" ] ||
        fail "$dir $s: $name at ($x, $y) is rgb($r, $g, $b), expected $want"
    done
  done
}
for s in $stamps; do
  cmp -s "geojson/karabakh-2020-10-09-$s.png" "kml/karabakh-2020-10-09-$s.png" ||
    fail "$s: the KML layer does not draw what the GeoJSON layer draws"
done
check Cəbrayıl 20201012T0000Z red blue blue
check Füzuli 20201020T0000Z red red blue

# The areas on the ellipsoid, against an independent measure: each district
# projected by ogr2ogr to a Lambert azimuthal equal-area on WGS 84, its OGR_GEOM_AREA.
laea_km2() {
  rm -f laea.geojson
  ogr2ogr -f GeoJSON -t_srs "+proj=laea +lat_0=39.5 +lon_0=47 +ellps=WGS84" laea.geojson \
    "$src/shapes/regions.shp" -where "name = '$1'" &&
    ogrinfo -q -dialect OGRSQL -sql "SELECT OGR_GEOM_AREA FROM regions" laea.geojson |
    sed -n 's/.*OGR_GEOM_AREA (Real) = //p' | awk '{ printf "%.3f", $1 / 1e6 }'
}
jab=$(laea_km2 'Cəbrayıl') fuz=$(laea_km2 'Füzuli')
python3 - geojson/manifest.json "$jab" "$fuz" >manifest-check.txt <<'PY' || fail "manifest: $(cat manifest-check.txt)"
import json, sys
m = json.load(open(sys.argv[1]))['slices']
jab, fuz = float(sys.argv[2]), float(sys.argv[3])
def near(what, got, want):
    if abs(got - want) > 0.2:
        print('%s is %s, expected %.1f' % (what, got, want)); sys.exit(1)
assert 'control_change_km2' not in m[0], 'a change on the first slice'
near('12 October AZ held', m[1]['control_area_km2']['AZ'], jab)
near('12 October AZ gained', m[1]['control_gained_km2']['AZ'], jab)
near('12 October AM change', m[1]['control_change_km2']['AM'], -jab)
near('20 October AZ held', m[2]['control_area_km2']['AZ'], jab + fuz)
near('20 October AZ gained', m[2]['control_gained_km2']['AZ'], fuz)
words = 'Azerbaijan gained %s km² since 5 October.' % format(round(jab), ',')
assert words in m[1]['alt'], 'alt text: ' + m[1]['alt']
PY
said="Azerbaijan gained $(python3 -c "print(format(round($fuz), ','))") km² since 12 October."
grep -q ">$said<" "$(svg 20201020T0000Z)" || fail "20 October: the callout does not say \"$said\""

# The same state from a folder of files named by their dates, and from map.control.
mkdir -p dated
ogr2ogr -f GeoJSON dated/2020-09-27.geojson "$src/shapes/regions.shp" -dialect SQLite \
  -sql "SELECT 'AM' AS side, geometry FROM regions WHERE name IN ('Cəbrayıl', 'Füzuli')"
ogr2ogr -f GeoJSON dated/2020-10-09.geojson "$src/shapes/regions.shp" -dialect SQLite \
  -sql "SELECT CASE name WHEN 'Cəbrayıl' THEN 'AZ' ELSE 'AM' END AS side, geometry FROM regions
        WHERE name IN ('Cəbrayıl', 'Füzuli')"
ogr2ogr -f GeoJSON dated/2020-10-17.geojson "$src/shapes/regions.shp" -dialect SQLite \
  -sql "SELECT 'AZ' AS side, geometry FROM regions WHERE name IN ('Cəbrayıl', 'Füzuli')"
sed 's|"map": {|"map": {"control": "dated",|' "$example" >events.json
grep -q '"control": "dated"' events.json || fail "the example has no \"map\" object to add control to"
"$bin" render events.json --at "$at" -o folder --format png --quiet 2>folder.err ||
  fail "render with map.control = dated/ failed: $(cat folder.err)"
for s in $stamps; do
  cmp -s "geojson/karabakh-2020-10-09-$s.png" "folder/events-$s.png" ||
    fail "$s: the dated folder does not draw what the dated GeoJSON draws"
done

# A layer without sides takes the option's; a status from the option.
ogr2ogr -f GeoJSON noside.geojson "$src/shapes/regions.shp" -dialect SQLite \
  -sql "SELECT name, geometry FROM regions WHERE name = 'Xocavənd'"
"$bin" render "$example" --control AZ:claimed=noside.geojson --at 2020-10-12T00:00:00Z -o claimed \
  --format svg --quiet || fail "--control AZ:claimed= failed"
grep -q 'data-side="AZ" data-status="claimed"' claimed/*.svg || fail "no claimed AZ area in the SVG"
grep -q 'Hatched area: claimed, not confirmed' claimed/*.svg || fail "no claimed row in the legend"

# GDAL's GeoJSON driver learns a layer's fields from its first feature only
# when control.c cuts its first pass short: a "status" and dates that only
# the last of 400 features has are still read (it reads the file twice then).
python3 - <<'PY'
import json
ring = [[46.5, 39.5], [46.7, 39.5], [46.7, 39.7], [46.5, 39.5]]
feats = [{"type": "Feature", "properties": {"side": "AM"},
          "geometry": {"type": "Polygon", "coordinates": [ring]}}
         for _ in range(399)]
feats.append({"type": "Feature", "properties": {"side": "AZ", "Status": "claimed",
              "valid_from": "2020-10-10T06:00:00Z"},
              "geometry": {"type": "Polygon", "coordinates": [[[46.9, 39.5], [47.1, 39.5], [47.1, 39.7], [46.9, 39.5]]]}})
json.dump({"type": "FeatureCollection", "features": feats}, open("late.geojson", "w"))
PY
"$bin" render "$example" --control late.geojson --at 2020-10-10T05:00:00Z,2020-10-12T00:00:00Z \
  -o late --format svg --quiet || fail "late.geojson: render failed"
grep -q 'data-side="AZ" data-status="claimed"' late/*-20201010T0500Z.svg &&
  fail "late.geojson: the AZ area is drawn before its valid_from"
grep -q 'data-side="AZ" data-status="claimed"' late/*-20201012T0000Z.svg ||
  fail "late.geojson: the last feature's \"Status\" (claimed) was not read"

# Two sides shown on the same ground: the layer with AZ's valid_from lost (as
# GDAL's LIBKML driver drops date fields from a KMZ's schema) gives AZ both
# districts from the start while AM still holds them: a warning naming the
# sides, the slices and the most ground (on 5 October, both districts), the
# maps still written; with --strict nothing is. The dated layer said nothing.
[ ! -s geojson.err ] || fail "the dated layer: said $(cat geojson.err)"
python3 - <<'PY'
import json
d = json.load(open('control.geojson'))
for f in d['features']:
    if f['properties']['side'] == 'AZ':
        f['properties'].pop('valid_from', None)
json.dump(d, open('undated.geojson', 'w'))
PY
"$bin" render "$example" --control undated.geojson --at "$at" -o undated --format png \
  --quiet 2>undated.err || fail "undated.geojson: render failed: $(cat undated.err)"
[ "$(ls undated/*.png 2>/dev/null | wc -l)" -eq 3 ] || fail "undated.geojson: not 3 PNGs written"
python3 - undated.err "$jab" "$fuz" >undated-check.txt <<'PY' || fail "undated.geojson: $(cat undated-check.txt)"
import re, sys
err = open(sys.argv[1]).read().splitlines()
want = (r'warning: Azerbaijan \(AZ\) and Armenian forces \(AM\) are both shown holding the same '
        r'ground on 2 of 3 slices, at most ([0-9.]+) km² \(2020-10-05T00:00:00Z\): no ground is '
        r'held by two sides at once, so a control layer\'s date or side, or an area event, is '
        r'wrong there \(docs/control.md, "Fields"\); the map shades it in both colours$')
m = re.match(want, err[0]) if len(err) == 1 else None
if not m:
    print('said %r' % err); sys.exit(1)
both = float(sys.argv[2]) + float(sys.argv[3])
if abs(float(m.group(1)) - both) > 0.2:
    print('%s km² shared, expected %.1f' % (m.group(1), both)); sys.exit(1)
PY
"$bin" render "$example" --control undated.geojson --at "$at" -o undated-strict --format png \
  --quiet --strict 2>strict.err
status=$?
[ "$status" -eq 1 ] || fail "undated.geojson --strict: exit $status, expected 1"
[ "$(tail -n 1 strict.err)" = "1 warning above, which --strict makes errors: nothing was written" ] ||
  fail "undated.geojson --strict: said $(cat strict.err)"
[ -z "$(ls -A undated-strict 2>/dev/null)" ] || fail "undated.geojson --strict: wrote $(ls -A undated-strict)"

# Bad layers: FILE: feature N: message, exit 1, nothing written.
poly='"geometry":{"type":"Polygon","coordinates":[[[46.5,39.5],[46.7,39.5],[46.7,39.7],[46.5,39.5]]]}'
refused() {   # refused NAME PROPERTIES EXPECTED_MESSAGE [OPTION_PREFIX]
  printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"side":"AZ"},%s},{"type":"Feature","properties":%s,%s}]}\n' \
    "$poly" "$2" "$poly" >"$1.geojson"
  "$bin" render "$example" --control "${4:-}$1.geojson" -o "out-$1" 2>"$1.err"
  local status=$?
  [ "$status" -eq 1 ] || fail "$1: exit $status, expected 1"
  [ "$(cat "$1.err")" = "$1.geojson: feature 2: $3" ] || fail "$1: said \"$(cat "$1.err")\""
  [ ! -e "out-$1" ] || fail "$1: wrote out-$1/"
}
refused unknown-side '{"side":"RU"}' 'side "RU" is not one of the events file'"'"'s "sides" (AZ, AM)'
refused bad-date '{"side":"AZ","valid_from":"2020-10-32"}' \
  '"valid_from" "2020-10-32" is not a date (2022-11-11) or a time (2022-11-11T06:00:00Z): is not a real date'
refused backwards '{"side":"AZ","valid_from":"2020-10-20","valid_to":"2020-10-10"}' \
  '"valid_to" (2020-10-10T00:00:00Z) is before "valid_from" (2020-10-20T00:00:00Z)'
refused no-side '{"valid_from":"2020-10-20"}' \
  'has no "side"; give each feature a "side" field with a side'"'"'s code of the events file, or the layer'"'"'s side with the option: --control SIDE=no-side.geojson'
refused bad-status '{"side":"AZ","status":"occupied"}' \
  'status "occupied" is not one of controlled, claimed, contested or advances'
printf '<kml><Document><Placemark>\n' >broken.kml
"$bin" render "$example" --control AZ=broken.kml -o out-broken 2>broken.err
[ $? -eq 1 ] || fail "a broken KML: not exit 1"
grep -q '^broken.kml: is not a vector layer GDAL can read' broken.err || fail "a broken KML: said $(cat broken.err)"
[ ! -e out-broken ] || fail "a broken KML: wrote out-broken/"
"$bin" render "$example" --control XX=control.geojson -o out-xx 2>xx.err
[ "$(cat xx.err)" = '--control XX=control.geojson: side "XX" is not one of the events file'"'"'s "sides" (AZ, AM)' ] ||
  fail "--control XX=: said $(cat xx.err)"

# validate reads the events file's map.control as render does
sed 's|"map": {|"map": {"control": "unknown-side.geojson",|' "$example" >bad-events.json
"$bin" validate bad-events.json >validate.out 2>&1
status=$?
[ "$status" -eq 1 ] || fail "validate with a bad map.control: exit $status, expected 1"
grep -qF './unknown-side.geojson: feature 2: side "RU" is not one of' validate.out ||
  grep -qF 'unknown-side.geojson: feature 2: side "RU" is not one of' validate.out ||
  fail "validate with a bad map.control said: $(cat validate.out)"

[ "$failures" -eq 0 ] || exit 1
echo "control: all checks passed"
