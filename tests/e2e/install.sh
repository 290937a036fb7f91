#!/bin/bash
# `cmake --install` into a fresh prefix: the installed tool finds its shipped
# data by itself, and another C program builds against libconflictmap through
# pkg-config and uses it. Usage: install.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
build=$(dirname "$bin")
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >install.log 2>&1 || fail "install: $(cat install.log)"
pc=$(find "$work/prefix" -name conflictmap.pc | head -1)
[ -n "$pc" ] || fail "no conflictmap.pc installed"
[ -f "$work/prefix/share/man/man1/conflictmap.1" ] || fail "no man page installed"

# The installed tool, run from elsewhere, with no CONFLICTMAP_DATA.
out=$(cd / && env -u CONFLICTMAP_DATA "$work/prefix/bin/conflictmap" place Hadrud) ||
  fail "installed conflictmap place Hadrud failed"
case "$out" in Hadrut*share/conflictmap/gazetteer/caucasus.tsv:*) ;;
  *) fail "installed tool did not use the installed gazetteer: $out" ;; esac
# The world gazetteer, when it was built, is installed beside it and used.
if [ -f "$src/gazetteer/world.sqlite" ]; then
  cmp -s "$src/gazetteer/world.sqlite" "$work/prefix/share/conflictmap/gazetteer/world.sqlite" ||
    fail "gazetteer/world.sqlite was not installed"
  out=$(cd / && env -u CONFLICTMAP_DATA "$work/prefix/bin/conflictmap" place Kyiv) ||
    fail "installed conflictmap place Kyiv failed"
  case "$out" in Kyiv*UA*share/conflictmap/gazetteer/world.sqlite*) ;;
    *) fail "installed tool did not use the installed world gazetteer: $out" ;; esac
fi
[ -e "$work/prefix/share/conflictmap/gazetteer/fold-names.c" ] && fail "a build tool's source was installed"
[ -e "$work/prefix/share/conflictmap/gazetteer/npm" ] && fail "gazetteer/npm was installed"

# Another program, built against the installed library.
cat > uses-library.c <<'C'
#include <conflictmap/conflictmap.h>
#include <stdio.h>
int main(int argc, char **argv) {
    cm_gazetteer *gaz = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    if (argc < 2 || cm_gazetteer_create(&gaz) != CM_OK ||
        cm_gazetteer_add_file(gaz, argv[1], diags) != CM_OK)
        return 1;
    const cm_place *p = cm_gazetteer_find(gaz, "Cebrayil", NULL);
    printf("%s %.2f %.2f\n", p ? cm_place_name(p) : "(none)", p ? cm_place_lon(p) : 0,
           p ? cm_place_lat(p) : 0);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
    return p ? 0 : 1;
}
C
sanitize=""
grep -q '^CM_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && sanitize="-fsanitize=address,undefined"
export PKG_CONFIG_PATH=$(dirname "$pc")
cc -std=c11 $sanitize uses-library.c $(pkg-config --cflags --libs conflictmap) \
   -o uses-library 2>cc.log || fail "building against the library: $(cat cc.log)"
got=$(./uses-library "$work/prefix/share/conflictmap/gazetteer/caucasus.tsv") ||
  fail "the program using the library failed: $got"
[ "$got" = "Jabrayil 47.03 39.40" ] || fail "expected 'Jabrayil 47.03 39.40', got '$got'"
echo "install: the tool and a program linked through pkg-config both work"
