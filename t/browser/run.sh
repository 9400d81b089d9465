#!/usr/bin/env bash
# make browser-test: the demo stack (conf/demo.sh: fake APIServer + nginx
# with the module, random loopback ports), then t/browser/pages.js in
# Debian's Chromium against it.  Everything is stopped on exit, whatever
# happens.  Ends with "browser: N passed, M failed"; non-zero on failure.
#
#   t/browser/run.sh
#
# Needs build/ngx_http_pprof_module.so, build/fake-apiserver,
# /usr/bin/chromium and t/browser/node_modules (mk/browser.mk makes them).
# Screenshots and the demo's log: build/browser/.  Deadlines:
# BROWSER_START_SECONDS (30) for the stack to serve, BROWSER_RUN_SECONDS
# (480) for the checks (a loaded machine takes over 230 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}
OUT=$ROOT/$BUILD/browser
START_SECONDS=${BROWSER_START_SECONDS:-30}
RUN_SECONDS=${BROWSER_RUN_SECONDS:-480}

die() {
    echo "t/browser/run.sh: $*" >&2
    echo "browser: 0 passed, 1 failed"
    exit 1
}

command -v node >/dev/null || die "node is missing"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]') || die "node does not run"
[ "$NODE_MAJOR" -ge 20 ] || die "node $NODE_MAJOR is too old: playwright-core needs 20"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || die "${CHROMIUM:-/usr/bin/chromium} is missing: make browser-test installs it"
[ -d t/browser/node_modules/playwright-core ] ||
    die "t/browser/node_modules is missing: make browser-test runs npm ci"
for f in "$BUILD/ngx_http_pprof_module.so" "$BUILD/fake-apiserver"; do
    [ -e "$f" ] || die "$f is missing: make browser-test builds it"
done

mkdir -p "$OUT" || exit 1
rm -f "$OUT"/*.png "$OUT/demo.log"
READY=$OUT/ready.$$
rm -f "$READY" "$READY.tmp"

DEMO_PID=
NODE_PID=
# shellcheck disable=SC2317  # invoked by the traps
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
        # timeout passes TERM on to node, which closes Chromium
        kill -TERM "$NODE_PID" 2>/dev/null
        for _ in $(seq 50); do
            kill -0 "$NODE_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$NODE_PID" 2>/dev/null
    fi
    if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
        # demo.sh stops nginx and the fake APIServer on TERM
        kill -TERM "$DEMO_PID" 2>/dev/null
        for _ in $(seq 100); do
            kill -0 "$DEMO_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$DEMO_PID" 2>/dev/null; then
            echo "t/browser/run.sh: demo.sh did not stop in 10 s: killing its process group" >&2
            kill -KILL -- "-$DEMO_PID" 2>/dev/null
        fi
    fi
    wait 2>/dev/null
    rm -f "$READY" "$READY.tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

T0=$(date +%s%N)

# its own process group (setsid, no fork: a background job of a script
# leads no group), so that a demo.sh that ignores TERM can still be
# stopped with everything it started
DEMO_READY_FILE=$READY BUILD=$BUILD setsid conf/demo.sh > "$OUT/demo.log" 2>&1 &
DEMO_PID=$!

deadline=$((SECONDS + START_SECONDS))
until [ -s "$READY" ]; do
    if ! kill -0 "$DEMO_PID" 2>/dev/null; then
        cat "$OUT/demo.log" >&2
        die "conf/demo.sh exited before serving"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        cat "$OUT/demo.log" >&2
        die "conf/demo.sh did not serve within $START_SECONDS s"
    fi
    sleep 0.1
done
BASE=$(cat "$READY")
echo "# stack up in $(( ($(date +%s%N) - T0) / 1000000 )) ms at $BASE"

# timeout signals its whole process group: node and Chromium.  In the
# background, so that INT and TERM reach the traps at once.
timeout -k 5 "$RUN_SECONDS" node t/browser/pages.js "$BASE" "$OUT" &
NODE_PID=$!
wait "$NODE_PID"
rc=$?
NODE_PID=
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "t/browser/run.sh: the checks did not finish within $RUN_SECONDS s" >&2
    echo "browser: 0 passed, 1 failed"
    rc=1
fi
if [ "$rc" -ne 0 ]; then
    echo "# demo log: $OUT/demo.log; nginx logs: the run directory it names" >&2
fi
shots=$(find "$OUT" -maxdepth 1 -name '*.png' | wc -l)
echo "# artifacts: $shots screenshots (1280 px and phone) and demo.log in $BUILD/browser/, kept until the next run"
echo "# total $(( ($(date +%s%N) - T0) / 1000000 )) ms"
exit "$rc"
