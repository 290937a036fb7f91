#!/bin/bash
# The output folder treated as shared newsroom folders are (issue 15): a link
# planted at any temporary name, or at a final name, is never written
# through; a folder named like a URL ("file:", "pipe:") reaches ffmpeg as a
# path. Usage: outdir.sh CONFLICTMAP SOURCE_DIR WORK_DIR
. "$(dirname "$0")/common.bash"
example="$src/examples/karabakh-2020-10-09.json"
at=2020-10-09T07:25:00Z,2020-10-09T15:15:00Z

# Links planted by "another user" at the old predictable temporary names of
# every file a render writes (<name>.tmp), and at one final name.
echo "victim" >victim
echo "victim2" >victim2
"$bin" render "$example" -o out --at "$at" --format png,svg,pdf,html --quiet ||
  fail "first render failed"
names=$(cd out && ls)
[ "$(echo "$names" | wc -l)" -ge 8 ] || fail "first render wrote only: $names"
for n in $names; do ln -s "$work/victim" "out/$n.tmp"; done
svg=$(cd out && ls -- *.svg | head -1)
rm "out/$svg" && ln -s "$work/victim2" "out/$svg"
mkdir -p changed
sed 's/Azerbaijan says it took Hadrut/Azerbaijan says it has taken Hadrut/' "$example" \
  >changed/karabakh-2020-10-09.json
"$bin" render changed/karabakh-2020-10-09.json -o out --at "$at" --format png,svg,pdf,html --quiet ||
  fail "render over planted links failed"
[ "$(cat victim)" = "victim" ] || fail "a planted temporary link was written through"
[ "$(cat victim2)" = "victim2" ] || fail "a link at a final name was written through"
[ -L "out/$svg" ] && fail "the link at out/$svg was kept, not replaced"
grep -q "<svg" "out/$svg" || fail "out/$svg is not the new SVG"
for n in $names; do [ -L "out/$n.tmp" ] || fail "the planted out/$n.tmp was touched"; done

# A link planted at sets/, where every set is written: refused (exit 3),
# nothing written where it points.
mkdir -p elsewhere linked
ln -s "$work/elsewhere" linked/sets
"$bin" render "$example" -o linked --at "$at" --format png 2>linked.err
status=$?
[ "$status" -eq 3 ] || fail "a link at sets/: exit status $status, expected 3"
grep -q '^linked: "linked/sets" is a link, not a folder; conflictmap keeps its sets of maps there and follows no link: remove it, or render into another folder$' \
  linked.err || fail "a link at sets/: $(cat linked.err)"
[ -z "$(ls -A elsewhere)" ] || fail "a link at sets/: wrote $(ls -A elsewhere) where it points"

# A link planted among the sets, named like one, pointing at a folder of
# someone else's: never followed, never pruned into.
"$bin" render "$example" -o planted --at "$at" --format png --quiet || fail "planted: render"
mkdir -p victims && echo keep >victims/file
ln -s "$work/victims" planted/sets/000000000000
for style in dark print light; do   # three more sets: the oldest are pruned
  "$bin" render "$example" -o planted --at "$at" --format png --quiet --style "$style" ||
    fail "planted: render with $style"
done
[ "$(cat victims/file 2>/dev/null)" = keep ] || fail "planted: a file behind a planted link was removed"

# -o 'file:' and -o 'pipe:' with an animation: ffmpeg (a stand-in that
# records its arguments) is given a path that starts with ./, inside the
# folder, never a URL, and nothing is written outside the working folder.
mkdir -p fakebin cwd
cat >fakebin/ffmpeg <<'SH'
#!/bin/sh
for a; do last=$a; done
printf '%s\n' "$last" >>"$FFMPEG_ARGS"
cat >/dev/null
printf 'GIF89a' >"$last"
SH
chmod +x fakebin/ffmpeg
for dir in file: pipe:; do
  (cd cwd && FFMPEG_ARGS="$work/args" PATH="$work/fakebin:$PATH" \
     "$bin" render "$example" -o "$dir" --at "$at" --format gif --quiet) 2>"err-$dir" ||
    fail "-o $dir --format gif failed: $(cat "err-$dir")"
  last=$(tail -1 args)
  case "$last" in
    "./$dir/sets/.staging-"*"/karabakh-2020-10-09.gif."*.tmp) ;;
    *) fail "-o $dir: ffmpeg was given \"$last\", not a path inside ./$dir/" ;;
  esac
  [ -s "cwd/$dir/karabakh-2020-10-09.gif" ] || fail "-o $dir: no cwd/$dir/karabakh-2020-10-09.gif"
done
[ -e /karabakh-2020-10-09.gif ] && fail "a GIF was written at the root of the file system"
# A second gif-only run draws the animation anew: it does not say that
# slices were "unchanged and kept" (issue 17), and counts its 2 files.
(cd cwd && FFMPEG_ARGS="$work/args" PATH="$work/fakebin:$PATH" \
   "$bin" render "$example" -o file: --at "$at" --format gif) 2>again.err
grep -q "kept" again.err && fail "a gif-only run said: $(cat again.err)"
grep -q "^conflictmap: wrote 2 slices (2 files, " again.err || fail "gif-only summary: $(cat again.err)"

finish outdir
