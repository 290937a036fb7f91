#!/bin/bash
# The output folder as a transaction (issue 15): one writer at a time; a
# re-render killed with SIGKILL at any moment leaves a complete published set
# and the next run repairs the rest, so that the folder is then what a fresh
# render writes, byte for byte; a re-render that fails for want of disk
# leaves the previous set as it was; nothing an interrupted run left is
# kept by the incremental cache.
# Usage: transaction.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
example="$src/examples/karabakh-2020-10-09.json"
opts=(--format png,svg --size 600x450 -j 1 --quiet)

# The two inputs: A, the example, and B, one headline changed, same length
# (so sizes alone cannot tell the SVGs apart).
mkdir -p a b
cp "$example" a/karabakh-2020-10-09.json
sed 's/Aliyev says Hadrut taken/Aliyev says Hadrut TAKEN/' "$example" >b/karabakh-2020-10-09.json
cmp -s a/karabakh-2020-10-09.json b/karabakh-2020-10-09.json && fail "B is the same as A"

# top DIR: the names at the top of DIR (not sets/) with their SHA-256, one a line.
top() { (cd "$1" && find . -maxdepth 1 -type f ! -name '.*' -printf '%f\n' | sort |
  xargs -r sha256sum); }
# published_whole DIR WHAT: the set DIR/sets/current names is complete: its
# manifest lists exactly its map files, and each is there.
published_whole() {
  local set="$1/sets/$(cat "$1/sets/current" 2>/dev/null)"
  [ -d "$set" ] || { fail "$2: no published set in $1"; return; }
  /usr/bin/python3 - "$set" "$2" <<'PY' || fail "$2: the published set is not whole"
import json, os, sys
d, what = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(d, "manifest.json")))
listed = {f for s in m["slices"] for f in s["files"].values()} | {"manifest.json"}
present = set(os.listdir(d))
if listed != present:
    print("%s: listed %d files, present %d: %s" % (what, len(listed), len(present),
          sorted(listed ^ present)[:4]), file=sys.stderr)
    sys.exit(1)
PY
}

"$bin" render b/karabakh-2020-10-09.json -o fresh-b "${opts[@]}" || fail "fresh B"
"$bin" render a/karabakh-2020-10-09.json -o fresh-a "${opts[@]}" || fail "fresh A"

# SIGKILL at ten moments of a re-render of B over A, each followed by a
# normal run of B: then the folder is a fresh render of B, byte for byte, and
# its manifest lists exactly the files at the top.
delays=(0 0.02 0.05 0.1 0.15 0.2 0.3 0.4 0.55 0.7 0.9)
for k in 1 2 3 4 5 6 7 8 9 10; do
  out="kill$k"
  "$bin" render a/karabakh-2020-10-09.json -o "$out" "${opts[@]}" || fail "kill $k: render A"
  "$bin" render b/karabakh-2020-10-09.json -o "$out" "${opts[@]}" 2>/dev/null &
  pid=$!
  sleep "${delays[$k]}"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  published_whole "$out" "kill $k, after SIGKILL"
  "$bin" render b/karabakh-2020-10-09.json -o "$out" "${opts[@]}" 2>"kill$k.err" ||
    fail "kill $k: the run after SIGKILL: $(cat "kill$k.err")"
  [ "$(top "$out")" = "$(top fresh-b)" ] || fail "kill $k: the folder is not a fresh render of B"
  [ "$(cat "$out/sets/current")" = "$(cat fresh-b/sets/current)" ] ||
    fail "kill $k: published set $(cat "$out/sets/current"), fresh $(cat fresh-b/sets/current)"
  published_whole "$out" "kill $k, repaired"
  left=$(find "$out" -name '*.tmp' -o -name '.staging-*' -o -name '.current-*')
  [ -z "$left" ] || fail "kill $k: left behind: $left"
done

