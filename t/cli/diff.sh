#!/usr/bin/env bash
# t/cli/diff.sh BUILD: pprof-summary --diff-base and --base with the base
# in a regular file, which is parsed on a thread of its own while FILE is
# (make cli-diff-test).  The output must be what the base read from a pipe
# gives (<(cat BASE), not a regular file: parsed after FILE, on the main
# thread; /dev/stdin redirected from the file would be mapped), and every
# failure the one line it was before the thread: FILE's message when FILE
# is bad, whatever the base is; the base's when only the base is.
#
# Ends with "cli-diff: N passed, M failed, K skipped".
set -u

cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-build}
# shellcheck source=t/sh/checks.sh
. t/sh/checks.sh
checks_start cli-diff
# shellcheck source=t/cli/lib.sh
. t/cli/lib.sh

PAIRS=$ROOT/$BUILD/profiles/pairs
[ -s "$PAIRS/heap.pb.gz" ] || { echo "cli-diff: no $PAIRS (make profiles)" >&2; exit 1; }


# the same output, whichever thread parsed the base

for pair in cpu heap delta; do
    file=$PAIRS/$pair.pb.gz
    base=$PAIRS/$pair.base.pb.gz
    for mode in --diff-base --base; do
        for fmt in "--format=top" "--format=json" "--format=dot" \
                   "--format=html --view=flame"; do
            what="$pair $mode ${fmt//--/}"
            # shellcheck disable=SC2086  # fmt is words
            run file $fmt "$mode" "$base" "$file"
            frc=$RC
            # shellcheck disable=SC2086
            run pipe $fmt "$mode" <(cat "$base") "$file"
            is "$frc $RC" "0 0" "$what: exit status 0, base in a file and piped"
            is "$(cat "$O/file.err" "$O/pipe.err")" "" "$what: nothing on stderr"
            if [ -s "$O/file.out" ] && cmp -s "$O/file.out" "$O/pipe.out"; then
                ok "$what: the same $(wc -c < "$O/file.out") bytes either way"
            else
                fail "$what: the base in a file gives other output than piped"
            fi
        done
    done
done


# failures: the messages of one thread, in its order

good=$PAIRS/heap.pb.gz
bad=$RUN_DIR/bad.pb
printf 'not a profile\n' > "$bad"
missing=$RUN_DIR/missing.pb.gz

for mode in --diff-base --base; do
    run badbase "$mode" "$bad" "$good"
    one_line badbase "$bad: malformed profile" "$mode a malformed base"
    run badfile "$mode" "$good" "$bad"
    one_line badfile "$bad: malformed profile" "$mode a good base, a malformed FILE"
    run both "$mode" "$bad" "$missing"
    one_line both "$missing: No such file or directory" \
        "$mode a malformed base, a missing FILE: FILE's message only"
    run gone "$mode" "$missing" "$good"
    one_line gone "$missing: No such file or directory" "$mode a missing base"
done

checks_done
