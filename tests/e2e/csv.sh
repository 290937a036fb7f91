#!/bin/bash
# Events as a spreadsheet exports them: the example day turned into a CSV the
# way European Excel writes one (semicolons, CRLF, a byte-order mark, quoted
# text with separators, quotes and line breaks, blank rows at the end) with its
# settings beside it must give the same slices and the same manifest as the
# JSON file; a broken cell is reported at its line and column.
# Usage: csv.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
py=/usr/bin/python3
[ -x "$py" ] || { echo "skipped: python3 is not installed"; exit 77; }
rm -rf "$work" && mkdir -p "$work/sheet" "$work/json" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

example="$src/examples/karabakh-2020-10-09.json"
"$py" - "$example" sheet/karabakh-2020-10-09.csv sheet/karabakh-2020-10-09.settings.json <<'PY' || exit 2
import csv, json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
events = doc.pop("events")
json.dump(doc, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
cols = ["ID", "Time", "Place", "Kind", "Status", "Claimed by", "Control from",
        "Control to", "Headline", "Text", "Source", "Precision", "time_note"]
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f, delimiter=";", lineterminator="\r\n")
    w.writerow(cols)
    for e in events:
        c = e.get("control", {})
        row = {"ID": e.get("id"), "Time": e["time"], "Place": e.get("place"),
               "Kind": e.get("kind"), "Status": e.get("status"),
               "Claimed by": e.get("claimed_by"), "Control from": c.get("from"),
               "Control to": c.get("to"), "Headline": e.get("headline"),
               "Text": e.get("text"), "Source": e.get("source"),
               "Precision": e.get("precision"), "time_note": e.get("time_note")}
        w.writerow(["" if row[k] is None else row[k] for k in cols])
    # a line break and separators inside one cell, and blank rows at the end
    w.writerow(["late", "2020-10-09T23:00:00Z", "Stepanakert", "statement", "", "", "",
                "", 'Officials say; "talks" go on\r\ninto the night', "", "", "", ""])
    w.writerow([""] * len(cols))
    f.write("\r\n")
PY
cp "$example" json/karabakh-2020-10-09.json
"$py" - json/karabakh-2020-10-09.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
doc["events"].append({"id": "late", "time": "2020-10-09T23:00:00Z", "place": "Stepanakert",
                      "kind": "statement",
                      "headline": 'Officials say; "talks" go on\ninto the night'})
