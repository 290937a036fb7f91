#!/bin/bash
# Alt text written from the slice's content (src/layout/alt.c, layout_write_alt): the exact
# text of two slices of the example in manifest.json, and the 15:15 one in the
# SVG's <title> and <desc>. Usage: alt_text.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v python3 >/dev/null || exit 77
"$bin" render "$src/examples/karabakh-2020-10-09.json" -o out --quiet --format svg ||
  { echo "FAIL: render"; exit 1; }
python3 - <<'PY'
import json, sys, xml.etree.ElementTree as ET
want = {
  "2020-10-09T08:00:00Z": "Map of Nagorno-Karabakh, 9 October 2020, 08:00 GMT. New: Shelling "
      "reported near Goranboy. Also shown: three earlier reports.",
  "2020-10-09T15:15:00Z": "Map of Nagorno-Karabakh, 9 October 2020, 15:15 GMT. New: Azerbaijan "
      "says it took Hadrut and eight villages. Aliyev says Fuzuli province surrounded. "
      "Also shown: 16 earlier reports.",
}
failures = 0
m = json.load(open("out/manifest.json"))
checked = [s for s in m["slices"] if s["time"] in want]
if len(checked) != 2:
    print("FAIL: slices %r" % [s["time"] for s in m["slices"]]); failures += 1
for s in checked:
    if s["alt"] != want[s["time"]]:
        print("FAIL: %s: alt is\n  %r\nexpected\n  %r" % (s["time"], s["alt"], want[s["time"]]))
        failures += 1
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse("out/karabakh-2020-10-09-20201009T1515Z.svg").getroot()
if root.find(ns + "desc").text != want["2020-10-09T15:15:00Z"]:
    print("FAIL: SVG desc is %r" % root.find(ns + "desc").text); failures += 1
if root.find(ns + "title").text != "Map of Nagorno-Karabakh, 9 October 2020, 15:15 GMT.":
    print("FAIL: SVG title is %r" % root.find(ns + "title").text); failures += 1
import glob
svgs = sorted(glob.glob("out/*.svg"))
for f in svgs:
    ET.parse(f)   # raises on anything not well-formed
if len(svgs) != len(m["slices"]):
    print("FAIL: %d SVGs for %d slices" % (len(svgs), len(m["slices"]))); failures += 1
print("alt text: %d slices checked; %d SVGs well-formed" % (len(checked), len(svgs)))
sys.exit(1 if failures else 0)
PY
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"

# Many new events at once: the alt text says 30 sentences and counts the
# rest (a reader of 20,000 sentences hears none of them).
python3 - <<'PY' > many.json
import json
events = [{"id": "s%d" % i, "time": "2020-10-09T12:00:00Z", "lon": 46 + i * 0.02, "lat": 40,
           "kind": "statement", "headline": "Statement %d" % i} for i in range(33)]
print(json.dumps({"title": "Many", "map": {"bbox": [45.5, 39.5, 47.5, 40.5]}, "events": events}))
PY
"$bin" render many.json -o many-out --quiet --format svg || { echo "FAIL: render many"; exit 1; }
python3 - <<'PY'
import json, sys
alt = json.load(open("many-out/manifest.json"))["slices"][0]["alt"]
said = [i for i in range(33) if ("Statement %d." % i) in alt]
ok = said == list(range(30)) and alt.endswith(" And three more new reports.")
if not ok:
    print("FAIL: the alt text of 33 new statements says %r and ends %r" % (said, alt[-60:]))
sys.exit(0 if ok else 1)
PY
