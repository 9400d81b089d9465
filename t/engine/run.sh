#!/bin/bash
# Runs engine unit test programs and sums their results into one line,
# "engine: N passed, M failed".  A program either ends with such a line
# itself or prints TAP ("ok N", "not ok N"); a crash or a non-zero exit
# status counts as a failure.
#
#   t/engine/run.sh BINARY...

passed=0
failed=0

for bin in "$@"; do
    log=$bin.log
    TZ=UTC "$bin" > "$log" 2>&1
    rc=$?

    line=$(grep -E '^engine: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | awk '{print $2}')
        f=$(echo "$line" | awk '{print $4}')
    else
        p=$(grep -cE '^ok ' "$log")
        f=$(grep -cE '^not ok ' "$log")
    fi

    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi

    if [ "$f" -ne 0 ]; then
        echo "--- $bin (exit $rc):"
        grep -vE '^ok ' "$log" | tail -40
    fi

    echo "$(basename "$bin"): $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
done

echo "engine: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
