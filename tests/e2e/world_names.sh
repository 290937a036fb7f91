#!/bin/bash
# The world gazetteer as shipped (gazetteer/world.sqlite, made by
# gazetteer/make-world-db): an events file for Ukraine in November 2022 that
# names its places validates and renders; names shared by several places
# resolve by the file's context (--bbox too), with qualifiers, and say why
# (--explain); `place` reads qualifiers; cities by population;
# near misses are offered over the whole world; the curated rows win; the
# Karabakh example resolves without a word. Skipped (77) when the database
# was not built, except under CI=true. Usage: world_names.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
tab=$'\t'
if [ ! -f "$src/gazetteer/world.sqlite" ]; then
  if [ "${CI:-}" = true ]; then
    echo "world test: gazetteer/world.sqlite missing; run gazetteer/make-world-db" >&2
    exit 1
  fi
  echo "world test skipped: gazetteer/world.sqlite not built (gazetteer/make-world-db)"
  exit 77
fi

# run STATUS -- command...: runs it, checks the exit status.
run() {
  local want=$1; shift 2
  "$@" >stdout.txt 2>stderr.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "$* exited $got, expected $want; stderr: $(cat stderr.txt)"
}

ev() {   # ev PLACE [COUNTRY]: one event
  local country=""
  [ $# -gt 1 ] && country=", \"country\": \"$2\""
  printf '{"time": "2022-11-11T10:00:00Z", "place": "%s", "kind": "statement"%s}' "$1" "$country"
}

# Ukraine, November 2022: refused before with 'unknown place "Kyiv"'.
cat > ukraine.json <<JSON
{"title": "Kherson retaken", "events": [$(ev Kherson), $(ev Snihurivka), $(ev Bakhmut), $(ev Kyiv)]}
JSON
run 0 -- "$bin" validate ukraine.json
[ "$(cat stdout.txt)" = "ukraine.json: no problems found" ] || fail "validate: $(cat stdout.txt)"
[ -s stderr.txt ] && fail "validate said: $(cat stderr.txt)"
run 0 -- "$bin" validate --explain ukraine.json
grep -q '^ukraine.json:1:[0-9]*: "Kyiv" is Kyiv (UA) at 30.5238, 50.4547: the only place of that name$' \
  stdout.txt || fail "explain Kyiv: $(cat stdout.txt)"
grep -q '"Snihurivka" is Snihurivka (UA) at 32.8197, 47.0765' stdout.txt ||
  fail "explain Snihurivka: $(cat stdout.txt)"
run 0 -- "$bin" render ukraine.json -o out --format svg --quiet
python3 - out/manifest.json <<'PY' || fail "manifest of the Ukraine render"
import json, sys
m = json.load(open(sys.argv[1]))
places = sorted(e["place"] for e in m["events"])
assert places == ["Bakhmut", "Kherson", "Kyiv", "Snihurivka"], places
PY

# Four continents in one file: each name found, in its country, and drawn.
cat > continents.json <<JSON
{"events": [$(ev Kyiv), $(ev Gaza), $(ev Khartoum), $(ev Port-au-Prince), $(ev Omdurman)]}
JSON
run 0 -- "$bin" validate --explain continents.json
for want in '"Kyiv" is Kyiv (UA)' '"Gaza" is Gaza (PS)' '"Khartoum" is Khartoum (SD)' \
            '"Port-au-Prince" is Port-au-Prince (HT)' '"Omdurman" is Omdurman (SD)'; do
  grep -qF "$want" stdout.txt || fail "four continents: no '$want' in $(cat stdout.txt)"
done
run 0 -- "$bin" render continents.json -o out-continents --format svg --quiet
[ "$(ls out-continents/*.svg 2>/dev/null | wc -l)" -eq 1 ] || fail "four continents: $(ls out-continents)"

# Martuni: Karabakh's in a Karabakh file (Armenia's was taken before), with
# Armenia's, the larger, named; Armenia's when the event says so.
cat > karabakh.json <<JSON
{"map": {"bbox": [44.2, 38.7, 50.2, 41.3]},
 "events": [$(ev Hadrut), $(ev Stepanakert), $(ev Yerevan), $(ev Martuni)]}
JSON
run 0 -- "$bin" validate --explain karabakh.json
grep -q '"Martuni" is Martuni (AZ) at 47.1117, 39.7950: 31 km from Stepanakert' stdout.txt ||
  fail "Martuni in a Karabakh file: $(cat stdout.txt)"
grep -q 'warning: "Martuni" may be Martuni in Azerbaijan (AZ) or Martuni in Armenia (AM)' \
  stderr.txt || fail "Martuni's runner-up not named: $(cat stderr.txt)"
sed -i 's/"place": "Martuni", "kind": "statement"/&, "country": "Armenia"/' karabakh.json
run 0 -- "$bin" validate --explain karabakh.json
grep -q '"Martuni" is Martuni (AM)' stdout.txt || fail "Martuni, Armenia: $(cat stdout.txt)"

# Tripoli and Sur: Lebanon's in a Lebanon timeline; alone, Libya's, with a
# warning naming Lebanon's; qualified, the country's.
cat > lebanon.json <<JSON
{"events": [$(ev Beirut), $(ev Sidon), $(ev Baalbek), $(ev Tripoli), $(ev Sur)]}
JSON
run 0 -- "$bin" validate --explain lebanon.json
grep -q '"Tripoli" is Tripoli (LB)' stdout.txt || fail "Tripoli in Lebanon: $(cat stdout.txt)"
grep -q '"Sur" is Tyre (LB)' stdout.txt || fail "Sur in Lebanon: $(cat stdout.txt)"
[ -s stderr.txt ] && fail "the Lebanon file gave: $(cat stderr.txt)"
echo "{\"events\": [$(ev Tripoli)]}" > tripoli.json
run 0 -- "$bin" validate tripoli.json
grep -q '^tripoli.json:1:[0-9]*: warning: "Tripoli" may be Tripoli in Libya (LY) or Tripoli in Lebanon (LB); the first, the larger, is taken; write "Tripoli (LB)" or give the event a "country" to choose the other$' \
  stderr.txt || fail "Tripoli alone: $(cat stderr.txt)"
echo "{\"events\": [$(ev 'Tripoli, Lebanon'), $(ev 'Tripoli (LB)'), $(ev Tripoli Lebanon)]}" > q.json
run 0 -- "$bin" validate --explain q.json
[ "$(grep -c 'is Tripoli (LB)' stdout.txt)" -eq 3 ] || fail "qualified Tripoli: $(cat stdout.txt)"
[ -s stderr.txt ] && fail "qualified Tripoli gave: $(cat stderr.txt)"
echo "{\"events\": [$(ev 'Tripoli, Syria')]}" > syria.json
run 1 -- "$bin" validate syria.json
grep -q 'no place called "Tripoli" in Syria (SY); the gazetteer has one in LY, LB' stderr.txt ||
  fail "Tripoli, Syria: $(cat stderr.txt)"

# --bbox feeds the resolution as map.bbox does: over Lebanon, Tripoli is
# Lebanon's, without a warning (Libya's, the larger, was taken before).
run 0 -- "$bin" render tripoli.json -o out-bbox --bbox 35,33,36.7,34.7 --format svg --quiet
python3 - out-bbox/manifest.json <<'PY' || fail "Tripoli with --bbox over Lebanon"
import json, sys
e = json.load(open(sys.argv[1]))["events"][0]
assert (e["place"], round(e["lon"], 2), round(e["lat"], 2)) == ("Tripoli", 35.84, 34.43), e
PY
[ -s stderr.txt ] && fail "Tripoli with --bbox over Lebanon gave: $(cat stderr.txt)"
run 0 -- "$bin" render tripoli.json -o out-nobbox --format svg --quiet
python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))["events"][0]; assert round(e["lon"], 2) == 13.19, e' \
  out-nobbox/manifest.json || fail "Tripoli without --bbox is not Libya's"

