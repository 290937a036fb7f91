#!/bin/bash
# Layers in the formats GDAL/OGR reads (issue 16): the shipped lines and the
# regions around Karabakh as GeoJSON, GeoPackage, KML, KMZ and FlatGeobuf,
# made here with ogr2ogr from the shapefiles, draw the very SVG the shapefiles
# draw; a bare GeoJSON geometry and features without properties are layers;
# a broken KML or KMZ is refused with FILE: message, exit 1, nothing written.
# Usage: ogr.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
command -v ogr2ogr >/dev/null || { echo "ogr2ogr (gdal-bin) missing"; exit 77; }
command -v zip >/dev/null || { echo "zip missing"; exit 77; }

events=$src/examples/karabakh-2020-10-09.json
slice=karabakh-2020-10-09-20201009T1515Z.svg

# render OUT ROLE=LAYER...: one slice as SVG, exit 0 expected.
render() {
  local out=$1; shift
  local args=()
  for l in "$@"; do args+=(--shapes "$l"); done
  "$bin" render "$events" -o "$out" --quiet --format svg --at 2020-10-09T15:15:00Z \
    "${args[@]}" 2>"$out.err"
  local st=$?
  [ "$st" -eq 0 ] || fail "render ${args[*]}: exit $st: $(cat "$out.err")"
}

# The lines as they are, the regions cut to the map's box: a small polygon layer.
ogr2ogr -f "ESRI Shapefile" -spat 45.5 38.8 48 40.8 -clipsrc spat_extent \
  regions.shp "$src/shapes/regions.shp" 2>/dev/null || fail "ogr2ogr regions.shp"
cp "$src"/shapes/lines.* .
render shp lines=lines.shp regions=regions.shp
render none
cmp -s "shp/$slice" "none/$slice" && fail "the layers change nothing in the SVG: a useless test"
paths=$(grep -o '<path' "shp/$slice" | wc -l)

# FlatGeobuf without its spatial index, which would put the features in
# another order (and so the SVG's paths).
for fmt in "GeoJSON geojson" "GPKG gpkg" "KML kml" "FlatGeobuf fgb -lco SPATIAL_INDEX=NO"; do
  set -- $fmt
  f=$1 ext=$2; shift 2
  for l in lines regions; do
    ogr2ogr -f "$f" -nlt PROMOTE_TO_MULTI "$@" "$l.$ext" "$l.shp" 2>/dev/null ||
      fail "ogr2ogr $l.$ext"
  done
done
# A KMZ: a zip of a KML (doc.kml), as GDAL's LIBKML driver and Google Earth
# write them. (A KML of the KML driver zipped by hand loses its fields in
# LIBKML: their <SchemaData schemaUrl="#lines"> is not found inside a KMZ.)
for l in lines regions; do
  ogr2ogr -f LIBKML "$l.kmz" "$l.shp" 2>/dev/null || fail "ogr2ogr $l.kmz"
done
unzip -l lines.kmz | grep -q ' doc.kml$' || fail "lines.kmz has no doc.kml"

for ext in geojson gpkg kml kmz fgb; do
  render "$ext" "lines=lines.$ext" "regions=regions.$ext"
  n=$(grep -o '<path' "$ext/$slice" 2>/dev/null | wc -l)
  [ "$n" -eq "$paths" ] || fail "$ext: $n paths, the shapefiles draw $paths"
  cmp -s "shp/$slice" "$ext/$slice" || fail "$ext: the SVG differs from the shapefiles'"
done

# A projected GeoPackage (Web Mercator) draws what the same projected shapefile
# draws: the CRS comes from the file, through PROJ.
ogr2ogr -f GPKG -t_srs EPSG:3857 -nlt PROMOTE_TO_MULTI lines3857.gpkg lines.shp 2>/dev/null
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:3857 lines3857.shp lines.shp 2>/dev/null
render p-gpkg lines=lines3857.gpkg
render p-shp lines=lines3857.shp
cmp -s "p-gpkg/$slice" "p-shp/$slice" || fail "EPSG:3857: the GeoPackage draws otherwise"

# GML without its .xsd: read, and nothing written beside it (GDAL's GML
# driver would leave a lines.gfs).
mkdir -p gml && ogr2ogr -f GML gml/lines.gml lines.shp 2>/dev/null && rm -f gml/lines.xsd
render gml-out lines=gml/lines.gml
[ "$(ls gml)" = lines.gml ] || fail "reading a GML wrote beside it: $(ls gml)"
cmp -s "gml-out/$slice" "none/$slice" && fail "GML: nothing drawn"

# A bare geometry and a feature without properties: each a layer of one line
# (they failed with "layer.dbf: it has 0 records for the 1 shapes").
echo '{"type": "LineString", "coordinates": [[46.5, 39.6], [46.9, 39.9]]}' >bare.geojson
echo '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry":
 {"type": "LineString", "coordinates": [[46.5, 39.6], [46.9, 39.9]]}}]}' >noprops.geojson
render bare front=bare.geojson
render noprops front=noprops.geojson
cmp -s "bare/$slice" "none/$slice" && fail "bare geometry: nothing drawn"
cmp -s "bare/$slice" "noprops/$slice" || fail "bare geometry and feature draw otherwise"

# Broken KML and KMZ: FILE: message, exit 1, no output folder.
# refused FILE EXPECTED_STDERR
refused() {
  "$bin" render "$events" -o "out-$1" --quiet --format svg --shapes "front=$1" 2>err.txt
  local st=$?
  [ "$st" -eq 1 ] || fail "$1: exit $st, expected 1"
  [ "$(cat err.txt)" = "$2" ] || fail "$1: stderr $(cat err.txt)"
  [ ! -e "out-$1" ] || fail "$1: the output folder was made"
}
printf '<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>\n<Placemark><LineString><coordinates>46.5,39.6 46.9,39.9</coordinates></LineString>\n</Document></kml>\n' >broken.kml
mkdir -p bk && cp broken.kml bk/doc.kml && (cd bk && zip -q ../broken.kmz doc.kml)
echo "PK but not a zip" >torn.kmz
refused broken.kml "broken.kml: GDAL cannot read it as a vector layer: ERROR parsing kml broken.kml :mismatched tag on line 4 at offset 2"
refused broken.kmz "broken.kmz: GDAL cannot read it as a vector layer: ERROR parsing kml layer doc.kml from broken.kmz :mismatched tag on line 4 at offset 2"
refused torn.kmz "torn.kmz: GDAL cannot read it as a vector layer: torn.kmz is not a valid kmz file"

# A folder given to --shapes takes the GeoPackage and KMZ in it.
mkdir -p folder && cp lines.gpkg regions.kmz folder/
render folder folder
cmp -s "shp/$slice" "folder/$slice" || fail "a folder of .gpkg and .kmz draws otherwise"

finish ogr
