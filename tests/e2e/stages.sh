#!/bin/bash
# The pipeline's order in the folders: a file in src/<stage>/ includes private
# headers only from its own stage or one below it, and public headers only of
# its own stage or one below. A file that reaches up (layout/ including
# draw/draw.h, say) fails with its name and the line.
# Usage: stages.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
src=$2
order="common load geo slice layout draw output render cli"
# The stage of each public header in include/conflictmap/.
declare -A public=(
  [api.h]=common [diag.h]=common [limits.h]=common [timestamp.h]=common [data.h]=load
  [events.h]=load [gazetteer.h]=load [layer.h]=load [style.h]=load [acled.h]=load
  [projection.h]=geo [slice.h]=slice [scene.h]=layout [draw.h]=draw
  [render.h]=render [conflictmap.h]=cli
)
rank() { local i=0 s; for s in $order; do [ "$s" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }

failures=0 files=0
for stage in $order; do
  [ -d "$src/src/$stage" ] || { echo "FAIL: src/$stage is missing" >&2; failures=$((failures + 1)); continue; }
  mine=$(rank "$stage")
  for f in "$src/src/$stage"/*.[ch]; do
    files=$((files + 1))
    while IFS=: read -r line inc; do
      case "$inc" in
        conflictmap/*) h=${inc#conflictmap/}; theirs=${public[$h]:-}
          [ -n "$theirs" ] || { echo "FAIL: ${f#$src/}:$line: public header $inc has no stage in stages.sh" >&2; failures=$((failures + 1)); continue; } ;;
        */*) theirs=${inc%%/*} ;;
        *) [ -e "$src/src/$stage/$inc" ] || { echo "FAIL: ${f#$src/}:$line: \"$inc\" names no folder" >&2; failures=$((failures + 1)); }; continue ;;
      esac
      if [ "$(rank "$theirs")" -gt "$mine" ]; then
        echo "FAIL: ${f#$src/}:$line: $stage/ includes \"$inc\" from $theirs/, a later stage" >&2
        failures=$((failures + 1))
      fi
    done < <(grep -n '^#include "' "$f" | sed 's/^\([0-9]*\):#include "\([^"]*\)".*/\1:\2/')
  done
done
# Nothing left loose at the top of src/: every source file is in a stage.
for f in "$src/src"/*.[ch]; do
  [ -e "$f" ] && { echo "FAIL: ${f#$src/} is in no stage folder" >&2; failures=$((failures + 1)); }
done
[ "$files" -gt 40 ] || { echo "FAIL: only $files files checked" >&2; failures=$((failures + 1)); }
echo "stages: $files files checked, $failures problems"
[ "$failures" -eq 0 ]
