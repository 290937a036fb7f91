#!/bin/bash
# Batch rendering: -j N gives the same bytes whatever N is; the shares of
# --shard K/N, merged by merge-manifests, are byte for byte a single run; the
# progress bar shows on a terminal only. Usage: parallel.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
example="$src/examples/karabakh-2020-10-09.json"
common=(--format png,svg,pdf --size 600x450 --quiet)

# -j 1, 2 and 4: every file the same, the manifest included (PDFs are dated
# with the slice's moment, SVGs do not carry cairo's process-wide counter).
for j in 1 2 4; do
  "$bin" render "$example" -o "j$j" -j "$j" "${common[@]}" 2>"j$j.err" \
    || fail "-j $j exited $?: $(cat "j$j.err")"
done
[ "$(ls j1 | wc -l)" -eq 71 ] || fail "-j 1 wrote $(ls j1 | wc -l) files and folders, expected 70 and sets/"
for j in 2 4; do
  diff -r j1 "j$j" >"diff$j.txt" || fail "-j $j differs from -j 1: $(head -3 "diff$j.txt")"
done
# The value attached, as make and GNU tools take it: -j2, --output=DIR.
"$bin" render "$example" -o j2b -j2 "${common[@]}" 2>j2b.err || fail "-j2 exited $?: $(cat j2b.err)"
diff -r j1 j2b >/dev/null || fail "-j2 differs from -j 1"
"$bin" render "$example" --output=j2c --size=600x450 --format=png,svg,pdf -j2 --quiet \
  2>j2c.err || fail "--output=... exited $?: $(cat j2c.err)"
diff -r j1 j2c >/dev/null || fail "--name=value options differ from -j 1"

# Three shares into one folder, then merge-manifests: the single run's bytes.
for k in 1 2 3; do
  "$bin" render "$example" -o shards --shard "$k/3" -j 1 "${common[@]}" 2>"shard$k.err" \
    || fail "--shard $k/3 exited $?: $(cat "shard$k.err")"
done
[ "$(ls shards/*.png | wc -l)" -eq 23 ] || fail "shards wrote $(ls shards/*.png | wc -l) PNGs"
[ -e shards/manifest.json ] && fail "a share wrote manifest.json"
"$bin" merge-manifests shards 2>merge.err || fail "merge-manifests exited $?: $(cat merge.err)"
[ "$(cat merge.err)" = "conflictmap: merged 23 slices into shards/manifest.json" ] \
  || fail "merge-manifests said: $(cat merge.err)"
diff -r -x sets j1 shards >diffs.txt || fail "the merged shares differ from one run: $(head -3 diffs.txt)"
[ "$(cat j1/sets/current)" = "$(cat shards/sets/current)" ] ||
  fail "the merged shares were published as set $(cat shards/sets/current), one run as $(cat j1/sets/current)"

# A share missing: exit 1, a message that says which, no manifest.json.
"$bin" render "$example" -o partial --shard 1/2 -j 1 "${common[@]}" 2>/dev/null
"$bin" merge-manifests partial 2>missing.err
status=$?
[ "$status" -eq 1 ] || fail "merge with a share missing exited $status, expected 1"
want='partial: shard 2 of 2 is missing (manifest.2-of-2.json); run conflictmap render --shard 2/2 into this folder first'
[ "$(cat missing.err)" = "$want" ] || fail "merge with a share missing said: $(cat missing.err)"
[ -e partial/manifest.json ] && fail "merge with a share missing wrote manifest.json"
# Shares of different slicings (each --at four moments, not the same four):
# refused, no manifest.json, the shares left for a corrected run (issue 15:
# merged with slice times out of order, exit 0).
"$bin" render "$example" -o mixed --shard 1/2 -j 1 "${common[@]}" \
  --at 2020-10-09T08:00:00Z,2020-10-09T09:00:00Z,2020-10-09T10:00:00Z,2020-10-09T11:00:00Z 2>/dev/null
"$bin" render "$example" -o mixed --shard 2/2 -j 1 "${common[@]}" \
  --at 2020-10-09T12:00:00Z,2020-10-09T13:00:00Z,2020-10-09T14:00:00Z,2020-10-09T15:00:00Z 2>/dev/null
# refused DIR WHAT PATTERN: merge-manifests DIR exits 1 with a message that
# matches PATTERN (grep -E) and writes no manifest.json.
refused() {
  "$bin" merge-manifests "$1" 2>"$1.err"
  local status=$?
  [ "$status" -eq 1 ] || fail "merge $2 exited $status, expected 1"
  grep -Eq "$3" "$1.err" || fail "merge $2 said: $(cat "$1.err")"
  [ -e "$1/manifest.json" ] && fail "merge $2 wrote manifest.json"
}
refused mixed "of different slicings" \
  "^mixed: the shares' slices do not add up to one run \\(slice times out of order"
[ -e mixed/manifest.1-of-2.json ] || fail "merge of different slicings removed a share"
# A share twice under two spellings of its number: refused, naming both.
"$bin" render "$example" -o twice --shard 1/2 -j 1 "${common[@]}" 2>/dev/null
"$bin" render "$example" -o twice --shard 2/2 -j 1 "${common[@]}" 2>/dev/null
cp twice/manifest.1-of-2.json twice/manifest.01-of-2.json
refused twice "with a share twice" \
  '^twice/manifest\.0?1-of-2\.json: twice/manifest\.0?1-of-2\.json is share 1 of 2 too; keep one of the two files$'
"$bin" render "$example" -o bad --shard 3/2 2>/dev/null
[ $? -eq 2 ] || fail "--shard 3/2 is not a usage error"

# Progress: nothing when stderr is not a terminal (only the closing line)...
"$bin" render "$example" -o plain -j 2 --size 600x450 --at 2020-10-09T15:15:00Z \
  2>plain.err
[ "$(wc -l <plain.err)" -eq 1 ] && grep -Eq \
  '^conflictmap: wrote 1 slice \(3 files, [0-9.]+ MB, [0-9]+ KB a slice\) to plain/$' plain.err \
  || fail "not a terminal: stderr was $(od -c plain.err | head -3)"
# ...a bar on a terminal (script gives the command a pty), and nothing with --quiet.
if command -v script >/dev/null; then
  script -qec "'$bin' render '$example' -o tty -j 2 --size 600x450" /dev/null >tty.out
  grep -q '23/23 slices' tty.out || fail "terminal: no progress bar in $(head -c 300 tty.out)"
  script -qec "'$bin' render '$example' -o ttyq -j 2 --size 600x450 --quiet" /dev/null \
    >ttyq.out
  [ -s ttyq.out ] && fail "terminal with --quiet printed $(head -c 300 ttyq.out)"
else
  echo "parallel: no script(1) here; the terminal case was not checked"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "parallel: all checks passed"
