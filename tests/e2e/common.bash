# What every end-to-end script starts with, sourced (not a test itself: the
# tests are e2e/*.sh): the arguments ctest passes (CONFLICTMAP SOURCE_DIR
# WORK_DIR), a fresh work folder to run in, fail() that counts failures, and
# finish NAME, which reports them as the exit status.
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
finish() {
  echo "$1: $failures failures"
  [ "$failures" -eq 0 ]
}
