#!/bin/bash
# conflictmap watch (issue 18 items 1 and 2): renders, then renders again when
# the events file is saved (by rename, as editors save), drawing only the
# slices that changed; a broken save is reported as validate reports it and
# leaves the last good set published; Ctrl-C ends it with exit 0 and no
# staging folder left behind.
# Usage: watch.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v python3 >/dev/null || exit 77
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cp "$src/examples/karabakh-2020-10-09.json" events.json
"$bin" watch events.json -o out --format svg --size 800x600 > log.txt 2>&1 &
pid=$!
wait_for() {   # TEXT SECONDS
  for _ in $(seq 1 $(($2 * 10))); do grep -q "$1" log.txt && return 0; sleep 0.1; done
  return 1
}
save() {   # PYTHON-EXPRESSION on the text s: written to a temporary file, renamed over
  python3 -c "import sys; s = open('events.json').read(); s = $1; open('events.json.tmp', 'w').write(s)"
  mv events.json.tmp events.json
}
wait_for "render 1:" 60 || fail "no first render: $(cat log.txt)"
grep -q "render 1: 23 slices, 23 drawn, 0 kept" log.txt || fail "first render: $(cat log.txt)"
first=$(cat out/sets/current)

# one headline changed: the slices that show it are drawn again, the rest kept
save "s.replace('\"Aliyev says Hadrut taken\"', '\"Aliyev says Hadrut is taken\"', 1)"
wait_for "render 2" 20 || fail "the save was not rendered: $(cat log.txt)"
line=$(grep "render 2" log.txt)
case "$line" in
  *"render 2: 23 slices, 8 drawn, 15 kept"*) ;;
  *) fail "second render: $line" ;;
esac
second=$(cat out/sets/current)
[ "$second" != "$first" ] || fail "the set was not switched ($first)"
grep -q "Aliyev says Hadrut is taken" out/*1515Z.svg || fail "the 15:15 SVG lacks the new headline"

# a broken save: reported with its position, the last good set stays
printf '{"events": [\n  {"time": "nope"}\n' > events.json
wait_for "render 3" 20 || fail "the broken save was not noticed: $(cat log.txt)"
grep -q "^events.json:3:1: the JSON ends too early" log.txt || fail "broken save: $(cat log.txt)"
grep -q "render 3 failed; out/ keeps the last maps that rendered" log.txt ||
  fail "broken save: $(cat log.txt)"
kept=$(cat out/sets/current)
[ "$kept" = "$second" ] || fail "the broken save changed the published set ($second -> $kept)"

# Ctrl-C: exit 0, no staging folder
kill -INT "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  fail "watch still running 5 s after SIGINT"
  kill -9 "$pid"
fi
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || fail "watch exited $rc after SIGINT"
leftovers=$(find out -name '.staging-*' -o -name '*.tmp' | head -3)
[ -z "$leftovers" ] || fail "left behind: $leftovers"

if [ "$failures" -ne 0 ]; then
  cat log.txt
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "watch: all checks passed"
