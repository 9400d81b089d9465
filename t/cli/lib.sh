# shellcheck shell=bash
# Sourced by t/cli/*.sh after t/sh/checks.sh, with CLI (the pprof-summary
# under test) and O (a directory for its output) set:
#
#   run NAME ARGS...       the CLI; $O/NAME.out, $O/NAME.err, RC; N counts
#                          the runs (a script's own runs add theirs)
#   one_line NAME PAT WHAT exit status 1 and one line on stderr, matching
#                          PAT (a grep -E pattern)

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
