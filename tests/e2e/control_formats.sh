#!/bin/bash
# Control layers in the formats control.sh does not cover (issue 16): the
# dated layer of control.sh (Cəbrayıl handed from Armenian forces to
# Azerbaijan on 9 October, Füzuli on 17 October), written here with ogr2ogr
# from the shipped regions as GeoJSON, then as KMZ, GeoPackage and FlatGeobuf,
# draws in each the SVGs the GeoJSON draws and the same areas in the manifest
# (km² per side and their changes, at three moments); a broken KMZ and a KMZ
# whose feature names a side not in "sides" are refused with FILE: message,
# exit 1, nothing written.
# Usage: control_formats.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
command -v ogr2ogr >/dev/null || { echo "control_formats: ogr2ogr (gdal-bin) is missing"; exit 77; }
[ -f "$src/shapes/regions.shp" ] || { echo "control_formats: shapes/regions.shp is not built"; exit 77; }
example="$src/examples/karabakh-2020-10-09.json"
at=2020-10-05T00:00:00Z,2020-10-12T00:00:00Z,2020-10-20T00:00:00Z

handed() {   # handed DISTRICT DATE: the district held by AM until DATE, by AZ from it
  echo "SELECT name, 'AM' AS side, '2020-09-27' AS valid_from, '$2' AS valid_to, geometry
        FROM regions WHERE name = '$1'
        UNION ALL SELECT name, 'AZ', '$2', '', geometry FROM regions WHERE name = '$1'"
}
sql="$(handed 'Cəbrayıl' 2020-10-09) UNION ALL $(handed 'Füzuli' 2020-10-17)"
ogr2ogr -f GeoJSON -nln control control.geojson "$src/shapes/regions.shp" -dialect SQLite \
  -sql "$sql" || fail "ogr2ogr could not write control.geojson"
# GDAL's GeoJSON driver types "2020-09-27" as a date: the GeoPackage and the
# FlatGeobuf keep it a date field (which the reader must take as a date);
# LIBKML leaves a date field out of its schema, so the KMZ is made from the
# dates as text, as a KMZ exported from Google Earth carries them.
ogr2ogr -f GPKG control.gpkg control.geojson || fail "ogr2ogr could not write control.gpkg"
ogr2ogr -f FlatGeobuf -lco SPATIAL_INDEX=NO control.fgb control.geojson ||
  fail "ogr2ogr could not write control.fgb"
ogr2ogr -f LIBKML -oo DATE_AS_STRING=YES control.kmz control.geojson 2>/dev/null ||
  fail "ogr2ogr could not write control.kmz"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).namelist()' control.kmz ||
  fail "control.kmz is not a zip"

for ext in geojson kmz gpkg fgb; do
  "$bin" render "$example" --control "control.$ext" --at "$at" -o "$ext" --format svg \
    --quiet 2>"$ext.err" || fail "render with control.$ext failed: $(cat "$ext.err")"
done
# The GeoJSON's own figures first: the test is worth nothing if it drew no areas.
python3 - geojson/manifest.json <<'PY' || fail "the GeoJSON layer's manifest is not as expected"
import json, sys
m = json.load(open(sys.argv[1]))['slices']
assert set(m[0]['control_area_km2']) == {'AM'}, m[0]['control_area_km2']
assert m[1]['control_change_km2']['AZ'] > 800, m[1]['control_change_km2']
assert m[2]['control_change_km2']['AZ'] > 1200, m[2]['control_change_km2']
PY
for ext in kmz gpkg fgb; do
  python3 - geojson/manifest.json "$ext/manifest.json" >"$ext.check" 2>&1 <<'PY' ||
import json, sys
want, got = (json.load(open(p))['slices'] for p in sys.argv[1:3])
keys = ('control_area_km2', 'control_change_km2', 'control_gained_km2',
        'claimed_area_km2', 'contested_area_km2')
for w, g in zip(want, got):
    for k in keys:
        if w.get(k) != g.get(k):
            print('%s %s: %s, the GeoJSON has %s' % (g['time'], k, g.get(k), w.get(k)))
            sys.exit(1)
PY
    fail "$ext: $(cat "$ext.check")"
  for f in geojson/*.svg; do
    cmp -s "$f" "$ext/${f#geojson/}" || fail "$ext: ${f#geojson/} differs from the GeoJSON's"
  done
done

# A broken KMZ: a zip whose doc.kml is cut short, and a file that is no zip.
python3 - <<'PY'
import zipfile
with zipfile.ZipFile('broken.kmz', 'w') as z:
    z.writestr('doc.kml', '<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>\n'
               '<Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>46.5,39.5 46.7,39.5 46.7,39.7 46.5,39.5'
               '</coordinates></LinearRing></outerBoundaryIs></Polygon>\n</Document></kml>\n')
PY
echo "PK but not a zip" >torn.kmz
# A KMZ whose second feature names a side the events file does not have.
printf '{"type":"FeatureCollection","features":[%s,%s]}\n' \
  '{"type":"Feature","properties":{"side":"AZ"},"geometry":{"type":"Polygon","coordinates":[[[46.5,39.5],[46.7,39.5],[46.7,39.7],[46.5,39.5]]]}}' \
  '{"type":"Feature","properties":{"side":"RU"},"geometry":{"type":"Polygon","coordinates":[[[46.8,39.5],[47.0,39.5],[47.0,39.7],[46.8,39.5]]]}}' \
  >ru.geojson
ogr2ogr -f LIBKML ru.kmz ru.geojson 2>/dev/null || fail "ogr2ogr could not write ru.kmz"
refused() {   # refused FILE EXPECTED_STDERR
  "$bin" render "$example" --control "AZ=$1" -o "out-$1" --quiet --format svg 2>err.txt
  local st=$?
  [ "$st" -eq 1 ] || fail "$1: exit $st, expected 1"
  [ "$(cat err.txt)" = "$2" ] || fail "$1: said \"$(cat err.txt)\""
  [ ! -e "out-$1" ] || fail "$1: the output folder was made"
}
refused broken.kmz "broken.kmz: is not a vector layer GDAL can read (GeoJSON, KML, GeoPackage, a shapefile ...): ERROR parsing kml layer doc.kml from broken.kmz :mismatched tag on line 4 at offset 2"
refused torn.kmz "torn.kmz: is not a vector layer GDAL can read (GeoJSON, KML, GeoPackage, a shapefile ...): torn.kmz is not a valid kmz file"
refused ru.kmz "ru.kmz: feature 2: side \"RU\" is not one of the events file's \"sides\" (AZ, AM)"

finish control_formats
