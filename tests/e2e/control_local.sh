#!/bin/bash
# What changed hands when consecutive versions of a layer share most of their
# edges, as analysts' daily layers do (docs/control.md, "Cost"): the change
# is computed only in windows around the edges that differ (territory.c,
# difference_by_window), and must be what it is computed the whole way. A
# box split by a front drawn every 0.01 degree; version 1 pushes the front
# east along one stretch (Armenian forces gain it) and west along another,
# far from it (Azerbaijan gains that): two windows; version 2 takes the
# first stretch back (Azerbaijan gains it: one window); version 3 is version
# 2 again as another feature (nothing changes hands). The km² gained equal
# the strips' measure by ogr2ogr in a Lambert azimuthal equal-area
# projection, to the manifest's 0.1 km², and a pixel inside each strip is
# drawn as changed hands exactly when that strip changed hands. Then the
# same layer with Armenian forces' features alone (a layer of one side's
# control, as analysts publish them, and no other side holding areas): what
# they hold now and did not before is gained, what they held before and do
# not now is lost, in the manifest, the words and the SVG.
# Usage: control_local.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
command -v ogr2ogr >/dev/null || { echo "control_local: ogr2ogr (gdal-bin) is missing"; exit 77; }
example="$src/examples/karabakh-2020-10-09.json"

python3 - "$src/tests/e2e" <<'PY' || fail "could not write the layer"
import json, sys
sys.path.insert(0, sys.argv[1])
from dense_line import line   # a point every 0.01 degree
W, E, S, N = 46.4, 47.8, 39.2, 40.2
def front(south, north):
    # south to north along 47.0, out to 47.1 between 39.3 and 39.4 when @south,
    # and to 46.9 between 39.9 and 40.0 when @north
    p = [[47.0, S]]
    if south:
        p += [[47.0, 39.3], [47.1, 39.3], [47.1, 39.4], [47.0, 39.4]]
    if north:
        p += [[47.0, 39.9], [46.9, 39.9], [46.9, 40.0], [47.0, 40.0]]
    return p + [[47.0, N]]
def rings(f):
    am = line([[W, S]] + f + [[W, N], [W, S]])
    az = line(f[::-1] + [[E, S], [E, N], [47.0, N]])
    return am + [am[0]], az + [az[0]]
# (south stretch pushed east, north stretch pushed west, from, to)
versions = [(False, False, "2020-10-01", "2020-10-06"), (True, True, "2020-10-06", "2020-10-08"),
            (False, True, "2020-10-08", "2020-10-10"), (False, True, "2020-10-10", "")]
feats = []
for v, (south, north, since, until) in enumerate(versions):
    am, az = rings(front(south, north))
    for side, ring in (("AM", am), ("AZ", az)):
        feats.append({"type": "Feature", "properties": {"side": side, "valid_from": since,
                                                          "valid_to": until, "v": v},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
json.dump({"type": "FeatureCollection", "features": feats}, open("local.geojson", "w"))
def box(w, e, s, n):
    r = line([[w, s], [e, s], [e, n], [w, n], [w, s]])
    return r + [r[0]]
strips = {"south": box(47.0, 47.1, 39.3, 39.4), "north": box(46.9, 47.0, 39.9, 40.0)}
json.dump({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": k}, "geometry": {"type": "Polygon", "coordinates": [r]}}
    for k, r in strips.items()]}, open("strips.geojson", "w"))
PY
"$bin" render "$example" --control local.geojson \
  --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z,2020-10-09T00:00:00Z,2020-10-11T00:00:00Z \
  -o out --format png,svg --quiet 2>render.err || fail "render failed: $(cat render.err)"

south=$(laea strips.geojson "name = 'south'") north=$(laea strips.geojson "name = 'north'")
python3 - out/manifest.json "$south" "$north" >check.txt 2>&1 <<'PY' || fail "manifest: $(cat check.txt)"
import json, sys
m = json.load(open(sys.argv[1]))['slices']
south, north = float(sys.argv[2]), float(sys.argv[3])
if len(m) != 4:
    print('%d slices, expected 4' % len(m)); sys.exit(1)
bad = []
def near(what, got, want):
    if got is None or abs(got - want) > 0.1:
        bad.append('%s is %s, expected %.3f' % (what, got, want))
gained = [m[i].get('control_gained_km2') or {} for i in range(4)]
near('7 October AM gained (the south stretch)', gained[1].get('AM', 0), south)
near('7 October AZ gained (the north stretch)', gained[1].get('AZ', 0), north)
near('9 October AM gained', gained[2].get('AM', 0), 0)
near('9 October AZ gained (the south stretch back)', gained[2].get('AZ', 0), south)
near('11 October AM gained (the same front)', gained[3].get('AM', 0), 0)
near('11 October AZ gained (the same front)', gained[3].get('AZ', 0), 0)
if bad:
    print('; '.join(bad)); sys.exit(1)
PY

# A pixel inside each strip, from the SVG's own projection of the strip's
# corners: drawn as changed hands (the gained areas' group) exactly when it
# changed hands. The SVG names each area's kind; the PNG must agree with it.
python3 - out "$src/tests/e2e" >pixels.txt 2>&1 <<'PY' || fail "pixels: $(cat pixels.txt)"
import glob, re, struct, sys
out = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from png_pixel import pixel
pngs = sorted(glob.glob(out + '/*.png'))
svgs = sorted(glob.glob(out + '/*.svg'))
if len(pngs) != 4 or len(svgs) != 4:
    print('%d PNGs and %d SVGs, expected 4 each' % (len(pngs), len(svgs))); sys.exit(1)
# where the strips are: the map's projection is the same in every slice;
# on 7 October the changed-hands paths (data-status="changed") are one ring
# each, Armenian forces' the south strip and Azerbaijan's the north one
svg = open(svgs[1]).read()
width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg).group(1))
paths = re.findall(r'<path data-side="(\w+)" data-status="changed"[^>]* d="([^"]+)"', svg)
if sorted(side for side, _ in paths) != ['AM', 'AZ']:
    print('7 October: changed-hands paths of %s, expected AM and AZ' % [s for s, _ in paths])
    sys.exit(1)
