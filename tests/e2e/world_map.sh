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

# named places only, no --gazetteer: the world database names the map's
# surroundings (towns a reader knows, read once for the extent; none before),
# and RUSSIA, whose roomiest part of the map is around the locator inset, is
# named clear of the inset
cat >named.json <<'JSON'
{ "title": "Kherson", "events": [
  { "time": "2022-11-09T18:00:00Z", "place": "Snihurivka", "kind": "statement", "headline": "Troops enter Snihurivka" },
  { "time": "2022-11-11T10:00:00Z", "place": "Kherson", "kind": "statement", "headline": "Troops enter Kherson" },
  { "time": "2022-11-11T12:00:00Z", "place": "Bakhmut", "kind": "shelling", "headline": "Shelling at Bakhmut" },
  { "time": "2022-11-11T15:00:00Z", "place": "Kyiv", "kind": "statement", "headline": "Statement in Kyiv" } ] }
JSON
"$bin" render named.json -o named --format svg --quiet --at 2022-11-11T15:00:00Z || fail "named render: exit $?"
nsvg=$(ls named/*.svg 2>/dev/null | head -1)
if [ -n "$nsvg" ]; then
  places=$(sed -n '/<g id="labels"/,/<\/g>/p' "$nsvg")
  for town in Dnipro Kharkiv Mariupol Zaporizhzhya Mykolayiv; do
    grep -q ">$town<" <<<"$places" || fail "named Ukraine map: no context town $town"
  done
  towns=$(sed -n '/<g id="places"/,/<\/g>/p' "$nsvg" | grep -c '<circle')
  [ "$towns" -ge 15 ] && [ "$towns" -le 40 ] || fail "named Ukraine map: $towns context towns, expected 15 to 40"
  grep -q ">$(spaced RUSSIA)<" "$nsvg" || fail "named Ukraine map: no country name RUSSIA"
  # the inset's frame and the name's position: the name is not under the inset
  clip=$(sed -n '/<g id="inset"/,+1p' "$nsvg" | grep -o 'url(#[a-z0-9]*)' | head -1 | sed 's/url(#//; s/)//')
  read -r ix iy ix1 iy1 < <(grep -o "<clipPath id=\"$clip\"><path[^>]* d=\"M[0-9.]* [0-9.]*L[0-9.]* [0-9.]*L[0-9.]* [0-9.]*" "$nsvg" |
    sed 's/.* d="//; s/[ML]/ /g' | awk '{ print $1, $2, $5, $6 }')
  iw=$(awk -v a="$ix" -v b="$ix1" 'BEGIN { print b - a }'); ih=$(awk -v a="$iy" -v b="$iy1" 'BEGIN { print b - a }')
  read -r rx ry < <(grep -B1 ">$(spaced RUSSIA)<" "$nsvg" | grep -o 'x="[0-9.]*" y="[0-9.]*"' | tail -1 |
    sed 's/[^0-9. ]//g; s/  */ /g; s/^ //')
  [ -n "$ix" ] && [ -n "$rx" ] || fail "named Ukraine map: inset ($ix) or RUSSIA ($rx) not found in the SVG"
  awk -v x="$rx" -v y="$ry" -v ix="$ix" -v iy="$iy" -v iw="$iw" -v ih="$ih" \
    'BEGIN { exit !(x > ix - 40 && x < ix + iw + 40 && y > iy - 10 && y < iy + ih + 10) }' &&
    fail "named Ukraine map: RUSSIA at $rx,$ry is under the inset at $ix,$iy ${iw}x$ih"
else
  fail "named Ukraine map: no SVG written"
fi

# Crimea (Simferopol, 34.10E 44.95N) is drawn inside Ukraine's recognised
# borders in every shipped layer, Russia's polygon no longer holds it
for layer in countries world; do
  who=$(ogrinfo -q -ro "$src/shapes/$layer.shp" -dialect SQLite \
        -sql "SELECT iso_a2 FROM $layer WHERE ST_Contains(geometry, MakePoint(34.10, 44.95))" |
        sed -n 's/.*iso_a2 (String) = //p' | tr '\n' ' ')
  [ "$who" = "UA " ] || fail "$layer.shp: Simferopol is in '$who', expected UA alone"
done
who=$(ogrinfo -q -ro "$src/shapes/regions.shp" -sql "SELECT country FROM regions WHERE name IN ('Crimea', 'Sevastopol')" |
      sed -n 's/.*country (String) = //p' | tr '\n' ' ')
[ "$who" = "UA UA " ] || fail "regions.shp: Crimea and Sevastopol are in '$who', expected UA UA"

# a slice of the whole world: every country read, no region names at that scale
"$bin" render ukraine.json -o world --format svg --quiet --bbox -180,-56,180,74 \
  || fail "world render: exit $?"
wsvg=$(ls world/*.svg 2>/dev/null | head -1)
for name in BRAZIL CHINA CANADA AUSTRALIA; do
  grep -q ">$(spaced $name)<" "$wsvg" || fail "world map: no country name $name"
done
grep -q ">$(spaced KHERSON)<" "$wsvg" && fail "world map: region names on a map of the world"
sed -n '/<g id="regions"/,/<\/g>/p' "$wsvg" | grep -q '<path' && fail "world map: region borders on a map of the world"
# nor the Karabakh lines (and their legend entries), nor the shipped lakes
grep -q 'ceasefire\|Nagorno-Karabakh oblast' "$wsvg" && fail "world map: the Karabakh lines or their legend entries on a map of the world"
# and the alt text does not call a map of Ukraine's events a map of Karabakh
grep -q '<title id="title">Map of Nagorno' "$wsvg" && fail "world map: the alt text names Nagorno-Karabakh"
grep -q 'Lake Sevan\|Caspian' "$wsvg" && fail "world map: lakes named on a map of the world"
# the coarse world layer is not drawn under the countries that cover the map
sed -n '/<g id="world"/,/<\/g>/p' "$wsvg" | grep -q '<path' && fail "world map: the world layer drawn under the countries"
finish world
