#!/usr/bin/env bash
# Maps on four continents from events named by place alone, with the shipped
# data and no flag: Europe (examples/kherson-2022-11-11.json), Africa
# (examples/sudan-2023-04-15.json), Asia (Gaza and Lebanon) and the Americas
# (Haiti). Each SVG must label every event on the map with its place's name,
# name the host country, name 15 to 40 context towns (a density that reads on
# 1600x1200, never a carpet) and carry the credit line; the events' own towns
# are named before their events.
source "$(dirname "$0")/common.bash"
thin=$'\u2009'
spaced() { sed "s/./&$thin/g; s/$thin\$//" <<<"$1"; }   # SUDAN -> S U D A N

cat >levant.json <<'JSON'
{ "title": "Strikes in Gaza and southern Lebanon",
  "events": [
  { "time": "2024-10-01T06:00:00Z", "place": "Gaza City", "kind": "strike", "headline": "Strike in Gaza City" },
  { "time": "2024-10-01T07:00:00Z", "place": "Khan Younis", "kind": "strike", "headline": "Strike in Khan Younis" },
  { "time": "2024-10-01T08:00:00Z", "place": "Rafah", "kind": "shelling", "headline": "Shelling in Rafah" },
  { "time": "2024-10-01T09:00:00Z", "place": "Tyre", "kind": "strike", "headline": "Strike near Tyre" },
  { "time": "2024-10-01T10:00:00Z", "place": "Beirut", "kind": "strike", "headline": "Strike in Beirut" } ] }
JSON
cat >haiti.json <<'JSON'
{ "title": "Gang violence in Haiti",
  "events": [
  { "time": "2024-03-03T06:00:00Z", "place": "Port-au-Prince", "kind": "clash", "headline": "Gangs attack the national penitentiary" },
  { "time": "2024-03-03T09:00:00Z", "place": "Cap-Haïtien", "kind": "protest", "headline": "Protest in Cap-Haïtien" },
  { "time": "2024-03-03T12:00:00Z", "place": "Gonaïves", "kind": "statement", "headline": "Police statement in Gonaïves" } ] }
JSON

# check NAME EVENTS AT COUNTRY LABEL...: renders the slice AT of EVENTS and
# checks its SVG; each LABEL is the gazetteer's name of an event's place, as
# the map writes it (Khan Younis is Khān Yūnis there)
check() {
  local name=$1 events=$2 at=$3 country=$4
  shift 4
  "$bin" render "$events" -o "$name" --format svg --quiet --at "$at" || { fail "$name: render exit $?"; return; }
  local svg
  svg=$(ls "$name"/*.svg 2>/dev/null | head -1)
  [ -n "$svg" ] || { fail "$name: no SVG written"; return; }
  local labels towns
  labels=$(sed -n '/<g id="labels"/,/<\/g>/p' "$svg")
  for place in "$@"; do
    grep -q "data-id=\"[^\"]*\"><tspan[^>]*>[^<]*$place[^<]*<" <<<"$labels" ||
      fail "$name: no event label naming $place"
  done
  grep -q ">$(spaced "$country")<" <<<"$labels" || fail "$name: no country name $country"
  towns=$(sed -n '/<g id="places"/,/<\/g>/p' "$svg" | grep -c '<circle\|<path')
  [ "$towns" -ge 15 ] && [ "$towns" -le 40 ] || fail "$name: $towns context towns, expected 15 to 40"
  grep -q '>Map: conflictmap · Boundaries: Natural Earth · Places: GeoNames\( · © OpenStreetMap contributors\)\?<' "$svg" ||
    fail "$name: no credit line"
}

check europe "$src/examples/kherson-2022-11-11.json" 2022-11-11T11:14:00Z UKRAINE \
  Kherson Snihurivka Antonivka Bilozerka
# the events' own towns are named before their events: Mykolaiv (a strike at
# 11:46) and Nova Kakhovka (held by Russia, its square named) at 11:14
for town in Mykolayiv "Nova Kakhovka"; do
  sed -n '/<g id="labels"/,/<\/g>/p' europe/*.svg | grep -q ">$town<" ||
    fail "europe: $town, an event's town, not named before its event"
done
check africa "$src/examples/sudan-2023-04-15.json" 2023-04-17T19:00:00Z SUDAN \
  Khartoum Omdurman Merowe "El Obeid" "El Fasher" Nyala
check asia levant.json 2024-10-01T10:00:00Z LEBANON \
  Gaza "Khān Yūnis" "Rafaḩ" Tyre Beirut
check americas haiti.json 2024-03-03T12:00:00Z HAITI \
  Port-au-Prince Cap-Haïtien Gonaïves
finish world_continents
