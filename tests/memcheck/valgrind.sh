#!/bin/bash
# The example's 15:15 slice rendered under valgrind --leak-check=full: no
# errors and no leaks of conflictmap's (valgrind.supp lists the font caches
# that are not). A second run writes the HTML page (its PNGs at 1x and 2x)
# with places named in Arabic (--lang ar), where pango asks fontconfig for a
# script's fallback fonts: fontconfig's "possibly lost" strings, which the
# first run does not meet. Skipped (77) without
# valgrind. Plain builds only: valgrind and the sanitizers do not mix.
# Usage: valgrind.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
command -v valgrind >/dev/null || { echo "valgrind is not installed; skipped"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2

# NAME FILES ARGS...: one render under valgrind into out-NAME, FILES files.
check() {
  local name=$1 files=$2
  shift 2
  valgrind --leak-check=full --error-exitcode=9 --errors-for-leak-kinds=definite,possible \
    --suppressions="$src/tests/memcheck/valgrind.supp" \
    "$bin" render "$src/examples/karabakh-2020-10-09.json" --at 2020-10-09T15:15:00Z \
    -o "out-$name" --quiet "$@" 2>"valgrind-$name.log"
  local status=$?
  echo "$name:"
  grep -E "ERROR SUMMARY|definitely lost:|indirectly lost:|possibly lost:|still reachable:" \
    "valgrind-$name.log"
  if [ "$status" -ne 0 ]; then
    echo "FAIL: $name: valgrind exit status $status; see $work/valgrind-$name.log" >&2
    grep -B2 -A20 "definitely lost in\|possibly lost in\|Invalid\|uninitialised" \
      "valgrind-$name.log" | head -80 >&2
    return 1
  fi
  [ "$(ls "out-$name" | wc -l)" -eq "$files" ] ||
    { echo "FAIL: $name: expected $files files and sets/: $(ls "out-$name")" >&2; return 1; }
}

failed=0
check example 5 --format png,svg,pdf || failed=1   # 3 maps, a manifest and sets/
check arabic 7 --format html --lang ar || failed=1   # 3 PNGs (1x, 2x, phone), 2 pages, a manifest, sets/
[ "$failed" -eq 0 ] || exit 1
echo "valgrind: no errors, no leaks"
