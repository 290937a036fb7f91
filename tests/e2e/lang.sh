#!/bin/bash
# The map's language: the events file's "lang" writes the map in it, --lang
# wins over it, and a language there is no catalogue of is refused where it
# is written (FILE:LINE:COL, exit 1; --lang: a usage error, exit 2).
# Usage: lang.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"

events() {   # events LANG: one shelling in Hadrut, the file in LANG
  cat > events.json <<JSON
{ "title": "T", "lang": "$1",
  "events": [ { "time": "2020-10-09T08:00:00Z", "place": "Hadrut", "kind": "shelling",
                "headline": "x" } ] }
JSON
}

events fr
"$bin" render events.json -o fr --format svg --quiet 2>err.txt || fail "lang fr: exit $?: $(cat err.txt)"
grep -q '>Nouveau à 08:00<' fr/*.svg || fail "\"lang\": \"fr\": no 'Nouveau à 08:00' in the SVG"
grep -q '9 octobre 2020, 08:00 GMT' fr/*.svg || fail "\"lang\": \"fr\": the date is not French"
grep -q 'New at' fr/*.svg && fail "\"lang\": \"fr\": 'New at' left in English"

"$bin" render events.json -o es --format svg --quiet --lang es 2>err.txt ||
  fail "--lang es: exit $?: $(cat err.txt)"
grep -q '>Nuevo a las 08:00<' es/*.svg || fail "--lang es over \"lang\": \"fr\": no 'Nuevo a las 08:00'"
grep -q '9 de octubre de 2020, 08:00 GMT' es/*.svg || fail "--lang es: the date is not Spanish"

events de
"$bin" render events.json -o de --format svg --quiet 2>err.txt
rc=$?
[ "$rc" -eq 1 ] || fail "\"lang\": \"de\": exit $rc, expected 1"
grep -q '^events.json:1:25: there is no language "de" for the map; "lang" should be en, ar, az, es, fr, hy, ru or uk$' err.txt ||
  fail "\"lang\": \"de\": $(cat err.txt)"
[ -e de ] && fail "\"lang\": \"de\": wrote an output folder"

"$bin" render events.json -o de2 --format svg --quiet --lang de 2>err.txt
rc=$?
[ "$rc" -eq 2 ] || fail "--lang de: exit $rc, expected 2"
finish lang