# place reads a country in the name as an event's "place" does.
for q in 'Tripoli, Lebanon' 'Tripoli (LB)'; do
  run 0 -- "$bin" place "$q"
  [ "$(cut -f1,4,5 stdout.txt)" = "Tripoli${tab}LB${tab}city" ] || fail "place '$q': $(cat stdout.txt)"
done
run 1 -- "$bin" place 'Tripoli, Syria'

# Plain PPL rows of 100,000 people or more are cities (they were towns).
for q in Omdurman Mariupol; do
  run 0 -- "$bin" place "$q"
  [ "$(head -1 stdout.txt | cut -f5)" = city ] || fail "place $q: $(cat stdout.txt)"
done

# Did you mean, over the world; a spelling only GeoNames has finds the
# curated place, by its name and its line.
run 0 -- "$bin" place Kyib
[ "$(head -1 stdout.txt | cut -f1,4,5)" = "Kyiv${tab}UA${tab}capital" ] || fail "place Kyib: $(cat stdout.txt)"
echo "{\"events\": [$(ev Kyib)]}" > typo.json
run 1 -- "$bin" validate typo.json
grep -q 'unknown place "Kyib"; did you mean "Kyiv"' stderr.txt || fail "Kyib: $(cat stderr.txt)"
run 0 -- "$bin" place Mingacevir
head -1 stdout.txt | grep -q "^Mingachevir${tab}47.0595${tab}40.7640${tab}AZ${tab}city${tab}.*gazetteer/caucasus.tsv:[0-9]*$" ||
  fail "place Mingacevir: $(cat stdout.txt)"

