#!/bin/bash
# --format gif,mp4 (src/output/animate.c): one file for the whole timeline through
# ffmpeg, frames counted with ffprobe, identical slices left out, --hold, a
# clear message when ffmpeg is missing or fails, nothing left half-written.
# Usage: animate.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || exit 77
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
example="$src/examples/karabakh-2020-10-09.json"
frames() { ffprobe -v error -count_frames -select_streams v:0 \
  -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }

# Three slices in the minute 15:16; the last two show the same (nothing new,
# the same moment), so the animation has two frames of 1.5 s each.
at=2020-10-09T15:16:00Z,2020-10-09T15:16:30Z,2020-10-09T15:16:45Z
"$bin" render "$example" -o same --format gif,mp4,png --size 400x300 --hold 1.5s --at "$at" \
  2>same.err || fail "render same: $(cat same.err)"
grep -qx 'conflictmap: the animation has 2 frames; 1 slice left out (the same image as the one before)' \
  same.err || fail "message: $(cat same.err)"
cmp -s same/karabakh-2020-10-09-20201009T151630Z.png same/karabakh-2020-10-09-20201009T151645Z.png ||
  fail "the two slices were expected to look the same"
for ext in gif mp4; do
  f=same/karabakh-2020-10-09.$ext
  n=$(frames "$f"); d=$(duration "$f")
  echo "$ext, 3 slices (1 identical): $n frames, $d s"
  [ "$n" = 2 ] || fail "$f: $n frames, expected 2"
  case $d in 3|3.0*) ;; *) fail "$f: $d s, expected 3 (2 frames x 1.5 s)";; esac
done
[ -z "$(find same -name '*.tmp')" ] || fail "temporaries left in same/"

# The whole timeline: 23 slices, none alike, 0.5 s each.
"$bin" render "$example" -o all --format gif --size 400x300 --hold 0.5 --quiet ||
  fail "render all"
n=$(frames all/karabakh-2020-10-09.gif)
echo "gif, whole timeline: $n frames, $(duration all/karabakh-2020-10-09.gif) s"
[ "$n" = 23 ] || fail "whole timeline: $n frames, expected 23"
[ "$(ls all)" = "$(printf 'karabakh-2020-10-09.gif\nmanifest.json\nsets')" ] || fail "all/: $(ls all)"

# No ffmpeg on PATH: exit 3, the message, nothing written (not even the folder).
mkdir -p nopath
ln -sf "$(command -v dirname)" nopath/dirname
PATH="$work/nopath" "$bin" render "$example" -o missing --format png,gif 2>missing.err
status=$?
[ "$status" -eq 3 ] || fail "no ffmpeg: exit status $status, expected 3"
grep -qx 'conflictmap: --format gif needs ffmpeg, which is not installed (Debian: apt-get install ffmpeg)' \
  missing.err || grep -qx -- '--format gif needs ffmpeg, which is not installed (Debian: apt-get install ffmpeg)' \
  missing.err || fail "no ffmpeg: $(cat missing.err)"
[ ! -e missing ] || fail "no ffmpeg: wrote $(ls missing)"

# An ffmpeg that fails: exit 3, and the run's other files are taken back.
mkdir -p badbin
printf '#!/bin/sh\ncat >/dev/null\necho "ffmpeg: no luck" >&2\nexit 1\n' >badbin/ffmpeg
chmod +x badbin/ffmpeg
PATH="$work/badbin:$PATH" "$bin" render "$example" -o broken --format png,gif --size 400x300 \
  --at 2020-10-09T15:15:00Z 2>broken.err
status=$?
[ "$status" -eq 3 ] || fail "failing ffmpeg: exit status $status, expected 3"
grep -q 'ffmpeg could not write ".*karabakh-2020-10-09.gif" (exit status 1)' broken.err ||
  fail "failing ffmpeg: $(cat broken.err)"
[ -z "$(ls -A broken 2>/dev/null)" ] || fail "failing ffmpeg left $(ls broken)"

# An interrupted animation leaves no temporary (ffmpeg here only reads).
printf '#!/bin/sh\nexec cat >/dev/null\n' >badbin/ffmpeg
PATH="$work/badbin:$PATH" "$bin" render "$example" -o killed --format gif --quiet 2>/dev/null &
pid=$!
for _ in $(seq 1 1000); do
  [ -n "$(find killed -name "karabakh-2020-10-09.gif.*.tmp" 2>/dev/null)" ] && break
  sleep 0.01
done
kill -TERM "$pid"
wait "$pid"
status=$?
[ "$status" -eq 143 ] || fail "SIGTERM: exit status $status, expected 143"
sleep 0.2
[ -z "$(find killed -name '*.tmp' 2>/dev/null)" ] || fail "SIGTERM left $(ls killed)"

# --hold must be a time.
"$bin" render "$example" -o hold --format gif --hold soon 2>hold.err
[ $? -eq 2 ] || fail "--hold soon: expected exit status 2"
grep -q -- '--hold' hold.err || fail "--hold soon: $(cat hold.err)"

[ "$failures" -eq 0 ] || exit 1
echo "animate: all checks passed"