json.dump(doc, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY

"$bin" validate sheet/karabakh-2020-10-09.csv > validate.txt 2>&1 ||
  fail "validate of the CSV: $(cat validate.txt)"
"$bin" slices json/karabakh-2020-10-09.json > json-slices.txt 2>&1
"$bin" slices sheet/karabakh-2020-10-09.csv > csv-slices.txt 2>&1 ||
  fail "slices of the CSV: $(cat csv-slices.txt)"
[ "$(wc -l < csv-slices.txt)" -eq 24 ] || fail "CSV slices: $(wc -l < csv-slices.txt), expected 24"
cmp -s json-slices.txt csv-slices.txt || fail "slices differ between the JSON and the CSV"

for at in 2020-10-09T15:15:00Z 2020-10-09T23:00:00Z; do
  rm -rf json-out csv-out
  "$bin" render json/karabakh-2020-10-09.json -o json-out --quiet --at "$at" --format svg --size 800x600 ||
    fail "render of the JSON at $at"
  "$bin" render sheet/karabakh-2020-10-09.csv -o csv-out --quiet --at "$at" --format svg \
    --size 800x600 || fail "render of the CSV at $at"
  # Same events, same places, same markers; only the extra key order may differ.
  "$py" - json-out/manifest.json csv-out/manifest.json <<'PY' || fail "manifests differ at $at"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if a != b:
    for k in a:
        if a[k] != b.get(k):
            print("differs:", k, str(a[k])[:300], "||", str(b.get(k))[:300])
    sys.exit(1)
PY
done
ls csv-out/karabakh-2020-10-09-20201009T2300Z.svg >/dev/null 2>&1 ||
  fail "no karabakh-2020-10-09-20201009T2300Z.svg from the CSV: $(ls csv-out)"

# Without a settings file the CSV still loads (no title, no sides).
printf 'time,place,kind\n2020-10-09T15:15:00Z,Hadrut,clash\n' > bare.csv
"$bin" validate bare.csv > out.txt 2>&1 || fail "bare CSV: $(cat out.txt)"
grep -qx 'bare.csv: no problems found' out.txt || fail "bare CSV said: $(cat out.txt)"

# A misspelt place in a cell: the cell's line and column, nothing written.
printf 'time;place;kind\r\n2020-10-09T15:15:00Z;"Hadrut";clash\r\n2020-10-09T16:00:00Z; Goranbay ;shelling\r\n' > typo.csv
"$bin" render typo.csv -o typo-out --quiet 2> err.txt
rc=$?
[ "$rc" -eq 1 ] || fail "render typo.csv exited $rc"
echo 'typo.csv:3:23: unknown place "Goranbay"; did you mean "Goranboy"?' > want.txt
diff -u want.txt err.txt >&2 || fail "typo.csv: stderr differs"
[ -z "$(ls -A typo-out 2>/dev/null)" ] || fail "render of invalid CSV wrote files"

# Times as a desk types them: a column headed "Time (GMT)" holds GMT without
# a zone; a plain "Time" column in Baku time (the settings' "timezone") with
# the day first ("date_order"); --timezone and --date-order say the same for
# a sheet without settings. Each gives the manifest the same moments.
printf 'ID,Time (GMT),Place,Kind\nhadrut,2020-10-09 15:15,Hadrut,clash\nearly,9/10/2020 7:25,Goranboy,shelling\n' \
  > gmt.csv
echo '{"date_order": "DMY"}' > gmt.settings.json
printf 'ID,Time,Place,Kind\nhadrut,09/10/2020 19:15,Hadrut,clash\nearly,09/10/2020 11:25,Goranboy,shelling\n' \
  > baku.csv
echo '{"timezone": "Asia/Baku", "date_order": "DMY"}' > baku.settings.json
cp baku.csv baku-flags.csv
check_times() {   # OUT_DIR WHAT
  "$py" - "$1/manifest.json" <<'PY' || fail "manifest times of $2"
import json, sys
m = json.load(open(sys.argv[1]))
got = sorted((e["id"], e["time"]) for e in m["events"])
want = [("early", "2020-10-09T07:25:00Z"), ("hadrut", "2020-10-09T15:15:00Z")]
if got != want:
    print("events:", got, "expected", want)
    sys.exit(1)
slices = [s["time"] for s in m["slices"]]
if slices != ["2020-10-09T07:25:00Z", "2020-10-09T15:15:00Z"]:
    print("slices:", slices)
    sys.exit(1)
PY
}
"$bin" render gmt.csv -o gmt-out --quiet --format svg --size 800x600 2> err.txt ||
  fail "render of the Time (GMT) sheet: $(cat err.txt)"
check_times gmt-out "the Time (GMT) sheet"
"$bin" render baku.csv -o baku-out --quiet --format svg --size 800x600 2> err.txt ||
  fail "render of the Baku sheet: $(cat err.txt)"
check_times baku-out "the Baku sheet"
"$bin" render baku-flags.csv -o flags-out --quiet --format svg --size 800x600 \
  --timezone +04:00 --date-order DMY 2> err.txt || fail "render with --timezone: $(cat err.txt)"
check_times flags-out "--timezone +04:00 --date-order DMY"
# Without the zone, the same sheet is refused as before, nothing written.
"$bin" render baku-flags.csv -o none-out --quiet --format svg 2> err.txt
rc=$?
[ "$rc" -eq 1 ] || fail "render without a zone exited $rc"
grep -q '^baku-flags.csv:2:8: time "09/10/2020 19:15" has no time zone' err.txt ||
  fail "without a zone: $(cat err.txt)"
[ -z "$(ls -A none-out 2>/dev/null)" ] || fail "render without a zone wrote files"

# --settings (issue 18): a sheet exported from a shared spreadsheet, named as
# the spreadsheet names it, takes its settings from a file named on the
# command line; a missing one, or one given for a JSON events file, is refused.
mkdir -p shared
cp baku.csv "shared/Conflict tracker - Sheet1.csv"
printf '{"title": "From the shared sheet", "timezone": "Asia/Baku", "date_order": "DMY"}\n' \
  > shared/desk-settings.json
"$bin" render "shared/Conflict tracker - Sheet1.csv" --settings shared/desk-settings.json \
  -o sheet-out --quiet --format svg --size 800x600 2> err.txt ||
  fail "render with --settings: $(cat err.txt)"
check_times sheet-out "--settings shared/desk-settings.json"
"$py" - sheet-out/manifest.json <<'PY' || fail "--settings: the title is not the settings file's"
import json, sys
sys.exit(0 if json.load(open(sys.argv[1])).get("title") == "From the shared sheet" else 1)
PY
"$bin" render "shared/Conflict tracker - Sheet1.csv" --settings shared/none.json \
  -o missing-out --quiet --format svg 2> err.txt
rc=$?
[ "$rc" -eq 1 ] || fail "--settings with a missing file exited $rc"
grep -q 'cannot read the settings file "shared/none.json" (--settings): No such file or directory' err.txt ||
  fail "--settings with a missing file: $(cat err.txt)"
[ -z "$(ls -A missing-out 2>/dev/null)" ] || fail "--settings with a missing file wrote files"
"$bin" validate "$example" --settings shared/desk-settings.json 2> err.txt
rc=$?
[ "$rc" -eq 1 ] || fail "--settings for a JSON events file exited $rc"
grep -q -- '--settings names a CSV events file.s settings;' err.txt ||
  fail "--settings for a JSON events file: $(cat err.txt)"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "csv: all checks passed"