def centre(d):
    xy = [float(v) for v in re.findall(r'-?\d+(?:\.\d+)?', d)]
    xs, ys = xy[0::2], xy[1::2]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
south_c = centre(dict(paths)['AM'])
north_c = centre(dict(paths)['AZ'])
if not north_c[1] < south_c[1]:
    print('7 October: the north strip is drawn south of the south one'); sys.exit(1)
if struct.unpack('>I', open(pngs[1], 'rb').read()[16:20])[0] != width:
    print('the PNG is not as wide as the SVG: its pixels are not the units of the SVG'); sys.exit(1)
colours = [tuple(pixel(p, int(c[0]), int(c[1])) for c in (south_c, north_c)) for p in pngs]
s, n = [c[0] for c in colours], [c[1] for c in colours]
bad = []
# south: Azerbaijan's, then gained by Armenian forces, then by Azerbaijan
# again (changed hands both times), then Azerbaijan's as at first
if s[1] == s[0]: bad.append('south strip: 7 October looks like 5 October %s' % (s[0],))
if s[2] == s[1]: bad.append('south strip: 9 October looks like 7 October %s' % (s[1],))
if s[2] == s[3]: bad.append('south strip: 11 October still drawn as changed hands %s' % (s[3],))
if s[3] != s[0]: bad.append('south strip: 11 October %s, 5 October %s' % (s[3], s[0]))
# north: Armenian forces', then gained by Azerbaijan, then Azerbaijan's
if n[1] == n[0]: bad.append('north strip: 7 October looks like 5 October %s' % (n[0],))
if n[2] == n[1]: bad.append('north strip: 9 October still drawn as changed hands %s' % (n[2],))
if n[2] == n[0]: bad.append('north strip: 9 October looks like 5 October %s' % (n[0],))
if n[3] != n[2]: bad.append('north strip: 11 October %s, 9 October %s' % (n[3], n[2]))
if bad:
    print('; '.join(bad)); sys.exit(1)
PY

python3 - <<'PY' || fail "could not write the one-side layer"
import json
d = json.load(open("local.geojson"))
d["features"] = [f for f in d["features"] if f["properties"]["side"] == "AM"]
json.dump(d, open("am.geojson", "w"))
PY
"$bin" render "$example" --control am.geojson \
  --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z,2020-10-09T00:00:00Z,2020-10-11T00:00:00Z \
  -o one --format png,svg --quiet 2>render.err || fail "one side: render failed: $(cat render.err)"
python3 - one "$south" "$north" >one.txt 2>&1 <<'PY' || fail "one side: $(cat one.txt)"
import glob, json, re, sys
out, south, north = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
m = json.load(open(out + '/manifest.json'))['slices']
if len(m) != 4:
    print('%d slices, expected 4' % len(m)); sys.exit(1)
