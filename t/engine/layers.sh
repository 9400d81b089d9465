#!/bin/bash
# Proves the engine's layering on its object files: each file may use only
# symbols (functions and data) defined in the files listed before it in
# src/profile/sources, so no file calls into one that, directly or through
# others, calls back into it.  For every engine .o, its undefined symbols
# that another engine .o defines must come from an earlier one; any other
# use is printed and fails the check.
#
#   t/engine/layers.sh [OBJDIR]       (make engine-test)
#
# CC (default cc) compiles each source with -c into OBJDIR (default a
# temporary directory).  Prints the uses it found, one file a line, and
# "layers: ok (N files)" or "layers: FAILED".

set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cc=${CC:-cc}

# PPROF_ENGINE_SRCS, in layer order
. "$top/src/profile/sources"
read -r -a srcs <<< "$(echo $PPROF_ENGINE_SRCS)"

if [ ${#srcs[@]} -lt 2 ]; then
    echo "layers: no engine sources in src/profile/sources" >&2
    exit 2
fi

if [ $# -ge 1 ]; then
    objdir=$1
    mkdir -p "$objdir"
else
    objdir=$(mktemp -d)
    trap 'rm -rf "$objdir"' EXIT
fi

# symbol -> index of the file that defines it
declare -A owner
for i in "${!srcs[@]}"; do
    src=$top/src/profile/${srcs[$i]}
    obj=$objdir/${srcs[$i]%.c}.o
    "$cc" -O2 -c -o "$obj" "$src"

    while read -r sym; do
        if [ -n "${owner[$sym]+set}" ]; then
            echo "layers: $sym defined in ${srcs[${owner[$sym]}]} and ${srcs[$i]}" >&2
            exit 1
        fi
        owner[$sym]=$i
    done < <(nm --defined-only -g "$obj" | awk 'NF == 3 { print $3 }')
done

bad=0
for i in "${!srcs[@]}"; do
    obj=$objdir/${srcs[$i]%.c}.o
    uses=""

    while read -r sym; do
        [ -n "${owner[$sym]+set}" ] || continue    # libc, zlib, ...
        j=${owner[$sym]}

        if [ "$j" -ge "$i" ]; then
            echo "layers: ${srcs[$i]} uses $sym of ${srcs[$j]}, which is not below it"
            bad=1
        fi

        case " $uses " in
            *" ${srcs[$j]} "*) ;;
            *) uses="$uses ${srcs[$j]}" ;;
        esac
    done < <(nm -u "$obj" | awk '{ print $NF }')

    echo "${srcs[$i]}:${uses:- (none)}"
done

if [ "$bad" -ne 0 ]; then
    echo "layers: FAILED: the order is that of src/profile/sources"
    exit 1
fi

echo "layers: ok (${#srcs[@]} files)"
