#!/bin/bash
# Every event linkable (issue 18 item 4): in the SVG, each marker's group
# carries data-ids, the ids of every event it stands for (its own first; an
# edge arrow stands for all the events off the map that way), and together
# they are the slice's events as manifest.json lists them. (The page's spots
# and the #id= permalink are checked in Chromium: tests/browser.)
# Usage: links.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v python3 >/dev/null || exit 77
"$bin" render "$src/examples/karabakh-2020-10-09.json" -o out --quiet --format svg \
  --at 2020-10-09T15:15:00Z || { echo "FAIL: render"; exit 1; }
python3 - <<'PY'
import json, sys, xml.etree.ElementTree as ET
failures = 0
def fail(msg):
    global failures
    print("FAIL: " + msg); failures += 1
m = json.load(open("out/manifest.json"))
sl = m["slices"][0]
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse("out/" + sl["files"]["svg"]).getroot()
groups = [g for g in root.iter(ns + "g") if g.get("class") == "event"]
seen = []
for g in groups:
    ids = (g.get("data-ids") or "").split()
    if not ids or ids[0] != g.get("data-id"):
        fail("group %s: data-ids %r does not start with its own id" % (g.get("data-id"), ids))
    seen += ids
if sorted(set(seen)) != sorted(sl["events"]):
    fail("data-ids name %d events, the slice has %d: %r" % (len(set(seen)), len(sl["events"]),
         sorted(set(seen) ^ set(sl["events"]))))
moscow = [g.get("data-ids").split() for g in groups if g.get("data-id") == "moscow-talks-begin"]
want = {"moscow-talks-begin", "kremlin-invites-ministers", "ministers-confirm-moscow"}
if len(moscow) != 1 or set(moscow[0]) != want:
    fail("the Moscow arrow's data-ids are %r, expected the three Moscow events" % moscow)
sys.exit(1 if failures else 0)
PY
rc=$?
[ "$rc" -eq 0 ] && echo "links: all checks passed"
exit $rc
