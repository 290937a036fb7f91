#!/bin/bash
# `cmake --install` into a fresh prefix: the installed tool finds its shipped
# data by itself; libconflictmap is there shared (a SONAME, the public API
# its only symbols) and static; the public headers stand alone; and another
# C program (tests/install/mymap.c) builds against either library with
# nothing but pkg-config's flags and renders a map whose places the installed
# gazetteer resolves, the library finding its data by itself.
# Usage: install.sh CONFLICTMAP SOURCE_DIR WORK_DIR
source "$(dirname "$0")/common.bash"
build=$(dirname "$bin")
prefix=$work/prefix
must() { "$@" || { fail "$*"; finish install; exit; }; }

must cmake --install "$build" --prefix "$prefix" >install.log 2>&1
pc=$(find "$prefix" -name conflictmap.pc | head -1)
must test -n "$pc"
libdir=$(dirname "$(dirname "$pc")")
[ -f "$prefix/share/man/man1/conflictmap.1" ] || fail "no man page installed"
for doc in events.md events.schema.json style.md; do
  [ -f "$prefix/share/doc/conflictmap/$doc" ] || fail "share/doc/conflictmap/$doc not installed"
done

# The installed tool, run from elsewhere, with no CONFLICTMAP_DATA.
out=$(cd / && env -u CONFLICTMAP_DATA "$prefix/bin/conflictmap" place Hadrud) ||
  fail "installed conflictmap place Hadrud failed"
case "$out" in Hadrut*share/conflictmap/gazetteer/caucasus.tsv:*) ;;
  *) fail "installed tool did not use the installed gazetteer: $out" ;; esac
# The world gazetteer, when it was built, is installed beside it and used.
if [ -f "$src/gazetteer/world.sqlite" ]; then
  cmp -s "$src/gazetteer/world.sqlite" "$prefix/share/conflictmap/gazetteer/world.sqlite" ||
    fail "gazetteer/world.sqlite was not installed"
  out=$(cd / && env -u CONFLICTMAP_DATA "$prefix/bin/conflictmap" place Kyiv) ||
    fail "installed conflictmap place Kyiv failed"
  case "$out" in Kyiv*UA*share/conflictmap/gazetteer/world.sqlite*) ;;
    *) fail "installed tool did not use the installed world gazetteer: $out" ;; esac
