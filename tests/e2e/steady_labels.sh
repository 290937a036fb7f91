#!/bin/bash
# Labels that do not move (issue 17, item 3): the examples rendered at two sizes,
# every map label text on two consecutive slices keeps its anchor, the first
# <tspan>'s x and y (y the baseline; x the start, or the end or middle where the
# <text> says text-anchor), within 1 px: a town's name when its first event
# comes (it was 15 px off: "Mingachevir" 14:14 -> 15:09), a name set bold while
# new and regular afterwards (the villages 15:15 -> 15:49). A label may still
# move when a newer, more important label takes its spot: such moves must be
# listed in `allowed` with why; there are none today.
# Usage: steady_labels.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v python3 >/dev/null || exit 77
fail=0
for example in karabakh-2020-10-09 kherson-2022-11-11 sudan-2023-04-15; do
for size in 1600x1200 600x600; do
  "$bin" render "$src/examples/$example.json" --size $size -o $example-$size --quiet --format svg ||
    { echo "FAIL: render $example $size"; exit 1; }
  SIZE=$example-$size python3 - <<'PY' || fail=1
import json, os, sys, xml.etree.ElementTree as ET
out = os.environ["SIZE"]
ns = "{http://www.w3.org/2000/svg}"
# (example-size, slice time, text): why the label may move from the slice before. Kept short.
allowed = {
}
print("allowed moves at %s: %s" % (out, "; ".join("%s %r: %s" % (k[1], k[2], v)
      for k, v in allowed.items() if k[0] == out) or "none"))
m = json.load(open(out + "/manifest.json"))
def anchors(path):
    """Each map label's text -> (x, y) of its first line, from g#labels."""
    out = {}
    root = ET.parse(path).getroot()
    for g in root.iter(ns + "g"):
        if g.get("id") != "labels":
            continue
        for t in g.iter(ns + "text"):
            spans = t.findall(ns + "tspan")
            text = "\n".join(s.text or "" for s in spans)
            out.setdefault(text, []).append((float(spans[0].get("x")), float(spans[0].get("y"))))
    return out
slices = [(s["time"], anchors(out + "/" + s["files"]["svg"]))
          for s in m["slices"]]
failures = moved = pairs = 0
for (t0, a), (t1, b) in zip(slices, slices[1:]):
    for text in sorted(set(a) & set(b)):
        pairs += 1
        if len(a[text]) != 1 or len(b[text]) != 1:
            print("FAIL: %s %s: %r set %d times before, %d times after" % (out, t1, text, len(a[text]), len(b[text])))
            failures += 1
            continue
        (x0, y0), (x1, y1) = a[text][0], b[text][0]
        if abs(x1 - x0) <= 1 and abs(y1 - y0) <= 1:
            continue
        moved += 1
        why = allowed.get((out, t1[11:16], text))
        if why:
            print("allowed: %s -> %s: %r moves (%+.2f, %+.2f): %s" % (t0[11:16], t1[11:16], text, x1 - x0, y1 - y0, why))
        else:
            print("FAIL: %s %s -> %s: %r moves (%+.2f, %+.2f) px: (%.2f, %.2f) -> (%.2f, %.2f)"
                  % (out, t0[11:16], t1[11:16], text, x1 - x0, y1 - y0, x0, y0, x1, y1))
            failures += 1
print("steady labels %s: %d slices, %d labels on two consecutive slices, %d moved (%d allowed)"
      % (out, len(slices), pairs, moved, moved - failures))
sys.exit(1 if failures else 0)
PY
done
done
exit $fail
