#!/bin/bash
# Engine benchmark: pprof-summary (top, html, the call graph as dot, svg
# and its page) against zcat and `go tool pprof -top` on
# the generator's -big profile (200k samples, 20k functions, stacks up to
# 40 deep: about 5.9 MB gzip, 10.6 MB raw), and the diff of it with another
# such profile (-seed 2) as its base (--diff-base: top and the
# differential flame graph), against zcat of one profile.
#
#   bench/run.sh [BUILD]          (make bench)
#
# Environment: RUNS (timed runs of zcat and pprof-summary, default 5),
# GOTOOL_RUNS (of go tool pprof, default 2: it takes seconds each),
# SUMMARY (another pprof-summary binary).
# The tools run round robin; wall time is the median of a tool's runs
# (date +%s.%N around each), CPU time the median of user + sys, peak RSS
# the largest /usr/bin/time %M seen.  Targets are checked on wall time.  Prints a Markdown table and
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
# two bases: another program (seed 2: no function or location shared,
# the most a diff can hold) and a second capture of the same one (its
# functions and addresses, other samples: what a user diffs)
base=$build/bench/big-base.pb.gz
if [ ! -s "$base" ] || [ "$gen" -nt "$base" ]; then
    "$gen" -big -seed 2 -o "$base.tmp"
    mv "$base.tmp" "$base"
fi
same=$build/bench/big-same.pb.gz
if [ ! -s "$same" ] || [ "$gen" -nt "$same" ]; then
    "$gen" -big -o /dev/null -base-out "$same.tmp" -base-seed 2
    mv "$same.tmp" "$same"
fi
gz_size=$(stat -c %s "$profile")
raw_size=$(zcat "$profile" | wc -c)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# once NAME COMMAND...: one timed run; appends "wall cpu rss_kb" to the
# tool's file
once() {
    local name=$1
    shift
    local t0 t1
    t0=$(date +%s.%N)
    if ! /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$@" > /dev/null 2> "$tmp/err"; then
        echo "bench: $name failed:" >&2
        tail -5 "$tmp/err" "$tmp/rss" >&2
        exit 1
    fi
    t1=$(date +%s.%N)
    tail -1 "$tmp/rss" | awk -v a="$t0" -v b="$t1" \
        '{ printf "%.6f %.2f %d\n", b - a, $2 + $3, $1 }' >> "$tmp/$name.runs"
}

names=(zcat top html dot svg graph difftop diffflame sametop sameflame
       gotool)
labels=("zcat" "pprof-summary --format=top" "pprof-summary --format=html"
        "pprof-summary --format=dot" "pprof-summary --format=svg"
        "pprof-summary --view=graph (html)"
        "diff of two 200k-sample programs: --format=top --diff-base"
        "diff of two 200k-sample programs: --view=flame --diff-base"
        "diff of two 200k-sample captures of one program: --format=top"
        "diff of two 200k-sample captures of one program: --view=flame"
        "go tool pprof -top")

# Warm the page cache and the binaries.
cat "$profile" "$summary" > /dev/null
"$summary" --format=top "$profile" > /dev/null

# Round robin, so that changes in the machine's load hit every tool alike;
# go tool pprof only in the first GOTOOL_RUNS rounds.
load_before=$(cut -d' ' -f1 /proc/loadavg)
for ((round = 0; round < runs || round < gotool_runs; round++)); do
    if [ "$round" -lt "$runs" ]; then
        once zcat zcat "$profile"
        once top "$summary" --format=top "$profile"
        once html "$summary" --format=html "$profile"
        once dot "$summary" --format=dot "$profile"
        once svg "$summary" --format=svg "$profile"
        once graph "$summary" --format=html --view=graph "$profile"
        once difftop "$summary" --format=top --diff-base "$base" "$profile"
        once diffflame "$summary" --format=html --view=flame \
            --diff-base "$base" "$profile"
        once sametop "$summary" --format=top --diff-base "$same" "$profile"
        once sameflame "$summary" --format=html --view=flame \
            --diff-base "$same" "$profile"
    fi
    if [ "$round" -lt "$gotool_runs" ]; then
        once gotool go tool pprof -top "$profile"
    fi
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