fi
# The map's words in each language (po/*.po, compiled) are installed beside
# them and found: the installed tool writes a Russian map from elsewhere.
for po in "$src"/po/*.po; do
  lang=$(basename "$po" .po)
  [ -f "$prefix/share/conflictmap/locale/$lang.mo" ] || fail "locale/$lang.mo not installed"
done
(cd / && env -u CONFLICTMAP_DATA "$prefix/bin/conflictmap" render "$src/examples/karabakh-2020-10-09.json" \
  -o "$work/ru" --format svg --lang ru --at 2020-10-09T15:15:00Z --quiet) 2>ru.err ||
  fail "installed conflictmap render --lang ru failed: $(cat ru.err)"
grep -q '>Новое в 15:15<' "$work"/ru/*.svg 2>/dev/null ||
  fail "installed tool: the Russian map has no 'Новое в 15:15'"
[ -e "$prefix/share/conflictmap/gazetteer/fold-names.c" ] && fail "a build tool's source was installed"
[ -e "$prefix/share/conflictmap/gazetteer/npm" ] && fail "gazetteer/npm was installed"
readelf -d "$prefix/bin/conflictmap" | grep -q 'libconflictmap' &&
  fail "the installed tool needs the shared library; it links the archive"

# The shared library (unless built with CM_SHARED=OFF):
# libconflictmap.so.MAJOR by its SONAME, the development link beside it, and
# the public API as its only symbols: every function the installed headers
# mark CM_API, and nothing else.
must test -f "$libdir/libconflictmap.a"
so=$(ls "$libdir"/libconflictmap.so.*.*.* 2>/dev/null | head -1)
if grep -q '^CM_SHARED:BOOL=OFF' "$build/CMakeCache.txt"; then
  [ -z "$so" ] || fail "built with CM_SHARED=OFF, but $so was installed"
  so=""
else
  must test -n "$so"
fi
shared_library() {
  major=${so#"$libdir/libconflictmap.so."}; major=${major%%.*}
  soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ "$soname" = "libconflictmap.so.$major" ] || fail "SONAME is '$soname', not libconflictmap.so.$major"
  [ "$(readlink "$libdir/libconflictmap.so.$major")" = "$(basename "$so")" ] ||
    fail "libconflictmap.so.$major does not link to $(basename "$so")"
  [ -L "$libdir/libconflictmap.so" ] || fail "no libconflictmap.so to link with"
  nm -D --defined-only "$so" | awk '{print $3}' | sort >exported.txt
  grep -v '^cm_' exported.txt >foreign.txt && fail "symbols exported that are not cm_: $(paste -sd' ' foreign.txt)"
  grep -ho '^CM_API[^(]*(' "$prefix"/include/conflictmap/*.h | sed 's/($//; s/.*[ *]//' | sort >declared.txt
  [ "$(wc -l <declared.txt)" -gt 100 ] || fail "only $(wc -l <declared.txt) CM_API declarations found"
  comm -23 exported.txt declared.txt >extra.txt
  [ -s extra.txt ] && fail "exported but in no public header: $(paste -sd' ' extra.txt)"
  comm -13 exported.txt declared.txt >missing.txt
  [ -s missing.txt ] && fail "declared CM_API but not exported: $(paste -sd' ' missing.txt)"
}
[ -n "$so" ] && shared_library
# A function at the start of a line in a public header is part of the API.
grep -n '^[a-z].*\bcm_[a-z0-9_]*(' "$prefix"/include/conflictmap/*.h | grep -v ':typedef ' >unmarked.txt
[ -s unmarked.txt ] && fail "public functions without CM_API: $(cat unmarked.txt)"

# The public headers need nothing that is not installed: each compiles on
# its own with the prefix's include folder alone, and the files they cite
# are in the prefix.
for h in "$prefix"/include/conflictmap/*.h; do
  printf '#include <conflictmap/%s>\ntypedef int not_empty;\n' "$(basename "$h")" |
    cc -std=c11 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$prefix/include" -x c - \
       2>header.log ||
    fail "$(basename "$h") does not compile alone: $(cat header.log)"
done
# A C++ program includes them too: every declaration inside extern "C", so
# that it links to the C library's names (nm shows none mangled).
command -v c++ >/dev/null || fail "no C++ compiler (Debian: g++) to check the headers' extern \"C\""
printf '#include <conflictmap/conflictmap.h>\nint main() { return cm_render_options_default().scale >= 1 ? 0 : 1; }\n' |
  c++ -std=c++11 -Wall -Wextra -Werror -c -I"$prefix/include" -x c++ - -o cxx.o 2>header.log ||
  fail "the public headers do not compile as C++: $(cat header.log)"
nm -u cxx.o | grep -q '_Z[0-9]*cm_' && fail "C++ sees the API with mangled names (no extern \"C\")"
nm -u cxx.o | grep -q 'cm_render_options_default' || fail "the C++ program does not call the API"
grep -n 'src/\|tests/\|docs/' "$prefix"/include/conflictmap/*.h >cited.txt &&
  fail "public headers cite files of the source tree: $(cat cited.txt)"
for doc in $(grep -oh '[A-Za-z_.-]*\.md\b' "$prefix"/include/conflictmap/*.h | sort -u); do
  [ -n "$(find "$prefix/share" -name "$doc")" ] || fail "a public header cites $doc, which is not installed"
done

# pkg-config: plain --libs links the shared library alone, which brings its
# dependencies; --static adds everything the archive needs.
export PKG_CONFIG_PATH=$(dirname "$pc")
shared_libs=$(pkg-config --libs conflictmap)
static_libs=$(pkg-config --static --libs conflictmap)
case " $shared_libs " in *" -lconflictmap "*) ;; *) fail "--libs: no -lconflictmap in '$shared_libs'" ;; esac
case " $shared_libs " in *" -lcairo "*) fail "--libs names the library's dependencies: '$shared_libs'" ;; esac
for l in -lconflictmap -ldeflate -limagequant -lpng16 -lcairo -lpangocairo-1.0 -lshp -ljansson \
         -lproj -lutf8proc -lsqlite3 -lm; do
  case " $static_libs " in *" $l "*) ;; *) fail "--static --libs has no $l: '$static_libs'" ;; esac
done

# mymap.c, rendering a two-event file named by place names alone.
cat >events.json <<'JSON'
{"title": "Installed", "sides": {"AZ": {"name": "Azerbaijan", "color": "#2b6cb0"}},
 "events": [
  {"id": "a", "time": "2020-10-09T08:00:00Z", "place": "Hadrut", "kind": "shelling"},
  {"id": "b", "time": "2020-10-09T15:15:00Z", "place": "Stepanakert", "kind": "strike"}]}
JSON
sanitize=""
grep -q '^CM_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && sanitize="-fsanitize=address,undefined"
data=$(cd "$prefix/share/conflictmap" && pwd -P)

# $1: the program, $2: its output folder, the rest: env settings. Checks
# that it found the prefix's data and wrote a PNG per slice, every event
# placed.
renders() {
  local prog=$1 out=$2 got
  shift 2
  got=$(cd / && env -u CONFLICTMAP_DATA "$@" "$prog" "$work/events.json" "$work/$out" 2>"$work/$out.err")
  local rc=$?
  [ "$rc" -eq 0 ] || { fail "$prog exited $rc: $(cat "$work/$out.err")"; return; }
  local found=$(sed -n 's/^data: //p' <<<"$got")
  [ "$(cd "$found" 2>/dev/null && pwd -P)" = "$data" ] ||
    fail "$prog found its data in '$found', not the prefix's $data"
  [ "$(sed -n 's/^slices: //p' <<<"$got")" = 2 ] || fail "$prog: expected 2 slices: $got"
  local pngs=("$work/$out"/events-*.png)
  [ "${#pngs[@]}" -eq 2 ] && [ "$(head -c 8 "${pngs[0]}" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] ||
    fail "$prog: expected 2 PNG files in $out, got: $(ls "$work/$out")"
  python3 - "$work/$out/manifest.json" <<'PY' || fail "$prog: an event has no position in the manifest"
import json, sys
last = json.load(open(sys.argv[1]))["slices"][-1]
sys.exit(0 if sorted(last["positions"]) == ["a", "b"] else 1)
PY
}

# Shared: found by the run-time linker through the prefix's lib folder.
shared_program() {
  must cc -std=c11 $sanitize "$src/tests/install/mymap.c" $(pkg-config --cflags --libs conflictmap) \
    -o mymap-shared
  readelf -d mymap-shared | grep -q "NEEDED.*\[libconflictmap.so.$major\]" ||
    fail "mymap-shared does not need libconflictmap.so.$major"
  renders "$work/mymap-shared" out-shared LD_LIBRARY_PATH="$libdir"
  # The library's own message when told to look where there is no data: one
  # problem, saying what to set, and no command-line flag.
  (cd / && LD_LIBRARY_PATH="$libdir" CONFLICTMAP_DATA=/nonexistent "$work/mymap-shared" \
     "$work/events.json" "$work/out-nodata" >/dev/null 2>"$work/nodata.err")
  rc=$?
  [ "$rc" -eq 2 ] || fail "with CONFLICTMAP_DATA=/nonexistent: expected CM_ERR_IO (2), got $rc"
  expected='CONFLICTMAP_DATA is "/nonexistent", which has no shapes/ and gazetteer/ folders; set it to the folder that holds them'
  [ "$(cat nodata.err)" = "$expected" ] ||
    fail "with CONFLICTMAP_DATA=/nonexistent: $(cat nodata.err)"
}
[ -n "$so" ] && shared_program

# Static: a prefix with the archive alone (as CM_SHARED=OFF installs), which
# a program that wants no run-time dependency on conflictmap links; the
# program lives in the prefix's bin/, and finds the data beside it.
rm -f "$libdir"/libconflictmap.so*
must cc -std=c11 $sanitize "$src/tests/install/mymap.c" \
  $(pkg-config --static --cflags --libs conflictmap) -o "$prefix/bin/mymap-static"
readelf -d "$prefix/bin/mymap-static" | grep -q 'libconflictmap' &&
  fail "mymap-static needs a shared libconflictmap"
renders "$prefix/bin/mymap-static" out-static
finish install
