# shellcheck shell=bash
# Sourced by t/cli/*.sh after t/sh/checks.sh's checks_start: CLI, the
# pprof-summary under test (CLI=path tests another build, e.g. one with
# sanitizers), and O, a directory for its output, then
#
#   run NAME ARGS...       the CLI; $O/NAME.out, $O/NAME.err, RC; N counts
#                          the runs (a script's own runs add theirs)
#   one_line NAME PAT WHAT exit status 1 and one line on stderr, matching
#                          PAT (a grep -E pattern)

CLI=${CLI:-$ROOT/$BUILD/pprof-summary}
[ -x "$CLI" ] || { echo "$CHECKS_NAME: no $CLI (make)" >&2; exit 1; }
O=$RUN_DIR/out
mkdir -p "$O" || exit 1
N=0

run() {
    local name=$1
    shift
    "$CLI" "$@" > "$O/$name.out" 2> "$O/$name.err"
    RC=$?
    N=$((N + 1))
}

one_line() {
    local name=$1 pat=$2 what=$3
    is "$RC" "1" "$what: exit status 1"
    is "$(wc -l < "$O/$name.err")" "1" "$what: one line on stderr"
    if grep -qE "$pat" "$O/$name.err"; then
        ok "$what: says /$pat/"
    else
        fail "$what: stderr is '$(head -c 300 "$O/$name.err")', not /$pat/"
    fi
}
