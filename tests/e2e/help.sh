#!/bin/bash
# --help: every command prints its usage and options on stdout, exits 0 and
# prints nothing on stderr; each option has its line of explanation, and each
# is in the man page too.
# Usage: help.sh CONFLICTMAP SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
man="$src/docs/conflictmap.1"

check_help() {   # check_help WANT_FIRST_LINE_PREFIX OPTION... -- ARGS...
  local want=$1; shift
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  "$bin" "$@" > out.txt 2> err.txt
  local rc=$?
  [ "$rc" -eq 0 ] || fail "conflictmap $* exited $rc"
  [ -s err.txt ] && fail "conflictmap $* wrote to stderr: $(cat err.txt)"
  case "$(head -n 1 out.txt)" in
    "$want"*) ;;
    *) fail "conflictmap $*: first line is \"$(head -n 1 out.txt)\", expected \"$want...\"" ;;
  esac
  for o in "${opts[@]}"; do
    # the option, then at least two spaces and a word of explanation, on one line
    grep -Eq "^  (-[a-z], )?${o}(,? [^ ]+)*  +[a-zA-Z0-9]" out.txt ||
      fail "conflictmap $*: no explained line for $o"
    grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$man" ||
      fail "$o is not in docs/conflictmap.1"
  done
}

check_help "usage: conflictmap COMMAND" render validate slices place import -- --help
check_help "usage: conflictmap COMMAND" -- -h
check_help "usage: conflictmap render" -o --format --style --shapes --gazetteer --control --every --at \
  --window --size --scale --bbox --projection --lang --png-colors -j --shard --strict --quiet --max-file-size \
  --max-events --max-string --max-depth --max-vertices -- render --help
# Every option the command takes (each flag src/cli/args.c compares with),
# and every format --format takes, is in render --help: a new one without
# its line fails here.
mapfile -t taken < <(grep -o 'strcmp(flag, "[^"]*")' "$src/src/cli/args.c" |
  sed 's/.*"\(.*\)")/\1/' | grep -vx -e --host -e --port | sort -u)
[ "${#taken[@]}" -ge 15 ] || fail "found only ${#taken[@]} options in src/cli/args.c"
check_help "usage: conflictmap render" "${taken[@]}" -- render --help
"$bin" render --help >render-help.txt
formats=$(sed -n '/^  --format LIST/,/^  --[a-z]/p' render-help.txt | sed '$d')
for f in png svg pdf html svg-outlines gif mp4; do
  printf '%s' "$formats" | grep -Eq "(^|[ ,])$f(,|[ ]|$)" ||
    fail "render --help's --format lines do not name $f: $formats"
done
# The man page: each option its own paragraph (.TP before every .BI line
# that names one), so no two run together when rendered.
awk '/^\.SH/ { in_opts = ($2 == "OPTIONS") }
     in_opts && /^\.BI \\-/ && prev != ".TP" { print FILENAME ":" NR ": " $0 }
     { prev = $0 }' "$man" >man-runs.txt
[ -s man-runs.txt ] && fail "options in docs/conflictmap.1 without .TP before them: $(cat man-runs.txt)"
check_help "usage: conflictmap validate" --gazetteer --strict --quiet -- validate --help
# The server's own options: in watch --help and serve --help.
check_help "usage: conflictmap watch" --serve --port --host -- watch --help
check_help "usage: conflictmap serve" --port --host -- serve --help
check_help "usage: conflictmap slices" --every --at --gazetteer -- slices --help
check_help "usage: conflictmap place" --gazetteer -- place --help
check_help "usage: conflictmap import acled" --output --quiet -- import --help
check_help "usage: conflictmap import acled" -- import acled x.csv -h
check_help "usage: conflictmap merge-manifests" -- merge-manifests --help
check_help "usage: conflictmap render" -- help render

# --help wins over anything else on the line, and does nothing else.
"$bin" render no-such.json -o should-not-exist --help > out.txt 2>&1 || fail "render ... --help"
[ -e should-not-exist ] && fail "render --help made its output folder"
# An unknown command is still a usage error.
"$bin" draw --help > out.txt 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "conflictmap draw --help exited $rc"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "help: all checks passed"
