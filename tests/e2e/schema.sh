#!/bin/bash
# docs/events.schema.json against every events file we ship or test with:
# the valid ones must pass a real validator (Debian's python3-jsonschema), and
# files that break the schema's rules must fail it.
# Usage: schema.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
src=$2 work=$3
py=/usr/bin/python3
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
  echo "skipped: python3-jsonschema is not installed (scripts/install-deps installs it)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2

cat > bad-zoneless.json <<'JSON'
{"events": [{"time": "2020-10-09T15:15:00", "place": "Hadrut"}]}
JSON
cat > good-timezone.json <<'JSON'
{"timezone": "Asia/Baku", "date_order": "DMY",
 "events": [{"time": "09/10/2020 19:15", "place": "Hadrut"},
            {"time": "2020-10-09 19:15", "end": "2020-10-09T20:00:00Z", "place": "Hadrut"}]}
JSON
cat > bad-zoneless-desk.json <<'JSON'
{"events": [{"time": "2020-10-09 19:15", "place": "Hadrut"}]}
JSON
cat > bad-nowhere.json <<'JSON'
{"events": [{"time": "2020-10-09T15:15:00Z", "kind": "shelling"}]}
JSON
cat > bad-empty.json <<'JSON'
{"events": []}
JSON
cat > bad-status.json <<'JSON'
{"events": [{"time": "2020-10-09T15:15:00Z", "place": "Hadrut", "status": "rumoured"}]}
JSON
cat > good-geojson.json <<'JSON'
{"type": "FeatureCollection", "title": "t", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [46.9, 39.5]},
  "properties": {"time": "2020-10-09T15:15:00Z", "kind": "clash"}},
 {"type": "Feature", "geometry": null,
  "properties": {"time": "2020-10-09T15:15:00+04:00", "place": "Hadrut"}}]}
JSON

"$py" - "$src/docs/events.schema.json" "$src"/examples/*.json good-geojson.json \
       good-timezone.json -- bad-zoneless.json bad-zoneless-desk.json bad-nowhere.json \
       bad-empty.json bad-status.json <<'PY'
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
args = sys.argv[2:]
split = args.index("--")
failures = 0
for path in args[:split]:
    errors = list(v.iter_errors(json.load(open(path))))
    print(("ok   " if not errors else "FAIL ") + path)
    for e in errors[:3]:
        print("     ", e.message[:200])
    failures += bool(errors)
for path in args[split + 1:]:
    invalid = any(True for _ in v.iter_errors(json.load(open(path))))
    print(("ok   " if invalid else "FAIL ") + path + " (must be refused)")
    failures += not invalid
print(f"schema: {failures} failure(s)")
sys.exit(1 if failures else 0)
PY
