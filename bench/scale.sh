#!/bin/bash
# Scale (issue 8, item 8): a long timeline and a large layer. Not part of
# ctest. Prints wall time, CPU time and peak memory (GNU time -v) for:
#   1. 100,000 events over 90 days, --every 1h (2,160 slices), and the same
#      density over 30 and 60 days (720 and 1,440 slices), to see time and
#      memory grow with the slices;
#   2. a regions layer of 250,000, 500,000 and 1,000,000 vertices, loaded and
#      drawn on one slice, as GeoJSON and (with ogr2ogr) as a shapefile.
# Usage: bench/scale.sh [BUILD_DIR]   (default build-rel; SIZE=400x300, JOBS=2,
# WINDOW=1d, SKIP_TIMELINE=1 or SKIP_SHAPES=1 to run one half)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build-rel}/conflictmap
size=${SIZE:-400x300} jobs=${JOBS:-2} window=${WINDOW:-1d}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # measure LABEL command...: one line of figures
  local label=$1; shift
  /usr/bin/time -v "$@" 2>"$work/time.txt" >/dev/null || { cat "$work/time.txt"; exit 1; }
  awk -v label="$label" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
    /User time/ { user = $2 } /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%-34s wall %8.1f s  cpu %8.1f s  peak %7.1f MB\n", label, wall, user + sys, rss / 1024 }
  ' "$work/time.txt"
}

if [ -z "${SKIP_TIMELINE:-}" ]; then
  echo "== timeline: 100,000 events over 90 days (same density for 30, 60), --every 1h," \
       "--window $window, --size $size, -j $jobs, png"
  for days in 30 60 90; do
    python3 "$here/scale-events.py" $((100000 * days / 90)) "$days" "$work/ev$days.json"
    measure "validate ($days days)" "$bin" validate "$work/ev$days.json"
    rm -rf "$work/out"
    measure "render $((days * 24)) slices ($days days)" "$bin" render "$work/ev$days.json" \
      -o "$work/out" --every 1h --window "$window" --size "$size" -j "$jobs" --format png --quiet
    echo "  files: $(ls "$work/out" | wc -l), manifest $(du -m "$work/out/manifest.json" | cut -f1) MB"
  done
fi

if [ -z "${SKIP_SHAPES:-}" ]; then
  echo "== a regions layer of N vertices (GeoJSON), one slice, --size $size"
  python3 "$here/scale-events.py" 100 1 "$work/few.json"
  rm -rf "$work/out"
  measure "no regions layer" "$bin" render "$work/few.json" -o "$work/out" --size "$size" \
    --at 2020-10-01T12:00:00Z --format png --quiet
  for n in 250000 500000 1000000; do
    python3 "$here/scale-shape.py" "$n" "$work/regions.geojson"
    rm -rf "$work/out"
    measure "$n vertices" "$bin" render "$work/few.json" -o "$work/out" --size "$size" \
      --shapes "regions=$work/regions.geojson" --at 2020-10-01T12:00:00Z --format png --quiet
    if command -v ogr2ogr >/dev/null; then   # the same vertices as a shapefile
      rm -f "$work"/regions.shp "$work"/regions.shx "$work"/regions.dbf "$work"/regions.prj
      ogr2ogr -f "ESRI Shapefile" "$work/regions.shp" "$work/regions.geojson"
      rm -rf "$work/out"
      measure "$n vertices (shapefile)" "$bin" render "$work/few.json" -o "$work/out" \
        --size "$size" --shapes "regions=$work/regions.shp" --at 2020-10-01T12:00:00Z \
        --format png --quiet
    fi
  done
fi
