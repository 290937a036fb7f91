#!/usr/bin/env bash
# The fine coast and the waters (shapes/make-coasts): a map of Gaza draws the
# land, the sea and the coastline from OpenStreetMap's land and credits it;
# the Karabakh example, 500 km across, keeps Natural Earth's coast but draws
# the lakes and reservoirs (Sevan, Mingachevir) and credits them; a map of
# the world reads neither and credits no OpenStreetMap.
source "$(dirname "$0")/common.bash"
osm='© OpenStreetMap contributors'
group() { grep -c "<g id=\"$2\"" "$1"; }

cat >gaza.json <<'JSON'
{ "title": "Gaza", "events": [
  { "time": "2023-11-01T10:00:00Z", "lon": 34.4667, "lat": 31.5, "kind": "shelling", "headline": "Strikes in Gaza City" } ] }
JSON
"$bin" render gaza.json -o gaza --format svg --quiet --bbox 34.2,31.2,34.6,31.6 || fail "Gaza render: exit $?"
svg=$(ls gaza/*.svg 2>/dev/null | head -1)
if [ -n "$svg" ]; then
  for g in land sea coast countries; do
    [ "$(group "$svg" $g)" = 1 ] || fail "Gaza map: no group $g"
  done
  [ "$(group "$svg" water)" = 0 ] || fail "Gaza map: the 1 km water drawn over the 10 m land"
  grep -q "Places: GeoNames · $osm<" "$svg" || fail "Gaza map: no OpenStreetMap credit"
else
  fail "Gaza map: no SVG written"
fi

"$bin" render "$src/examples/karabakh-2020-10-09.json" -o kb --format svg --quiet \
  --at 2020-10-09T13:35:00Z || fail "Karabakh render: exit $?"
svg=$(ls kb/*.svg 2>/dev/null | head -1)
if [ -n "$svg" ]; then
  for g in land sea coast; do
    [ "$(group "$svg" $g)" = 0 ] || fail "Karabakh map: group $g at 300 m a pixel"
  done
  [ "$(group "$svg" water)" = 1 ] || fail "Karabakh map: no water (Sevan, Mingachevir)"
  grep -q "$osm<" "$svg" || fail "Karabakh map: waters drawn without their credit"
else
  fail "Karabakh map: no SVG written"
fi

"$bin" render gaza.json -o world --format svg --quiet --bbox -180,-56,180,74 || fail "world render: exit $?"
svg=$(ls world/*.svg 2>/dev/null | head -1)
for g in land sea coast water; do
  [ "$(group "$svg" $g)" = 0 ] || fail "world map: group $g"
done
grep -q "OpenStreetMap" "$svg" && fail "world map: credits OpenStreetMap, whose data it does not draw"
finish coast
