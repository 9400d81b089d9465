#!/bin/bash
# Creates the profiles that t/profiles/compare.sh checks: real ones captured
# from a Go program's own runtime, and generated ones of varied shapes.
#
#   t/profiles/make-profiles.sh BINDIR OUTDIR
#
# BINDIR holds profile-capture and profile-gen (built by mk/profiles.mk).

set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BINDIR OUTDIR" >&2
    exit 2
fi
bin=$1
out=$2

rm -rf "$out.tmp"
mkdir -p "$out.tmp/real" "$out.tmp/gen" "$out.tmp/pairs"

"$bin/profile-capture" -out "$out.tmp/real"

gen() {
    local name=$1
    shift
    "$bin/profile-gen" -o "$out.tmp/gen/$name" "$@"
}

# CPU-like, inlined frames and recursion.
gen cpu.pb.gz         -seed 1 -samples 3000 -functions 400 -depth 30 \
                      -inline 0.3 -recursion 0.2
# Heap-like (4 types, default inuse_space), labels, zero-valued samples.
gen heap.pb.gz        -seed 2 -types heap -samples 5000 -functions 1000 \
                      -labels -zero 0.05
# Delta profile: negative values, samples cancelling out (same stack and
# labels, negated values: go tool pprof merges them); default alloc_space.
gen delta.pb.gz       -seed 3 -types heap -default alloc_space -negative 0.3 -cancel 0.2 \
                      -samples 3000 -functions 500
# Several mappings, half of the library functions address-only.
gen mappings.pb.gz    -seed 4 -mappings 4 -addr-only 0.5 -samples 3000 \
                      -functions 600
# drop_frames / keep_frames, C++-style and other awkward names.  Names with
# "(" are matched after pprof trims them at the first "(" (not a reserved
# "(anonymous namespace)" or "operator()").
gen drop.pb.gz        -seed 5 -odd-names -samples 3000 -functions 600 \
                      -drop-frames 'example\.com/grpc/cache[0-9]+\.|std::vector<.*>::push_back|.*\.(Flush|Sync)[0-9]+' \
                      -keep-frames '.*Sync[0-9]+'
# Custom types and units, an explicit default, empty stacks.
gen custom.pb.gz      -seed 6 -types 'events/count,wait/microseconds,size/kilobytes' \
                      -default wait -empty 0.05 -samples 2000 -functions 300
# Very deep stacks, lots of recursion.
gen deep.pb.gz        -seed 7 -depth 300 -recursion 0.5 -samples 500 \
                      -functions 2000
# Uncompressed, no default_sample_type (the last type is the default).
gen raw.pb            -seed 8 -types heap -default none -raw -samples 1000 \
                      -functions 300
# No samples at all.
gen empty.pb.gz       -seed 9 -samples 0 -functions 10
# Big-ish: many functions, deep stacks, three mappings.
gen bigish.pb.gz      -seed 10 -samples 40000 -functions 5000 -depth 40 \
                      -mappings 3 -inline 0.3 -labels

# Pairs for diffs (compare.sh -pair NAME.base.pb.gz:NAME.pb.gz): the same
# program's functions, other samples.
pair() {
    local name=$1 base=$2 profile=$3
    shift 3
    "$bin/profile-gen" -o "$out.tmp/pairs/$name.base.pb.gz" -seed "$base" "$@"
    "$bin/profile-gen" -o "$out.tmp/pairs/$name.pb.gz" -seed "$profile" "$@"
}

# Heap with labels; CPU with inlining and recursion; delta profiles
# (negative values, cancelling samples); a profile against itself (-base
# leaves nothing); the base empty.  (Seed 32 as a delta profile of its own
# misses two "(partial-inline)" labels in pprof-summary --format top: an
# engine bug outside the diff, so not this pair.)
pair heap    11 12 -types heap -samples 3000 -functions 300 -labels
pair cpu     21 22 -samples 4000 -functions 400 -depth 30 -inline 0.3 \
                   -recursion 0.2
pair delta   33 34 -types heap -default alloc_space -negative 0.3 \
                   -cancel 0.2 -samples 2000 -functions 300
pair self    41 41 -types heap -samples 2000 -functions 300 -labels
"$bin/profile-gen" -o "$out.tmp/pairs/nobase.base.pb.gz" -seed 51 -samples 0 \
                   -functions 10
"$bin/profile-gen" -o "$out.tmp/pairs/nobase.pb.gz" -seed 52 -samples 2000 \
                   -functions 300

rm -rf "$out"
mv "$out.tmp" "$out"
echo "profiles: $(find "$out" -type f | wc -l) files in $out"
