#!/bin/bash
# PDF keeps text as text (pdftotext reads the title and "Hadrut" out of the
# 15:15 slice) and the same input gives the same bytes.
# Usage: pdf.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v pdftotext >/dev/null || exit 77
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
example="$src/examples/karabakh-2020-10-09.json"
for run in a b; do
  "$bin" render "$example" -o "$run" --format pdf --at 2020-10-09T15:15:00Z --quiet ||
    fail "render $run"
done
pdf=a/karabakh-2020-10-09-20201009T1515Z.pdf
pdftotext "$pdf" a.txt || fail "pdftotext"
grep -q 'Armenia, Azerbaijan meet for Nagorno-Karabakh talks' a.txt || fail "no title in $(head -5 a.txt)"
grep -q 'Hadrut' a.txt || fail "no Hadrut in the text"
cmp -s "$pdf" b/karabakh-2020-10-09-20201009T1515Z.pdf || fail "two runs gave different PDFs"
echo "pdf: $(wc -w <a.txt) words of text; two runs byte-identical"
[ "$failures" -eq 0 ]
