#!/bin/bash
# PNG output from the command line: the opaque map is 8-bit RGB, --png-colors
# gives an indexed file that is smaller, the same input gives the same bytes,
# a bad --png-colors is a usage error, and the last line reports bytes a slice.
# Usage: png.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
example="$src/examples/karabakh-2020-10-09.json"
at=2020-10-09T07:25:00Z,2020-10-09T15:15:00Z

# ihdr FILE: bit depth and colour type, as "8 2".
ihdr() { od -An -tu1 -j24 -N2 "$1" | tr -s ' ' | sed 's/^ //'; }

"$bin" render "$example" -o rgb --at "$at" --format png 2>rgb.err || fail "default render failed"
n=0
for f in rgb/*.png; do
  n=$((n + 1))
  [ "$(ihdr "$f")" = "8 2" ] || fail "$f: depth and colour type $(ihdr "$f"), expected 8 2 (RGB)"
done
[ "$n" -eq 2 ] || fail "default render wrote $n PNGs, expected 2"
grep -Eq '^conflictmap: wrote 2 slices \(3 files, [0-9]+\.[0-9] MB, [0-9]+ KB a slice\) to rgb/$' rgb.err ||
  fail "last line: $(tail -1 rgb.err)"

"$bin" render "$example" -o pal --at "$at" --format png --png-colors 256 --quiet ||
  fail "--png-colors 256 failed"
"$bin" render "$example" -o pal2 --at "$at" --format png --png-colors 256 --quiet
for f in pal/*.png; do
  [ "$(ihdr "$f")" = "8 3" ] || fail "$f: depth and colour type $(ihdr "$f"), expected 8 3"
  g="rgb/$(basename "$f")"
  [ "$(stat -c %s "$f")" -lt "$(stat -c %s "$g")" ] || fail "$f is not smaller than $g"
  cmp -s "$f" "pal2/$(basename "$f")" || fail "$f: not the same bytes on a second run"
done

usage() {   # usage VALUE EXPECTED_FIRST_LINE
  "$bin" render "$example" -o bad --png-colors "$1" 2>bad.err
  local status=$?
  [ "$status" -eq 2 ] || fail "--png-colors $1: exit $status, expected 2"
  [ "$(head -1 bad.err)" = "$2" ] || fail "--png-colors $1: said \"$(head -1 bad.err)\""
  [ ! -e bad ] || fail "--png-colors $1 wrote bad/"
}
usage 1 'conflictmap: --png-colors "1" should be a number from 2 to 256'
usage 2.5 'conflictmap: --png-colors "2.5" should be a whole number from 2 to 256'

[ "$failures" -eq 0 ] || exit 1
echo "png: all checks passed"
