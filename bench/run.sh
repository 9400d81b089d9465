#!/bin/bash
# Engine benchmark: pprof-summary against zcat and `go tool pprof -top` on
# the generator's -big profile (200k samples, 20k functions, stacks up to
# 40 deep: about 6 MB gzip, 11 MB raw).
#
#   bench/run.sh [BUILD]          (make bench)
#
# Environment: RUNS (timed runs of zcat and pprof-summary, default 5),
# GOTOOL_RUNS (of go tool pprof, default 2: it takes seconds each),
# SUMMARY (another pprof-summary binary).
# Wall time is the median of the runs (date +%s.%N around each), peak RSS
# the largest /usr/bin/time %M seen.  Prints a Markdown table and
# PASS/FAIL per target; exits 0 even when a target is missed (it is a
# benchmark), non-zero only when something could not be measured.

set -euo pipefail

build=${1:-build}
runs=${RUNS:-5}
gotool_runs=${GOTOOL_RUNS:-2}
summary=${SUMMARY:-$build/pprof-summary}
gen=$build/profile-gen

export GOCACHE=${GOCACHE:-$PWD/$build/gocache}
export GOPATH=${GOPATH:-$PWD/$build/gopath}
export GOFLAGS=

for f in "$summary" "$gen" /usr/bin/time; do
    if [ ! -x "$f" ]; then
        echo "bench: $f is missing (make bench builds or installs it)" >&2
        exit 2
    fi
done

mkdir -p "$build/bench"
profile=$build/bench/big.pb.gz
if [ ! -s "$profile" ] || [ "$gen" -nt "$profile" ]; then
    "$gen" -big -o "$profile.tmp"
    mv "$profile.tmp" "$profile"
fi
gz_size=$(stat -c %s "$profile")
raw_size=$(zcat "$profile" | wc -c)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME RUNS COMMAND...: appends "NAME median_s peak_kb" to results
measure() {
    local name=$1 n=$2
    shift 2
    local i t0 t1 rss peak=0
    : > "$tmp/times"
    for ((i = 0; i < n; i++)); do
        t0=$(date +%s.%N)
        if ! /usr/bin/time -f %M -o "$tmp/rss" "$@" > /dev/null 2> "$tmp/err"; then
            echo "bench: $name failed:" >&2
            tail -5 "$tmp/err" "$tmp/rss" >&2
            exit 1
        fi
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >> "$tmp/times"
        rss=$(tail -1 "$tmp/rss")
        if [ "$rss" -gt "$peak" ]; then
            peak=$rss
        fi
    done
    local median
    median=$(sort -g "$tmp/times" | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    printf '%s\t%s\t%s\t%s\n' "$name" "$median" "$peak" "$n" >> "$tmp/results"
}

# Warm the page cache and the binaries.
cat "$profile" "$summary" > /dev/null
"$summary" --format=top "$profile" > /dev/null

: > "$tmp/results"
measure "zcat" "$runs" zcat "$profile"
measure "pprof-summary --format=top" "$runs" "$summary" --format=top "$profile"
measure "pprof-summary --format=html" "$runs" "$summary" --format=html "$profile"
measure "go tool pprof -top" "$gotool_runs" go tool pprof -top "$profile"

get() { # get NAME FIELD(2: seconds, 3: KB)
    awk -F'\t' -v n="$1" -v f="$2" '$1 == n { print $f }' "$tmp/results"
}
zcat_s=$(get zcat 2)
top_s=$(get "pprof-summary --format=top" 2)
html_s=$(get "pprof-summary --format=html" 2)
go_s=$(get "go tool pprof -top" 2)
top_kb=$(get "pprof-summary --format=top" 3)
html_kb=$(get "pprof-summary --format=html" 3)

echo "## pprof engine benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "- go: $(go version | cut -d' ' -f3)"
echo "- profile: $profile, $(awk -v s="$gz_size" 'BEGIN { printf "%.2f", s / 1048576 }') MB gzip, $(awk -v s="$raw_size" 'BEGIN { printf "%.2f", s / 1048576 }') MB decompressed"
echo "- wall time: median of N runs; peak RSS: largest of them (/usr/bin/time %M)"
echo
echo "| tool | runs | median s | peak RSS MB | × zcat time | go tool pprof ÷ tool |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
while IFS=$'\t' read -r name secs kb n; do
    awk -v name="$name" -v s="$secs" -v kb="$kb" -v n="$n" -v z="$zcat_s" -v g="$go_s" 'BEGIN {
        printf "| `%s` | %d | %.4f | %.1f | %.2f | %.1f |\n", name, n, s, kb / 1024, s / z, g / s
    }'
done < "$tmp/results"
echo

# check LABEL OK(1/0) DETAIL
met=0
missed=0
check() {
    if [ "$2" = 1 ]; then
        met=$((met + 1))
        printf 'PASS  %s  (%s)\n' "$1" "$3"
    else
        missed=$((missed + 1))
        printf 'FAIL  %s  (%s)  <<<<<<<<<<\n' "$1" "$3"
    fi
}
cmp() { # cmp EXPR: awk's verdict, 1 or 0
    awk "BEGIN { print ($1) ? 1 : 0 }"
}

rss_limit_kb=$(( (3 * raw_size + 16 * 1024 * 1024) / 1024 ))
check "top at least 40x faster than go tool pprof -top" \
    "$(cmp "$go_s / $top_s >= 40")" \
    "$(awk -v g="$go_s" -v t="$top_s" 'BEGIN { printf "%.1fx", g / t }')"
check "top at most 2x zcat" \
    "$(cmp "$top_s <= 2 * $zcat_s")" \
    "$(awk -v t="$top_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "html at most 3x zcat" \
    "$(cmp "$html_s <= 3 * $zcat_s")" \
    "$(awk -v t="$html_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "top peak RSS at most 3x decompressed + 16 MB" \
    "$(cmp "$top_kb <= $rss_limit_kb")" \
    "$(awk -v k="$top_kb" -v l="$rss_limit_kb" 'BEGIN { printf "%.1f MB, limit %.1f MB", k / 1024, l / 1024 }')"
check "html peak RSS at most 3x decompressed + 16 MB" \
    "$(cmp "$html_kb <= $rss_limit_kb")" \
    "$(awk -v k="$html_kb" -v l="$rss_limit_kb" 'BEGIN { printf "%.1f MB, limit %.1f MB", k / 1024, l / 1024 }')"
echo
if [ "$missed" -gt 0 ]; then
    echo "bench: $met of $((met + missed)) targets met, $missed MISSED"
else
    echo "bench: all $met targets met"
fi
