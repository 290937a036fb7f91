#!/usr/bin/env bash
# The whole world by default: a map of Ukraine from events given by lon/lat
# names its countries and oblasts from the shipped layers, and from a GeoNames
# dump of 600 towns it names a readable few (15 to 40 on 1600x1200, not all);
# a slice of the whole world renders and names countries on every continent.
source "$(dirname "$0")/common.bash"
thin=$'\u2009'
spaced() { sed "s/./&$thin/g; s/$thin\$//" <<<"$1"; }   # UKRAINE -> U K R A I N E

# 600 towns on a grid over Ukraine and around it, populations 1,000 to 600,000
awk 'BEGIN { OFS = "\t"; id = 9000000
  for (i = 0; i < 30; i++) for (j = 0; j < 20; j++) {
    lon = 22 + i * 0.6; lat = 44.5 + j * 0.4; pop = 1000 + ((i * 37 + j * 91) % 600) * 1000
    print id++, "Town" i "x" j, "Town" i "x" j, "", lat, lon, "P", "PPL", "UA", "", "", "", "", "", pop, "", "", "Europe/Kyiv", "2020-01-01"
  } }' >towns.txt
cat >ukraine.json <<'JSON'
{ "title": "Kherson", "events": [
  { "time": "2022-11-11T10:00:00Z", "lon": 32.6169, "lat": 46.6354, "kind": "statement", "headline": "Troops enter Kherson" },
  { "time": "2022-11-11T14:00:00Z", "lon": 38.0, "lat": 48.595, "kind": "shelling", "headline": "Shelling at Bakhmut" },
  { "time": "2022-11-11T16:00:00Z", "lon": 30.5234, "lat": 50.4501, "kind": "statement", "headline": "Statement in Kyiv" } ] }
JSON
"$bin" render ukraine.json -o out --format svg --quiet --gazetteer towns.txt || fail "Ukraine render: exit $?"
svg=$(ls out/*.svg 2>/dev/null | head -1)
if [ -n "$svg" ]; then
  towns=$(sed -n '/<g id="places"/,/<\/g>/p' "$svg" | grep -c '<circle')
  [ "$towns" -ge 15 ] && [ "$towns" -le 40 ] || fail "Ukraine map: $towns context towns, expected 15 to 40"
  for name in UKRAINE RUSSIA; do
    grep -q ">$(spaced $name)<" "$svg" || fail "Ukraine map: no country name $name"
  done
  for name in KHERSON KHARKIV; do
    grep -q ">$(spaced $name)<" "$svg" || fail "Ukraine map: no region name $name"
  done
else
  fail "Ukraine map: no SVG written"
fi

# the same slice twice names the same towns (chosen once a run, not by chance)
"$bin" render ukraine.json -o again --format svg --quiet --gazetteer towns.txt
cmp -s "$svg" "again/$(basename "$svg")" || fail "the same input gave another SVG"

# a slice of the whole world: every country read, no region names at that scale
"$bin" render ukraine.json -o world --format svg --quiet --bbox -180,-56,180,74 \
  || fail "world render: exit $?"
wsvg=$(ls world/*.svg 2>/dev/null | head -1)
for name in BRAZIL CHINA CANADA AUSTRALIA; do
  grep -q ">$(spaced $name)<" "$wsvg" || fail "world map: no country name $name"
done
grep -q ">$(spaced KHERSON)<" "$wsvg" && fail "world map: region names on a map of the world"
sed -n '/<g id="regions"/,/<\/g>/p' "$wsvg" | grep -q '<path' && fail "world map: region borders on a map of the world"
finish world