# The Karabakh example: every place as before, and not a word.
run 0 -- "$bin" validate "$src/examples/karabakh-2020-10-09.json"
[ -s stderr.txt ] && fail "the example gave: $(cat stderr.txt)"

# Countries in the map's language (--lang), from CLDR through the database:
# Russian in spaced capitals as Latin is (Р О С С И Я, not the iso-codes
# "Российская Федерация"), Arabic as it is written, joined, with no letter
# spacing (روسيا).
thin=$'\u2009'
run 0 -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o lang-ru --format svg --quiet \
  --lang ru --at 2020-10-09T15:15:00Z
for name in "Р${thin}О${thin}С${thin}С${thin}И${thin}Я" "А${thin}Р${thin}М${thin}Е${thin}Н${thin}И${thin}Я"; do
  grep -q ">$name<" lang-ru/*.svg || fail "--lang ru: no country name $name"
done
grep -q ">R${thin}U${thin}S${thin}S${thin}I${thin}A<" lang-ru/*.svg && fail "--lang ru: RUSSIA in English"
# a side named after a country is that country in the map's language, in the
# legend and the callout; "Armenian forces" names none and stays as written
grep -q '>Азербайджан<' lang-ru/*.svg || fail "--lang ru: the side Azerbaijan not in Russian in the legend"
grep -q '>Азербайджан заявляет о взятии: Гадрут' lang-ru/*.svg ||
  fail "--lang ru: the callout is $(grep -o '>[^<]*заявляет[^<]*' lang-ru/*.svg)"
grep -q '>Armenian forces<' lang-ru/*.svg || fail "--lang ru: Armenian forces renamed"
run 0 -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o lang-ar --format svg --quiet \
  --lang ar --at 2020-10-09T15:15:00Z
for name in روسيا أرمينيا إيران; do
  grep -q ">$name<" lang-ar/*.svg || fail "--lang ar: no country name $name"
done
grep -q ">ر${thin}و" lang-ar/*.svg && fail "--lang ar: letters spaced apart"
# a language the world gazetteer has no country names in (fr): the layer's
# English name, as in English, not the database's "Russian Federation"
run 0 -- "$bin" render "$src/examples/karabakh-2020-10-09.json" -o lang-fr --format svg --quiet \
  --lang fr --at 2020-10-09T15:15:00Z
grep -q ">R${thin}U${thin}S${thin}S${thin}I${thin}A<" lang-fr/*.svg ||
  fail "--lang fr: no RUSSIA: $(grep -o ">R${thin}U${thin}S[^<]*" lang-fr/*.svg)"

# a curated place ten times larger than its runner-up leaves no doubt: on a
# map of the world, Paris is not "maybe Parys, South Africa"
"$bin" validate "$src/examples/karabakh-2020-10-09.json" >/dev/null 2>paris.txt
"$bin" render "$src/examples/karabakh-2020-10-09.json" -o paris --format svg --quiet \
  --bbox -180,-56,180,74 --at 2020-10-09T15:15:00Z 2>>paris.txt || fail "world-bbox render: exit $?"
grep -q 'Parys\|Moscow (US)' paris.txt && fail "a ten times smaller runner-up warned about: $(grep -m1 Parys paris.txt)"
finish world