# pick NAME FIELD(1 wall, 2 cpu, 3 rss): median of walls and cpus, max rss
pick() {
    if [ "$2" = 3 ]; then
        sort -n -k3 "$tmp/$1.runs" | tail -1 | cut -d' ' -f3
    else
        cut -d' ' -f"$2" "$tmp/$1.runs" | sort -g | awk '{ v[NR] = $1 }
            END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
    fi
}

zcat_s=$(pick zcat 1)
top_s=$(pick top 1)
html_s=$(pick html 1)
go_s=$(pick gotool 1)
difftop_s=$(pick difftop 1)
diffflame_s=$(pick diffflame 1)
sametop_s=$(pick sametop 1)
sameflame_s=$(pick sameflame 1)
top_kb=$(pick top 3)
html_kb=$(pick html 3)
dot_s=$(pick dot 1)
svg_s=$(pick svg 1)
graph_s=$(pick graph 1)

echo "## pprof engine benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "- go: $(go version | cut -d' ' -f3)"
echo "- profile: $profile, $(awk -v s="$gz_size" 'BEGIN { printf "%.2f", s / 1048576 }') MB gzip, $(awk -v s="$raw_size" 'BEGIN { printf "%.2f", s / 1048576 }') MB decompressed"
echo "- load average: $load_before before, $load_after after"
echo "- wall and CPU (user + sys) time: medians of the runs, interleaved round robin; peak RSS: the largest (/usr/bin/time %M)"
echo
echo "| tool | runs | median wall s | median CPU s | peak RSS MB | × zcat wall | go tool pprof ÷ tool |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for i in "${!names[@]}"; do
    n=${names[$i]}
    awk -v name="${labels[$i]}" -v s="$(pick "$n" 1)" -v c="$(pick "$n" 2)" \
        -v kb="$(pick "$n" 3)" -v n="$(wc -l < "$tmp/$n.runs")" \
        -v z="$zcat_s" -v g="$go_s" 'BEGIN {
        printf "| `%s` | %d | %.4f | %.2f | %.1f | %.2f | %.1f |\n", name, n, s, c, kb / 1024, s / z, g / s
    }'
done
echo
if awk -v l="$load_before" -v m="$load_after" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2 || m > n / 2) }'; then
    echo "WARNING: the machine was busy (load average above half its $(nproc) CPUs): wall times are unreliable"
    echo
fi

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
check "graph (dot) at most 3x zcat" \
    "$(cmp "$dot_s <= 3 * $zcat_s")" \
    "$(awk -v t="$dot_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "graph (svg) at most 3x zcat" \
    "$(cmp "$svg_s <= 3 * $zcat_s")" \
    "$(awk -v t="$svg_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "graph (html page) at most 3x zcat" \
    "$(cmp "$graph_s <= 3 * $zcat_s")" \
    "$(awk -v t="$graph_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "diff top (two programs) at most 4x zcat" \
    "$(cmp "$difftop_s <= 4 * $zcat_s")" \
    "$(awk -v t="$difftop_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "differential flame graph (two programs) at most 4x zcat" \
    "$(cmp "$diffflame_s <= 4 * $zcat_s")" \
    "$(awk -v t="$diffflame_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "diff top (one program) at most 4x zcat" \
    "$(cmp "$sametop_s <= 4 * $zcat_s")" \
    "$(awk -v t="$sametop_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
check "differential flame graph (one program) at most 4x zcat" \
    "$(cmp "$sameflame_s <= 4 * $zcat_s")" \
    "$(awk -v t="$sameflame_s" -v z="$zcat_s" 'BEGIN { printf "%.2fx", t / z }')"
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