# Stale maps (the tester's case): render A, interrupt a render of B, render
# A again: no SVG of A's folder carries B's headline afterwards.
"$bin" render a/karabakh-2020-10-09.json -o stale "${opts[@]}"
"$bin" render b/karabakh-2020-10-09.json -o stale "${opts[@]}" 2>/dev/null &
pid=$!
for _ in $(seq 1 500); do   # once B has drawn an SVG with its headline
  grep -rqs --include='*.svg' 'Hadrut TAKEN' stale && break
  sleep 0.01
done
kill -INT "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
"$bin" render a/karabakh-2020-10-09.json -o stale "${opts[@]}" || fail "stale: render A again"
grep -l 'Hadrut TAKEN' stale/*.svg >stale.txt && fail "stale: $(wc -l <stale.txt) SVGs carry B's headline"
[ "$(top stale)" = "$(top fresh-a)" ] || fail "stale: the folder is not a fresh render of A"

# A re-render that fails for want of disk (a changed style, so every file is
# drawn again; RLIMIT_FSIZE makes a write past 121 KB fail as a full disk
# does, after the first files, of 106 to 121 KB, were written): exit 3, and
# the previous set is exactly as it was.
"$bin" render a/karabakh-2020-10-09.json -o full "${opts[@]}" || fail "full: render A"
before=$(top full)
set_before=$(cat full/sets/current)
(trap '' XFSZ; ulimit -f 121; exec "$bin" render a/karabakh-2020-10-09.json -o full \
  "${opts[@]}" --style dark) 2>full.err
status=$?
[ "$status" -eq 3 ] || fail "full disk: exit status $status, expected 3: $(cat full.err)"
[ "$(top full)" = "$before" ] || fail "full disk: the previous set changed"
[ "$(cat full/sets/current)" = "$set_before" ] || fail "full disk: another set was published"
published_whole full "full disk"
[ -z "$(find full -name '.staging-*' -o -name '*.tmp')" ] || fail "full disk: leftovers"

# One writer at a time: while another run holds the folder, a render stops
# with exit 3 and says so, and writes nothing.
"$bin" render a/karabakh-2020-10-09.json -o locked "${opts[@]}" || fail "locked: render A"
before=$(top locked)
flock locked/sets/.lock sleep 3 &
holder=$!
sleep 0.3
"$bin" render b/karabakh-2020-10-09.json -o locked "${opts[@]}" 2>locked.err
status=$?
wait "$holder"
[ "$status" -eq 3 ] || fail "locked: exit status $status, expected 3"
grep -q '^locked: another conflictmap run is writing into this folder (.*); wait for it to end, or render into another folder$' \
  locked.err || fail "locked: $(cat locked.err)"
[ "$(top locked)" = "$before" ] || fail "locked: the folder changed"

# Two renders of different inputs into one folder at once: one publishes, the
# other stops (exit 3) or publishes after it; the folder is then one whole
# set, A's or B's, and its manifest parses.
"$bin" render a/karabakh-2020-10-09.json -o both "${opts[@]}" --format png,svg,pdf 2>both-a.err &
pa=$!
for _ in $(seq 1 200); do
  [ -n "$(find both/sets -maxdepth 1 -name '.staging-*' 2>/dev/null)" ] && break
  sleep 0.01
done
"$bin" render b/karabakh-2020-10-09.json -o both "${opts[@]}" --format png,svg,pdf 2>both-b.err
sb=$?
wait "$pa"
sa=$?
[ "$sa" -eq 0 ] || fail "both: A exited $sa: $(cat both-a.err)"
[ "$sb" -eq 0 ] || [ "$sb" -eq 3 ] || fail "both: B exited $sb: $(cat both-b.err)"
[ "$sb" -eq 3 ] && ! grep -q 'another conflictmap run is writing' both-b.err &&
  fail "both: B stopped without saying why: $(cat both-b.err)"
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' both/manifest.json ||
  fail "both: manifest.json does not parse"
published_whole both "both"

finish transaction
