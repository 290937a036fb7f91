# What every end-to-end script starts with, sourced (not a test itself: the
# tests are e2e/*.sh): the arguments ctest passes (CONFLICTMAP SOURCE_DIR
# WORK_DIR), a fresh work folder to run in, fail() that counts failures, and
# finish NAME, which reports them as the exit status; and laea, the km² of a
# layer's features measured by GDAL, for the control tests.
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
finish() {
  echo "$1: $failures failures"
  [ "$failures" -eq 0 ]
}
# laea FILE [WHERE]: the km² of the features of FILE (those WHERE holds for),
# on WGS 84: their area in a Lambert azimuthal equal-area projection centred
# in the Karabakh layers of the control tests, by ogr2ogr, not by conflictmap
laea() {
  rm -f laea.geojson
  ogr2ogr -f GeoJSON -nln laea -t_srs "+proj=laea +lat_0=39.7 +lon_0=47.1 +ellps=WGS84" laea.geojson "$1" \
    ${2:+-where "$2"} 2>/dev/null &&
    ogrinfo -q -dialect OGRSQL -sql "SELECT SUM(OGR_GEOM_AREA) AS a FROM laea" laea.geojson |
    sed -n 's/.*a (Real) = //p' | awk '{ printf "%.3f", $1 / 1e6 }'
}
