#!/bin/bash
# All or nothing under hostile conditions: SIGINT and SIGTERM mid-render, a
# full disk, and output names that come only from the events file's name and
# the slice times. Usage: hostile.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
example="$src/examples/karabakh-2020-10-09.json"

# no_temporaries DIR WHAT: nothing named *.tmp is left in DIR.
no_temporaries() {
  local left
  left=$(find "$1" -name '*.tmp' 2>/dev/null)
  [ -z "$left" ] || fail "$2 left temporaries: $left"
}

# A signal while a file is being written: the run ends by that signal and no
# temporary is left. The signal is sent once a temporary exists, so it lands
# while one is open (or just after it was renamed, which is fine too).
for sig in INT TERM; do
  out="sig-$sig"
  "$bin" render "$example" -o "$out" --quiet --format png,svg,pdf --scale 2 2>/dev/null &
  pid=$!
  for _ in $(seq 1 500); do
    [ -n "$(find "$out" -name '*.tmp' 2>/dev/null)" ] && break
    sleep 0.01
  done
  kill -"$sig" "$pid"
  wait "$pid"
  status=$?
  want=$((128 + $(kill -l "$sig")))
  [ "$status" -eq "$want" ] || fail "SIG$sig: exit status $status, expected $want"
  no_temporaries "$out" "SIG$sig"
done

# A full disk. With RLIMIT_FSIZE a write past 200 KB fails (EFBIG, SIGXFSZ
# ignored) as it would on a full disk: exit 3, no partial file, no temporary.
(trap '' XFSZ; ulimit -f 200; exec "$bin" render "$example" -o fsize --quiet) 2>fsize.err
status=$?
[ "$status" -eq 3 ] || fail "file size limit: exit status $status, expected 3: $(cat fsize.err)"
grep -q 'cannot write ".*"' fsize.err || fail "file size limit: $(cat fsize.err)"
no_temporaries fsize "file size limit"
[ -z "$(ls -A fsize 2>/dev/null)" ] || fail "file size limit left files: $(ls fsize | head -3)"

# A real full disk: a 1 MB tmpfs, when this machine lets us mount one.
mkdir -p tiny
if mount -t tmpfs -o size=1m tmpfs tiny 2>/dev/null; then
  "$bin" render "$example" -o tiny/out --quiet 2>tiny.err
  status=$?
  [ "$status" -eq 3 ] || fail "full tmpfs: exit status $status, expected 3: $(cat tiny.err)"
  grep -q 'cannot write ".*": the disk may be full' tiny.err || fail "full tmpfs: $(cat tiny.err)"
  no_temporaries tiny "full tmpfs"
  [ -z "$(ls -A tiny/out 2>/dev/null)" ] || fail "full tmpfs left files: $(ls tiny/out | head -3)"
  umount tiny
else
  echo "hostile: cannot mount a tmpfs here; the full-disk check used RLIMIT_FSIZE only"
fi

# Output names come from the events file's name and the slice times only:
# ids, titles and headlines full of paths and markup change nothing.
cat > names.json <<'JSON'
{"title": "../../escape", "sides": {"AZ": {"name": "<b>AZ</b>"}},
 "events": [
  {"id": "../../../tmp/owned", "time": "2020-10-09T15:15:00Z", "place": "Hadrut",
   "headline": "/etc/passwd"},
  {"id": "a/b\\c", "time": "2020-10-09T16:00:00+01:00", "lon": 46.9, "lat": 39.5,
   "headline": "<script>x</script>"}
 ]}
JSON
"$bin" render names.json -o names --quiet --format png,svg 2>names.err
status=$?
[ "$status" -eq 0 ] || fail "names: exit status $status: $(cat names.err)"
got=$(cd names && ls | sort | tr '\n' ' ')
want="manifest.json names-20201009T1500Z.png names-20201009T1500Z.svg names-20201009T1515Z.png names-20201009T1515Z.svg sets "
[ "$got" = "$want" ] || fail "names: wrote \"$got\", expected \"$want\""
[ ! -e "$work/tmp" ] && [ ! -e /tmp/owned ] || fail "names: an id became a path"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "hostile: all checks passed"
