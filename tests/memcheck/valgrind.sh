#!/bin/bash
# The example's 15:15 slice rendered under valgrind --leak-check=full: no
# errors and no leaks of conflictmap's (valgrind.supp lists the font caches
# that are not). Skipped (77) without valgrind. Plain builds only: valgrind
# and the sanitizers do not mix.
# Usage: valgrind.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
command -v valgrind >/dev/null || { echo "valgrind is not installed; skipped"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
valgrind --leak-check=full --error-exitcode=9 --errors-for-leak-kinds=definite,possible \
  --suppressions="$src/tests/memcheck/valgrind.supp" \
  "$bin" render "$src/examples/karabakh-2020-10-09.json" --at 2020-10-09T15:15:00Z \
  --format png,svg,pdf -o out --quiet 2>valgrind.log
status=$?
grep -E "ERROR SUMMARY|definitely lost:|indirectly lost:|possibly lost:|still reachable:" \
  valgrind.log
if [ "$status" -ne 0 ]; then
  echo "FAIL: valgrind exit status $status; see $work/valgrind.log" >&2
  grep -B2 -A20 "definitely lost in\|possibly lost in\|Invalid\|uninitialised" valgrind.log \
    | head -80 >&2
  exit 1
fi
[ "$(ls out | wc -l)" -eq 5 ] || { echo "FAIL: expected 3 maps, a manifest and sets/" >&2; exit 1; }
echo "valgrind: no errors, no leaks"
