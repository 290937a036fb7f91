#!/bin/bash
# Events given only by lon/lat are named after where they are, with the world
# gazetteer as shipped: "Kherson" within 3 km, "12 km SE of Kherson" within
# 50 km, "40.00°N 30.00°W" in mid-ocean; the same words in the map's labels
# (SVG text), the markers' <title>, the alt text, the HTML page and the
# manifest, which keeps the coordinates as given; --lang names the place in
# its language. Skipped (77) when the database was not built, except under
# CI=true. Usage: world_near.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
if [ ! -f "$src/gazetteer/world.sqlite" ]; then
  if [ "${CI:-}" = true ]; then
    echo "world test: gazetteer/world.sqlite missing; run gazetteer/make-world-db" >&2
    exit 1
  fi
  echo "world test skipped: gazetteer/world.sqlite not built (gazetteer/make-world-db)"
  exit 77
fi

cat > kherson.json <<'JSON'
{"title": "Kherson",
 "events": [
  {"id": "se", "time": "2022-11-01T10:00:00Z", "lon": 32.7257, "lat": 46.5606,
   "kind": "shelling", "headline": "Shells hit a farm"},
  {"id": "port", "time": "2022-11-01T11:00:00Z", "lon": 32.62, "lat": 46.64,
   "kind": "strike", "headline": "Strike on the port"},
  {"id": "sea", "time": "2022-11-01T12:00:00Z", "lon": -30, "lat": 40,
   "kind": "clash", "headline": "Clash at sea"},
  {"id": "named", "time": "2022-11-01T12:00:00Z", "place": "Chornobaivka", "lon": 32.55,
   "lat": 46.70, "kind": "strike", "headline": "Airfield hit"}
 ]}
JSON
"$bin" render kherson.json -o out --format svg,html --bbox 31.5,46,34,47.3 --size 800x600 \
  --quiet 2>stderr.txt || fail "render: $(cat stderr.txt)"
[ -s stderr.txt ] && fail "render said: $(cat stderr.txt)"

python3 - <<'PY' || fail "the words for lon/lat events"
import json, re, sys, xml.etree.ElementTree as ET
failures = 0
def check(what, got, want):
    global failures
    if got != want:
        print("FAIL: %s is %r, expected %r" % (what, got, want)); failures += 1

m = json.load(open("out/manifest.json"))
ev = {e["id"]: e for e in m["events"]}
check("se where", ev["se"]["where"], "12 km SE of Kherson")
check("se point", (ev["se"]["lon"], ev["se"]["lat"]), (32.7257, 46.5606))
check("se place", ev["se"]["place"], "")
check("se near", ev["se"]["near"], {"place": "Kherson", "country": "UA", "lon": 32.61458,
                                    "lat": 46.63695, "km": 12.0, "direction": "SE"})
check("port where", ev["port"]["where"], "Kherson")
check("port near", ev["port"]["near"]["km"], 0.5)
check("port direction", "direction" in ev["port"]["near"], False)
check("sea where", ev["sea"]["where"], "40.00\u00b0N 30.00\u00b0W")
check("sea point", (ev["sea"]["lon"], ev["sea"]["lat"]), (-30, 40))
check("sea near", "near" in ev["sea"], False)
check("named where", ev["named"]["where"], "Chornobaivka")   # its name, as given
check("named near", "near" in ev["named"], False)

alts = [s["alt"] for s in m["slices"]]
check("alt 10:00", alts[0], "Map: Kherson, 1 November 2022, 10:00 GMT. New: Shelling "
      "reported 12 km SE of Kherson.")
check("alt 11:00", alts[1], "Map: Kherson, 1 November 2022, 11:00 GMT. New: Strikes "
      "reported in Kherson. Also shown: one earlier report.")
check("alt 12:00", alts[2].split(" New: ")[1].split(". ")[0], "Clashes reported at "
      "40.00\u00b0N 30.00\u00b0W")

ns = "{http://www.w3.org/2000/svg}"
root = ET.parse("out/kherson-20221101T1200Z.svg").getroot()
texts = ["".join(t.itertext()) for t in root.iter(ns + "text")]
for want in ("12 km SE of Kherson", "Kherson", "Chornobaivka"):
    check("label %r" % want, want in texts, True)
check("off-map label", [t for t in texts if t.startswith("40.00\u00b0N 30.00\u00b0W\u200e ")
                        and t.endswith(" km")] != [], True)
check("old label", [t for t in texts if re.match(r"^-?\d+\.\d\d\u00b0, ", t)], [])
titles = {g.get("data-id"): g.find(ns + "title").text for g in root.iter(ns + "g")
          if g.get("class") == "event"}
check("titles", titles, {"se": "Shells hit a farm \u00b7 12 km SE of Kherson",
                         "port": "Strike on the port \u00b7 Kherson",
                         "sea": "Clash at sea \u00b7 40.00\u00b0N 30.00\u00b0W",
                         "named": "Airfield hit \u00b7 Chornobaivka"})
check("svg desc", root.find(ns + "desc").text, alts[2])

page = open("out/index.html", encoding="utf-8").read()
for want in ("12 km SE of Kherson", "40.00\u00b0N 30.00\u00b0W"):
    check("page has %r" % want, '"place":"%s"' % want in page, True)
sys.exit(1 if failures else 0)
PY

# --lang: a curated place's name in the language asked, the words around it
# in that language as a desk writes them; the manifest keeps the primary name.
cat > karabakh.json <<'JSON'
{"events": [{"id": "e", "time": "2020-10-09T08:00:00Z", "lon": 46.8705, "lat": 39.8177,
             "kind": "shelling", "headline": "Shelling"}]}
JSON
"$bin" render karabakh.json -o out-ru --format svg --lang ru --quiet 2>stderr.txt ||
  fail "render --lang ru: $(cat stderr.txt)"
python3 - <<'PY' || fail "--lang ru"
import glob, json, xml.etree.ElementTree as ET
m = json.load(open("out-ru/manifest.json"))
assert m["events"][0]["where"] == "10 km E of Stepanakert", m["events"][0]
stepanakert = "\u0421\u0442\u0435\u043f\u0430\u043d\u0430\u043a\u0435\u0440\u0442"
# the words around it in Russian too (po/ru.po): "10 km E of" is "10 км к В от н. п."
near = "10 \u043a\u043c \u043a \u0412 \u043e\u0442 \u043d.\u00a0\u043f. " + stepanakert
assert m["slices"][0]["alt"].endswith(near + "."), m["slices"][0]["alt"]
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(glob.glob("out-ru/*.svg")[0]).getroot()
texts = ["".join(t.itertext()) for t in root.iter(ns + "text")]
assert near in texts, texts
PY

# a control change given by lon/lat away from any place: "took positions 14 km
# SE of Kherson", not "took 14 km SE of Kherson"
cat >took.json <<'JSON'
{ "title": "Took", "sides": { "RU": { "name": "Russia" }, "UA": { "name": "Ukraine" } }, "events": [
  { "time": "2022-11-11T10:00:00Z", "lon": 32.75, "lat": 46.55, "kind": "control",
    "control": { "from": "UA", "to": "RU" }, "headline": "x" } ] }
JSON
"$bin" render took.json -o took --format svg --quiet || fail "took.json: exit $?"
grep -q 'Russia says it took positions 14 km SE of Kherson' took/manifest.json ||
  fail "took.json: alt text is $(grep -o '"alt": "[^"]*"' took/manifest.json)"
grep -q '>Russia says it took positions 14 km SE of Kherson' took/*.svg ||
  fail "took.json: the label does not say 'took positions 14 km SE of Kherson'"
finish world_near