bad = []
if any(set(s.get('control_area_km2', {})) != {'AM'} for s in m):
    bad.append('areas held by %s, expected Armenian forces alone'
               % [sorted(s.get('control_area_km2', {})) for s in m])
def near(what, got, want):
    if got is None or abs(got - want) > 0.1:
        bad.append('%s is %s, expected %.3f' % (what, got, want))
for i, (g, l) in enumerate([(None, None), (south, north), (0, south), (0, 0)]):
    if i == 0:
        if 'control_gained_km2' in m[0] or 'control_lost_km2' in m[0]:
            bad.append('5 October (the first) has gains or losses')
        continue
    day = ['', '7', '9', '11'][i] + ' October'
    near(day + ' AM gained', m[i].get('control_gained_km2', {}).get('AM', 0), g)
    near(day + ' AM lost', m[i].get('control_lost_km2', {}).get('AM', 0), l)
want = ['Armenian forces gained %s km² and lost %s km² since 5 October.' % (round(south), round(north)),
        'Armenian forces lost %s km² since 7 October.' % round(south)]
for i, w in ((1, want[0]), (2, want[1])):
    if w not in m[i]['alt']:
        bad.append('slice %d: the alt text "%s" does not say "%s"' % (i + 1, m[i]['alt'], w))
for i in (1, 2):   # no new report in those slices; the territory's change is new
    if 'No new reports since the previous map.' not in m[i]['alt'] or 'Nothing new' in m[i]['alt']:
        bad.append('slice %d: "%s" (expected "No new reports since the previous map.")'
                   % (i + 1, m[i]['alt']))
if 'gained' in m[3]['alt'] or 'lost' in m[3]['alt']:
    bad.append('11 October (nothing changed): "%s"' % m[3]['alt'])
svg = open(sorted(glob.glob(out + '/*.svg'))[1]).read()
kinds = sorted(re.findall(r'<path data-side="AM" data-status="(changed|lost)"', svg))
if kinds != ['changed', 'lost']:
    bad.append('7 October SVG: changed-hands paths %s, expected one changed and one lost' % kinds)
if bad:
    print('; '.join(bad)); sys.exit(1)
PY

# What changed hands, said in the box of the latest reports, in two lines
# when one is too short for it: whole, not cut with an ellipsis (sides with
# long names, so that it does not fit in one line); broken between the
# sides' clauses where each fits a line (mid-length names).
# named OUT AM AZ: the example with those names for the sides, rendered as
# SVG at 5 and 7 October into OUT
named() {
  python3 - "$example" "$2" "$3" >"$1.json" <<'PY' || fail "$1: could not write the example"
import json, sys
d = json.load(open(sys.argv[1]))
d["sides"]["AM"]["name"], d["sides"]["AZ"]["name"] = sys.argv[2], sys.argv[3]
json.dump(d, sys.stdout, ensure_ascii=False)
PY
  "$bin" render "$1.json" --control local.geojson --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z \
    -o "$1" --format svg --quiet 2>"$1.err" || fail "$1: render failed: $(cat "$1.err")"
}
# box_lines OUT: the bold lines of 7 October's box after its first ("At 00:00"), one a line
cat >box_lines.py <<'PY'
import glob, html, re, sys
svg = open(sorted(glob.glob(sys.argv[1] + '/*.svg'))[1]).read()
box = re.search(r'<g id="latest"[^>]*>(.*?)</g>', svg, re.S).group(1)
for t in re.findall(r'font-weight="bold"[^>]*><tspan[^>]*>([^<]*)<', box)[1:]:
    print(html.unescape(t))
