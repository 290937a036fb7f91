#!/usr/bin/env python3
"""The map's frame in one language has no English left: renders the example
with --lang LANG to SVG and HTML, gathers the words a reader sees (the SVG's
text, title and description; the page's text, labels, alt text, moments and
the words its script shows), and fails on any English phrase of the
catalogue (po/LANG.po's msgids) among them. What the events file says
(title, headlines, source, sides) and the places' names are the
newsroom's words, not the map's: they are taken out first.

Usage: frame.py LANG CONFLICTMAP SOURCE_DIR WORK_DIR"""
import glob, html.parser, json, os, re, shutil, subprocess, sys
import xml.etree.ElementTree as ET

lang, binary, src, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
example = os.path.join(src, "examples", "karabakh-2020-10-09.json")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def read_po(path):
    """[(msgctxt, [msgid, msgid_plural], [msgstr...])] of a .po file."""
    entries, cur, key = [], {}, None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            if "msgid" in cur:
                entries.append(cur)
            cur, key = ({}, None) if not line or "msgid" in cur else (cur, key)
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
        if m:
            key = m.group(1)
            cur[key] = json.loads(m.group(2))
        elif line.startswith('"'):
            cur[key] += json.loads(line)
    if "msgid" in cur:
        entries.append(cur)
    out = []
    for e in entries:
        if not e["msgid"]:
            continue
        ids = [e["msgid"]] + ([e["msgid_plural"]] if "msgid_plural" in e else [])
        strs = [v for k, v in sorted(e.items()) if k.startswith("msgstr")]
        out.append((e.get("msgctxt"), ids, strs))
    return out


PLACEHOLDER = re.compile(r"%[-+ #0-9.]*(?:zu|ld|[sdg])|\{[a-z]+\}")
CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u200e\u200f"))


def english_fragments(entries):
    """The English pieces between placeholders of every translated msgid,
    of three letters or more, that the translations themselves never use
    (French says "Moment" and "Source" too)."""
    translated_words = " ".join(s for _, _, strs in entries for s in strs)
    frags = set()
    for _, ids, strs in entries:
        if not all(strs) or all(s == ids[0] for s in strs):
            continue   # kept in English on purpose ("%s km" in French)
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" ,.;:·")
                if sum(ch.isalpha() for ch in piece) < 3:
                    continue
                if re.search(r"(?<!\w)" + re.escape(piece) + r"(?!\w)", translated_words):
                    continue
                frags.add(piece)
    return frags


def data_words():
    """What the events file says, which stays as the newsroom wrote it."""
    ev = json.load(open(example, encoding="utf-8"))
    words = [ev.get("title", ""), ev.get("subtitle", ""), ev.get("source", "")]
    for side in (ev.get("sides") or {}).values():
        words.append(side.get("name", "") if isinstance(side, dict) else str(side))
    for e in ev.get("events", []):
        words += [e.get("headline", ""), e.get("text", ""), e.get("source", "")]
    return sorted((w for w in words if w), key=len, reverse=True)


def strip_data(text, data):
    text = text.translate(CONTROLS)
    for w in data:
        text = text.replace(w, " ")
    return text


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts, self.skip, self.attrs, self.data_json = [], 0, {}, ""
        self.in_data = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.attrs = a
        if tag in ("script", "style"):
            self.skip += 1
            self.in_data = a.get("id") == "cm-data"
        for k in ("aria-label", "alt", "title"):
            if a.get(k):
                self.texts.append(a[k])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
            self.in_data = False

    def handle_data(self, d):
        if self.in_data:
            self.data_json += d
        elif not self.skip and d.strip():
            self.texts.append(d)


po = os.path.join(src, "po", lang + ".po")
entries = read_po(po)
frags = english_fragments(entries)
data = data_words()
out = os.path.join(work, "out")
run = subprocess.run([binary, "render", example, "-o", out, "--format", "svg,png,html",
                      "--lang", lang, "--at", "2020-10-09T15:15:00Z", "--quiet"],
                     capture_output=True, text=True)
if run.returncode != 0:
    sys.exit("render --lang %s exited %d: %s" % (lang, run.returncode, run.stderr))

# the SVG: every text, the title and the description (the alt text)
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(glob.glob(os.path.join(out, "*.svg"))[0]).getroot()
svg_texts = ["".join(t.itertext()) for t in root.iter(ns + "text")]
svg_texts += [root.find(ns + "title").text, root.find(ns + "desc").text]

# the page: its text, its labels, and what its script shows (data.words, the
# moments, the alt texts)
page = Page()
page.feed(open(os.path.join(out, "index.html"), encoding="utf-8").read())
block = json.loads(page.data_json)
page_texts = page.texts + list(block.get("words", {}).values())
page_texts += [s[k] for s in block["slices"] for k in ("moment", "alt")]

for where, texts in (("svg", svg_texts), ("page", page_texts)):
    for text in texts:
        seen = strip_data(text or "", data)
        for f in frags:
            if re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", seen):
                fail("%s --lang %s: English %r left in %r" % (where, lang, f, text))


def translation(msgid, ctx=None):
    for c, ids, strs in entries:
        if ids[0] == msgid and c == ctx:
            return strs[0]
    raise KeyError(msgid)


# known phrases, translated, where the reader sees them
new_at = translation("New at %s").replace("%s", "15:15")
if not any(new_at in t.translate(CONTROLS) for t in svg_texts):
    fail("svg --lang %s: no %r (the New at box)" % (lang, new_at))
months = translation("October")
if not any(months in t for t in svg_texts):
    fail("svg --lang %s: the date has no %r" % (lang, months))
link = translation("Link to this moment")
if link not in page.texts:
    fail("page --lang %s: no %r" % (lang, link))
if page.attrs.get("lang") != lang:
    fail("page: lang=%r, expected %r" % (page.attrs.get("lang"), lang))
rtl = lang == "ar"
if (page.attrs.get("dir") == "rtl") != rtl:
    fail("page --lang %s: dir=%r" % (lang, page.attrs.get("dir")))
# right to left: the legend's box in the map's right half, the title right
width = float(root.get("width"))
legend = [r for g in root.iter(ns + "g") if g.get("id") == "legend"
          for r in g.iter(ns + "rect") if r.get("width")]
if legend:
    box = max(legend, key=lambda r: float(r.get("width")))   # the box, not a symbol
    x = float(box.get("x", "0"))
    if (x > width / 2) != rtl:
        fail("svg --lang %s: the legend's box at x=%g of %g" % (lang, x, width))
else:
    fail("svg --lang %s: no legend box found" % lang)

print("frame --lang %s: %d English phrases looked for in %d texts, %d failures"
      % (lang, len(frags), len(svg_texts) + len(page_texts), len(failures)))
sys.exit(1 if failures else 0)
