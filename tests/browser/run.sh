#!/bin/bash
# The browser test: renders the example and tests/browser/hostile.json with
# --format html, then drives the pages in Debian's chromium through
# playwright-core (page.test.mjs). playwright-core comes from npm, pinned by
# package-lock.json, installed into WORK_DIR only; no browser is downloaded.
# Skips (77) when chromium, node or npm are missing, except under CI=true.
# Usage: run.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -eu
cli=$1 src=$2 work=$3
here="$src/tests/browser"
chromium=${CM_CHROMIUM:-/usr/bin/chromium}

missing=""
[ -x "$chromium" ] || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  if [ "${CI:-}" = true ]; then
    echo "browser test: missing$missing; scripts/install-deps installs them" >&2
    exit 1
  fi
  echo "browser test skipped: missing$missing (scripts/install-deps installs them)"
  exit 77
fi

mkdir -p "$work"
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" ||
   [ ! -f "$work/node_modules/playwright-core/package.json" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  (cd "$work" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_cache="$work/.npm" \
     npm ci --no-audit --no-fund --loglevel=error)
fi
# Next to its node_modules, so that its import of playwright-core resolves there.
cp "$here/page.test.mjs" "$here/live.test.mjs" "$work/"

rm -rf "$work/out" "$work/hostile"
"$cli" render "$src/examples/karabakh-2020-10-09.json" -o "$work/out" --format html --quiet
"$cli" render "$here/hostile.json" -o "$work/hostile" --format html --quiet
CM_CHROMIUM="$chromium" node "$work/page.test.mjs" "$work/out" "$work/hostile" "$work"
echo "screenshots: $work/page-375.png $work/page-1280.png $work/fold-{320,375,768,1280,1600}.png"
echo "  $work/sheet-375.png $work/article-375.png $work/article-1280.png (a 680 px column)"
# Live reload: a page served by watch --serve follows the events file's saves.
CM_CHROMIUM="$chromium" node "$work/live.test.mjs" "$cli" "$src/examples/karabakh-2020-10-09.json" \
  "$work/live"