PY
named long "Armenian forces of the Nagorno-Karabakh Republic" "the armed forces of Azerbaijan"
said=$(python3 box_lines.py long)
want=$(python3 -c 'import json, re, sys
m = re.search(r"GMT\. (.*? since 5 October\.)", json.load(open(sys.argv[1]))["slices"][1]["alt"])
print(m.group(1) if m else "(the alt text says no change)")' long/manifest.json)
[ "$(printf '%s\n' "$said" | wc -l)" = 2 ] && [ "$(printf '%s\n' "$said" | paste -sd ' ')" = "$want" ] ||
  fail "long names: the box says '$said', the alt text '$want'"
named mid "Armenian forces of Karabakh" "the forces of Azerbaijan"
said=$(python3 box_lines.py mid)
want=$(printf '%s\n' "the forces of Azerbaijan gained 95 km²;" \
  "Armenian forces of Karabakh gained 96 km² since 5 October.")
[ "$said" = "$want" ] || fail "mid names: the box says '$said', expected '$want'"
# The phone layout (README.md, "A layout for phones") of a map with a control
# layer: the band below the map is made for the legend and the "New at" box
# it holds (layout_band_measure). A --size 360x540 --scale 2 PNG is the page's
# phone PNG byte for byte, so its SVG says where things are on that PNG. On 7
# October: the legend's frame inside the page and each entry's ink inside the
# frame (read from the PNG), no empty row under its last entry, the entries
# the desktop legend lists less the disputed lines (a map under 900 px wide
# leaves them out); the "New at" box below the map's bottom edge and above
# the legend; what changed hands whole, on two lines, as the alt text says
# it. With the one-side layer from 04:00, broken between words: no line ends
# with a number ("since 5 | October", "95 | km²").
"$bin" render "$example" --control local.geojson --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z \
  -o phone --format html,svg --quiet 2>render.err || fail "phone: render failed: $(cat render.err)"
"$bin" render "$example" --control local.geojson --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z \
  -o portrait --format svg,png --size 360x540 --scale 2 --quiet 2>render.err ||
  fail "portrait: render failed: $(cat render.err)"
"$bin" render "$example" --control am.geojson --at 2020-10-05T04:00:00Z,2020-10-07T00:00:00Z \
  -o portrait1 --format svg --size 360x540 --quiet 2>render.err ||
  fail "portrait, one side: render failed: $(cat render.err)"
python3 - phone portrait portrait1 "$src/tests/e2e" >phone.txt 2>&1 <<'PY' || fail "phone: $(cat phone.txt)"
import glob, html, json, re, sys
phone, portrait, one = sys.argv[1:4]
sys.path.insert(0, sys.argv[4])
from png_pixel import image
png = sorted(glob.glob(portrait + '/*.png'))[1]
if open(png, 'rb').read() != open(sorted(glob.glob(phone + '/*-phone.png'))[1], 'rb').read():
    print('the 360x540 PNG is not the phone PNG: its SVG does not describe it'); sys.exit(1)
def group(svg, name):
    return re.search(r'<g id="%s"[^>]*>(.*?)</g>' % name, svg, re.S).group(1)
def rect(g):
    return [float(v) for v in re.search(r'<rect x="([-0-9.]+)" y="([-0-9.]+)" width="([0-9.]+)" '
                                         r'height="([0-9.]+)"', g).groups()]
def entries(g):   # per <text>: its lines (x, baseline, text)
    return [[(float(x), float(y), html.unescape(t))
             for x, y, t in re.findall(r'<tspan x="([-0-9.]+)" y="([-0-9.]+)">([^<]*)<', e)]
            for e in re.findall(r'<text[^>]*>(.*?)</text>', g)]
def words(out, i):   # the change in the alt text of slice i
    m = re.search(r'GMT\. (.*? since 5 October(, 04:00)?\.)',
                  json.load(open(out + '/manifest.json'))['slices'][i]['alt'])
    return m.group(1) if m else '(the alt text says no change)'
bad = []
svg = open(sorted(glob.glob(portrait + '/*.svg'))[1]).read()
W = float(re.search(r'<svg[^>]* viewBox="0 0 ([0-9.]+) ', svg).group(1))   # at scale 1
clip = re.search(r'<clipPath id="clip1"><path[^>]* d="([^"]+)"', svg).group(1)
map_bottom = max(float(v) for v in re.findall(r'[-0-9.]+', clip)[1::2])
lx, ly, lw, lh = rect(group(svg, 'legend'))
legend = entries(group(svg, 'legend'))
if lx < 0 or lx + lw > W - 0.5:
    bad.append('the legend frame runs from x %g to %g, the page is %g wide' % (lx, lx + lw, W))
desk = [' '.join(t for _, _, t in e) for e in entries(group(
    open(sorted(glob.glob(phone + '/*.svg'))[1]).read(), 'legend'))]
want = [t for t in desk if t not in ('Former Nagorno-Karabakh oblast', '1994 ceasefire line')]
said = [' '.join(t for _, _, t in e) for e in legend]
if said != want:
    bad.append('the phone legend lists %s, the desktop one %s' % (said, desk))
w, h, rows = image(png)   # scale 2
right = round(2 * (lx + lw)) - 1   # the frame's right border
if right >= w or tuple(rows[round(ly + lh / 2) * 2][3 * right:3 * right + 3]) == (255, 255, 255):
    bad.append('no frame border in the PNG at x %d (%d wide)' % (right, w))
lines = [l for e in legend for l in e]
for x, y, t in lines:   # the last dark pixel of the line's ink, up to the next column's symbol
    stop = min([round(2 * (x2 - 16)) for x2, y2, _ in lines if abs(y2 - y) < 1 and x2 > x] + [w])
    ink = [c for r in range(round(2 * (y - 9)), min(h, round(2 * y) + 2))
           for c in range(round(2 * x), stop) if sum(rows[r][3 * c:3 * c + 3]) < 384]
    if not ink or max(ink) >= min(right, w - 2):   # inside the frame, not cut by the edge
        bad.append('"%s": its ink ends at x %s, the frame at %d' % (t, max(ink) if ink else None,
                                                                    right))
last = max(y for e in legend for _, y, _ in e)
if ly + lh - last > 15:   # a row is 15 px
    bad.append('the legend frame ends %g px under its last line: empty rows' % (ly + lh - last))
bx, by, bw, bh = rect(group(svg, 'latest'))
if by < map_bottom:
    bad.append('the "At" box top %g is over the map (its bottom edge %g)' % (by, map_bottom))
if by + bh > ly:
    bad.append('the "At" box (bottom %g) overlaps the legend (top %g)' % (by + bh, ly))
def box_lines(svg):   # the bold lines after the box's heading
    g = group(svg, 'latest')
    return [html.unescape(t) for t in re.findall(r'font-weight="bold"[^>]*><tspan[^>]*>([^<]*)<', g)[1:]]
lines = box_lines(svg)
if len(lines) != 2 or ' '.join(lines) != words(portrait, 1):
    bad.append('the box says %s, the alt text "%s"' % (lines, words(portrait, 1)))
lines = box_lines(open(sorted(glob.glob(one + '/*.svg'))[1]).read())
if ' '.join(lines) != words(one, 1):
    bad.append('one side: the box says %s, the alt text "%s"' % (lines, words(one, 1)))
for a, b in zip(lines, lines[1:]):
    if re.search(r'[0-9]$', a) or b.startswith('km²'):
        bad.append('one side: "%s" | "%s": a number parted from what it counts' % (a, b))
if bad:
    print('; '.join(bad)); sys.exit(1)
PY

# A small landscape map (--size 640x480): the legend beside the "New at" box,
# not under it (its columns as wide as their labels when two equal ones do
# not fit), and with no report new, what changed hands whole on the box's two
# lines, as the alt text says it.
"$bin" render "$example" --control local.geojson --at 2020-10-05T00:00:00Z,2020-10-07T00:00:00Z \
  -o small --format svg --size 640x480 --quiet 2>render.err || fail "small: render failed: $(cat render.err)"
python3 - small >small.txt 2>&1 <<'PY' || fail "small: $(cat small.txt)"
import glob, html, json, re, sys
out = sys.argv[1]
svg = open(sorted(glob.glob(out + '/*.svg'))[1]).read()
def group(name):
    return re.search(r'<g id="%s"[^>]*>(.*?)</g>' % name, svg, re.S).group(1)
def rect(g):
    return [float(v) for v in re.search(r'<rect x="([-0-9.]+)" y="([-0-9.]+)" width="([0-9.]+)" '
                                         r'height="([0-9.]+)"', g).groups()]
bad = []
lx, ly, lw, lh = rect(group('legend'))
bx, by, bw, bh = rect(group('latest'))
if lx < bx + bw and bx < lx + lw and ly < by + bh and by < ly + lh:
    bad.append('the legend (x %g to %g) and the "At" box (x %g to %g) overlap' % (lx, lx + lw, bx, bx + bw))
said = [html.unescape(t) for t in
        re.findall(r'font-weight="bold"[^>]*><tspan[^>]*>([^<]*)<', group('latest'))[1:]]
m = re.search(r'GMT\. (.*? since 5 October\.)', json.load(open(out + '/manifest.json'))['slices'][1]['alt'])
if not m or ' '.join(said) != m.group(1) or len(said) != 2:
    bad.append('the box says %s, the alt text "%s"' % (said, m.group(1) if m else None))
if bad:
    print('; '.join(bad)); sys.exit(1)
PY

finish control_local
