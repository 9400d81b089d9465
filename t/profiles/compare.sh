#!/bin/bash
# Compares pprof-summary with `go tool pprof` on every profile under
# BUILD/profiles (real ones from t/profiles/capture, generated ones from
# t/profiles/gen) and every sample type in each, and the differences of
# pairs (-diff_base and -base: the real heap and allocs against their
# later captures, BUILD/profiles/pairs); see t/profiles/compare.
#
#   t/profiles/compare.sh BUILD [compare flags...]
#
# SUMMARY=path overrides BUILD/pprof-summary (e.g. BUILD/profile-refsummary,
# the Go stand-in, to test the harness itself).  The last line is
# "compare: N passed, M failed"; the exit status is non-zero on a failure.

set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD [compare flags...]" >&2
    exit 2
fi
build=$1
shift
summary=${SUMMARY:-$build/pprof-summary}

# go tool pprof needs no cache, but keep everything go touches in BUILD.
export GOCACHE=${GOCACHE:-$PWD/$build/gocache}
export GOPATH=${GOPATH:-$PWD/$build/gopath}
export GOFLAGS=

for f in "$summary" "$build/profile-compare"; do
    if [ ! -x "$f" ]; then
        echo "compare: $f is missing (make compare builds it)" >&2
        exit 2
    fi
done

shopt -s nullglob
profiles=("$build"/profiles/real/*.pb.gz "$build"/profiles/gen/*.pb.gz "$build"/profiles/gen/*.pb)
if [ ${#profiles[@]} -eq 0 ]; then
    echo "compare: no profiles under $build/profiles" >&2
    exit 2
fi

pairs=()
for p in heap allocs; do
    if [ -f "$build/profiles/real/$p-later.pb.gz" ]; then
        pairs+=(-pair "$build/profiles/real/$p.pb.gz:$build/profiles/real/$p-later.pb.gz")
    fi
done
for b in "$build"/profiles/pairs/*.base.pb.gz; do
    pairs+=(-pair "$b:${b%.base.pb.gz}.pb.gz")
done

echo "compare: $summary against $(go version | cut -d' ' -f3) go tool pprof," \
     "${#profiles[@]} profiles, $((${#pairs[@]} / 2)) pairs"
exec "$build/profile-compare" -summary "$summary" "$@" "${pairs[@]}" \
    "${profiles[@]}"
