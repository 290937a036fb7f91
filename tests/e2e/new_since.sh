#!/bin/bash
# What counts as new on a single --at moment (issue 19): the reports since the
# slice before it of the default slicing, not every report up to it; with
# --since, the reports after that time. Read from manifest.json's new_events.
# Usage: new_since.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v python3 >/dev/null || exit 77
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
example="$src/examples/karabakh-2020-10-09.json"

new_events() {   # DIR: the first slice's new_events, one id a line, sorted
  python3 -c 'import json, sys
for i in sorted(json.load(open(sys.argv[1]))["slices"][0]["new_events"]): print(i)' \
    "$1/manifest.json"
}
# The events with since < time <= at, from the events file itself.
expected() {   # SINCE AT
  python3 -c 'import json, sys
for e in sorted(json.load(open(sys.argv[1]))["events"], key=lambda e: e["id"]):
    if sys.argv[2] < e["time"] <= sys.argv[3]: print(e["id"])' "$example" "$1" "$2"
}

# --at 15:15 alone: the 10 reports of 15:15 (the distinct event time before
# it is 15:09), not the 42 reported by then.
"$bin" render "$example" -o at --format svg --at 2020-10-09T15:15:00Z --quiet || fail "render --at"
new_events at >got.txt
expected 2020-10-09T15:09:00Z 2020-10-09T15:15:00Z >want.txt
[ "$(wc -l <want.txt)" -eq 10 ] || fail "the example has $(wc -l <want.txt) reports at 15:15, not 10"
cmp -s got.txt want.txt || fail "--at 15:15: new $(tr '\n' ' ' <got.txt), expected $(tr '\n' ' ' <want.txt)"
n_shown=$(python3 -c 'import json; print(len(json.load(open("at/manifest.json"))["slices"][0]["events"]))')
[ "$n_shown" -gt 10 ] || fail "--at 15:15 shows only $n_shown events"

# --since noon: everything reported from 12:00 to 15:15.
"$bin" render "$example" -o since --format svg --at 2020-10-09T15:15:00Z \
  --since 2020-10-09T12:00:00Z --quiet || fail "render --since"
new_events since >got-since.txt
expected 2020-10-09T12:00:00Z 2020-10-09T15:15:00Z >want-since.txt
[ "$(wc -l <want-since.txt)" -eq 16 ] || fail "the example has $(wc -l <want-since.txt) reports 12:00-15:15"
cmp -s got-since.txt want-since.txt ||
  fail "--since 12:00: new $(tr '\n' ' ' <got-since.txt), expected $(tr '\n' ' ' <want-since.txt)"
# and the box says so: new since noon, not "New at 15:15"
grep -q '>New since 12:00<' since/*.svg || fail "--since 12:00: the box does not say 'New since 12:00'"
grep -q '>New at 15:15<' at/*.svg || fail "--at 15:15: the box does not say 'New at 15:15'"

# Usage errors.
"$bin" render "$example" -o bad --since 2020-10-09T12:00:00Z 2>err.txt
[ $? -eq 2 ] || fail "--since without --at did not exit 2"
grep -q 'conflictmap: --since says what is new at an --at moment; give --at too' err.txt ||
  fail "--since without --at: $(head -1 err.txt)"
"$bin" render "$example" -o bad --at 2020-10-09T12:00:00Z --since 2020-10-09T13:00:00Z 2>err.txt
[ $? -eq 2 ] || fail "--since after --at did not exit 2"
grep -q 'conflictmap: --since 2020-10-09T13:00:00Z is not before --at 2020-10-09T12:00:00Z' err.txt ||
  fail "--since after --at: $(head -1 err.txt)"
[ -e bad ] && fail "a refused render made its output folder"

echo "new_since: --at 15:15 marks $(wc -l <got.txt) of $n_shown new; --since 12:00 $(wc -l <got-since.txt)"
[ "$failures" -eq 0 ]
