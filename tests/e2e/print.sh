#!/bin/bash
# --print-size and --dpi (issue 19): the PDF's page is the print size in
# points, with the map's title, subject and author; a PNG is the print size
# at the dpi; the map is laid out at the print size, not the 1600x1200 one
# scaled (its labels are at print sizes); bad sizes are usage errors.
# Usage: print.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v pdfinfo >/dev/null || exit 77
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
example="$src/examples/karabakh-2020-10-09.json"
at=(--at 2020-10-09T15:15:00Z)
name=karabakh-2020-10-09-20201009T1515Z

png_size() {   # WIDTHxHEIGHT of a PNG, from its IHDR
  od -An -tu1 -j16 -N8 "$1" |
    awk '{ printf "%dx%d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'
}

page_size() {   # SIZE FILE: the PDF's "Page size" line as pdfinfo prints it
  "$bin" render "$example" -o "out-$1" --format pdf "${at[@]}" --print-size "$1" --quiet ||
    { fail "render --print-size $1"; return; }
  pdfinfo "out-$1/$name.pdf" | sed -n 's/^Page size: *//p'
}

got=$(page_size 180x120mm)
[ "$got" = "510.236 x 340.157 pts" ] || fail "180x120mm: page size \"$got\""
got=$(page_size 18x12cm)
[ "$got" = "510.236 x 340.157 pts" ] || fail "18x12cm: page size \"$got\""
got=$(page_size A4)
[ "$got" = "595.276 x 841.89 pts (A4)" ] || fail "A4: page size \"$got\""
got=$(page_size A4-landscape)
[ "$got" = "841.89 x 595.276 pts (A4)" ] || fail "A4-landscape: page size \"$got\""
got=$(page_size letter)
[ "$got" = "612 x 792 pts (letter)" ] || fail "letter: page size \"$got\""
# a width alone: the height from --size's aspect (1600x1200 by default)
got=$(page_size 180mm)
[ "$got" = "510.236 x 382.677 pts" ] || fail "180mm: page size \"$got\""

# The document's information: title, subject (the subtitle, else the moment),
# author (the source).
pdfinfo out-180x120mm/$name.pdf >info.txt
grep -qx 'Title: *Armenia, Azerbaijan meet for Nagorno-Karabakh talks' info.txt ||
  fail "no title: $(cat info.txt)"
grep -qx 'Subject: *Reported events, 9 October 2020' info.txt || fail "no subject"
grep -qx 'Author: *Al Jazeera live blog and news agencies, 9 October 2020' info.txt ||
  fail "no author"

# Type at print sizes: laid out at 180 mm, an event's 14 px label is 10.5 pt
# on the page, a box about 14 pt high (ascent and descent); the 1600x1200 map
# scaled to 180 mm would set it at 4.5 pt, a box of 6 pt.
if command -v pdftotext >/dev/null; then
  pdftotext -bbox out-180x120mm/$name.pdf words.html
  h=$(grep '>Stepanakert<' words.html | head -1 |
      sed 's/.*yMin="\([0-9.]*\)".*yMax="\([0-9.]*\)".*/\1 \2/' | awk '{ print $2 - $1 }')
  awk -v h="${h:-0}" 'BEGIN { exit !(h > 12 && h < 17) }' ||
    fail "Stepanakert's text box is ${h:-missing} pt high, expected about 14 pt (10.5 pt type)"
fi

# The PNG: the print size at the dpi, 180 mm at 300 dpi is 2126 pixels wide.
"$bin" render "$example" -o png "${at[@]}" --format png --print-size 180x120mm --dpi 300 \
  --quiet || fail "render png"
got=$(png_size png/$name.png)
[ "$got" = 2126x1417 ] || fail "180x120mm at 300 dpi: $got pixels, expected 2126x1417"
"$bin" render "$example" -o png150 "${at[@]}" --format png --print-size 8x6in --dpi 150 \
  --quiet || fail "render png at 150 dpi"
got=$(png_size png150/$name.png)
[ "$got" = 1200x900 ] || fail "8x6in at 150 dpi: $got pixels, expected 1200x900"

# An SVG: the print size in CSS pixels (96 an inch), 180 mm is 681 of them
# (the layout's whole pixels), whatever the dpi.
"$bin" render "$example" -o svg "${at[@]}" --format svg --print-size 180x120mm --dpi 600 \
  --quiet || fail "render svg"
grep -q '<svg [^>]* width="681" height="454" viewBox="0 0 681 454"' svg/$name.svg ||
  fail "180x120mm svg: $(grep -o '<svg [^>]*' svg/$name.svg | head -c 200)"

# Usage errors: exit 2, a message that says what to give, nothing written.
expect_usage() {   # WANTED_TEXT ARGS...
  local want=$1; shift
  "$bin" render "$example" -o bad "$@" >/dev/null 2>err.txt
  local rc=$?
  [ "$rc" -eq 2 ] || fail "$* exited $rc, expected 2"
  grep -qF -- "$want" err.txt || fail "$*: no \"$want\" in: $(head -1 err.txt)"
  [ -e bad ] && fail "$* made its output folder" && rm -rf bad
}
expect_usage '--print-size "180x120" should be WIDTHxHEIGHT with a unit, mm, cm or in' \
  --print-size 180x120
expect_usage '--print-size "A4-portrait" should be' --print-size A4-portrait
expect_usage '--print-size "10x10mm" is too small: each side should be from 55 mm to 2500 mm' \
  --print-size 10x10mm
expect_usage '--print-size "3000mm" is too large' --print-size 3000mm
expect_usage '--dpi "20" should be a number from 72 to 2400' --print-size A4 --dpi 20
expect_usage '--dpi sets a print size' --dpi 300
expect_usage 'give --size only with a width alone' --print-size A4 --size 800x600
expect_usage 'leave out --scale' --print-size A4 --scale 2
expect_usage 'a print of 210x297 mm at 2400 dpi is an image of 19843x28063 pixels' \
  --print-size A4 --dpi 2400

echo "print: 180x120mm is a page of 510.236 x 340.157 pt, Stepanakert ${h:-?} pt high; 2126x1417 px at 300 dpi"
[ "$failures" -eq 0 ]
