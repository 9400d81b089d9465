#!/bin/bash
# Load: the gateway under wrk on loopback, bounded, on random ports.
#
#   bench/load.sh [BUILD]          (make load)
#
# An "APIServer" nginx (TLS, CA from t/apiserver/gencerts.sh) serves a real
# heap profile (t/profiles' real/heap.pb.gz) and an index page; the gateway
# (the module, 2 workers, the capture store) captures the profile once,
# then wrk -t2 -c$LOAD_CONNECTIONS runs LOAD_SECONDS on each of:
#
#   cached   a stored capture's top and flame pages (?capture=ID&view=...)
#   index    the index (/debug/pprof/), fetched from the APIServer each time
#   mix      the two views, the capture's raw download, its history page,
#            the index, and the capture's share link (X-Pprof-Share-Link
#            of the capture's page: allow 127.0.0.1 and pprof_link_secret
#            in the location)
#
# Before them, LOAD_WARMUP seconds (10) of the mix, not measured.  Each
# run fails on any non-2xx answer or socket error, on a worker that
# is not the one it started with or an "exited on signal" in the error
# log, and on RSS growth: the workers' summed VmRSS, sampled every second,
# at the end (the largest of the last fifth) against after the warm-up
# (the median of the first fifth) may grow at most LOAD_RSS_GROWTH percent
# (20) or LOAD_RSS_SLACK_KB (4096: allocator noise on a ~10 MB worker),
# whichever is larger.
#
# Environment: LOAD_SECONDS (60), LOAD_WARMUP, LOAD_CONNECTIONS (64), LOAD_RSS_GROWTH,
# LOAD_RSS_SLACK_KB, NGINX (/usr/sbin/nginx), MODULE, PROFILE.  Results:
# BUILD/load/results.md (Markdown, with the machine); logs under
# BUILD/load/run (kept; the next run removes it).  Exits non-zero when a
# run fails or cannot be measured.

set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
build=${1:-build}
case $build in /*) ;; *) build=$ROOT/$build ;; esac

NGINX=${NGINX:-/usr/sbin/nginx}
seconds=${LOAD_SECONDS:-60}
warmup=${LOAD_WARMUP:-10}
connections=${LOAD_CONNECTIONS:-64}
growth_pct=${LOAD_RSS_GROWTH:-20}
slack_kb=${LOAD_RSS_SLACK_KB:-4096}
module=${MODULE:-$build/ngx_http_pprof_module.so}
profile=${PROFILE:-$build/profiles/real/heap.pb.gz}

die() {
    echo "load: $*" >&2
    exit 1
}

for f in "$NGINX" "$module" "$profile" "$ROOT/t/apiserver/gencerts.sh"; do
    [ -e "$f" ] || die "$f is missing (make load builds it)"
done
for c in wrk curl perl openssl; do
    command -v "$c" > /dev/null || die "$c is missing (make load installs it)"
done

base=$build/load
run=$base/run
mkdir -p "$base"
exec 9> "$base/.lock"
flock -n 9 || die "another bench/load.sh is running ($base/.lock)"

rm -rf "$run"
mkdir -p "$run"
chmod 755 "$base" "$run"
cp "$module" "$run/module.so"
cp "$profile" "$run/heap.pb.gz"
chmod 644 "$run/heap.pb.gz"
"$ROOT/t/apiserver/gencerts.sh" "$run/certs" > /dev/null || die "gencerts.sh failed"
chmod 755 "$run/certs"
openssl rand -hex 20 > "$run/token"
chmod 644 "$run/token"

BENCH_NAME=load
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

PORT[upstream]=$(free_port)
mkdir -p "$run/upstream"
{
    common_conf "$run/upstream" 1
    cat << EOF
    server {
        listen 127.0.0.1:${PORT[upstream]} ssl;
        ssl_certificate $run/certs/server.crt;
        ssl_certificate_key $run/certs/server.key;
        default_type application/octet-stream;

        location = /ping { return 200 "ok"; }
        location = /debug/pprof/heap { alias $run/heap.pb.gz; }
        location = /debug/pprof/ {
            default_type "text/html; charset=utf-8";
            return 200 '<html><head><title>/debug/pprof/</title></head><body><p>Types of profiles available:</p><table><tr><td>1</td><td><a href="heap?debug=1">heap</a></td></tr></table></body></html>\n';
        }
    }
}
EOF
} > "$run/upstream/nginx.conf"
start_nginx upstream https

PORT[gw]=$(free_port)
mkdir -p "$run/gw"
{
    echo "load_module $run/module.so;"
    common_conf "$run/gw" "$(nproc)"
    cat << EOF
    pprof_cache_path $run/gw/cache keys_zone=load:16m max_size=256m inactive=1h;
    server {
        listen 127.0.0.1:${PORT[gw]};

        location = /ping { return 200 "ok"; }
        location /debug/pprof/ {
            allow 127.0.0.1;
            deny all;
            pprof_link_secret load-secret-$(openssl rand -hex 16);
            pprof_pass https://127.0.0.1:${PORT[upstream]}/debug/pprof/;
            pprof_trusted_certificate $run/certs/ca.crt;
            pprof_token_file $run/token;
            pprof_cache load;
            pprof_cache_valid 1h;
        }
    }
}
EOF
} > "$run/gw/nginx.conf"
start_nginx gw http
gw=http://127.0.0.1:${PORT[gw]}

# the capture, once: its ID and its share link
curl -sf -m 15 -D "$run/prime.hdr" -o "$run/prime.html" "$gw/debug/pprof/heap?view=top" ||
    die "the first capture failed: $(head -c 300 "$run/prime.html" 2> /dev/null)"
hdr() { awk -v h="$1" 'BEGIN { h = tolower(h) ":" }
    tolower($1) == h { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print; exit }' "$2"; }
id=$(hdr X-Pprof-Capture "$run/prime.hdr")
[ -n "$id" ] || die "the capture's page carries no X-Pprof-Capture"
share=$(hdr X-Pprof-Share-Link "$run/prime.hdr")
[ -n "$share" ] || die "the capture's page carries no X-Pprof-Share-Link"

declare -A PATHS=(
    [cached]="/debug/pprof/heap?capture=$id&view=top /debug/pprof/heap?capture=$id&view=flame"
    [index]="/debug/pprof/"
    [mix]="/debug/pprof/heap?capture=$id&view=top /debug/pprof/heap?capture=$id&view=flame /debug/pprof/heap?capture=$id&format=raw /debug/pprof/?view=history /debug/pprof/ $share"
)
for s in "${!PATHS[@]}"; do
    for p in ${PATHS[$s]}; do
        st=$(curl -s -m 15 -o /dev/null -w '%{http_code}' "$gw$p")
        [ "$st" = 200 ] || die "$s: $p answers $st before the load"
    done
done

cat > "$run/paths.lua" << 'EOF'
-- each connection walks LOAD_PATHS in turn, from a different start
local paths = {}
for p in string.gmatch(os.getenv("LOAD_PATHS"), "%S+") do
    paths[#paths + 1] = p
end
local i = math.random(#paths)
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
EOF

rss_kb() {
    local t=0 p v
    for p in $(workers gw); do
        v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2> /dev/null || echo 0)
        t=$((t + ${v:-0}))
    done
    echo "$t"
}

# the warm-up, not measured: the thread pool's threads and their first
# allocations, the store's file cache
LOAD_PATHS=${PATHS[mix]} wrk -t2 -c"$connections" -d"${warmup}s" --timeout 10s \
    -s "$run/paths.lua" "$gw" > "$run/wrk-warmup.log" 2>&1 ||
    die "the warm-up failed: $(tail -3 "$run/wrk-warmup.log")"

declare -A RPS=() NREQ=() P99=() BAD=() RSS0=() RSS1=() VERDICT=()
failed=0
for s in cached index mix; do
    wait_idle gw
    pids0=$(workers gw | sort | tr '\n' ' ')
    errpos=$(stat -c %s "$run/gw/error.log")
    (
        trap - EXIT INT TERM HUP
        while :; do rss_kb; sleep 1; done
    ) > "$run/rss-$s" 2> /dev/null &
    sampler=$!
    LOAD_PATHS=${PATHS[$s]} wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s \
        --latency -s "$run/paths.lua" "$gw" > "$run/wrk-$s.log" 2>&1 || true
    kill "$sampler" 2> /dev/null || true
    wait "$sampler" 2> /dev/null || true
    pids1=$(workers gw | sort | tr '\n' ' ')

    RPS[$s]=$(awk '/^Requests\/sec:/ { print $2 }' "$run/wrk-$s.log")
    NREQ[$s]=$(awk '/ requests in / { print $1 }' "$run/wrk-$s.log")
    P99[$s]=$(awk '$1 == "99%" { print $2 }' "$run/wrk-$s.log")
    BAD[$s]=$(grep -E 'Non-2xx|Socket errors' "$run/wrk-$s.log" | sed 's/^ *//' | tr '\n' ' ' || true)
    # after the warm-up: the median of the first fifth; the end: the
    # largest of the last fifth
    n=$(wc -l < "$run/rss-$s")
    k=$((n / 5 > 0 ? n / 5 : 1))
    RSS0[$s]=$(head -n "$k" "$run/rss-$s" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
    RSS1[$s]=$(tail -n "$k" "$run/rss-$s" | sort -n | tail -1)

    why=()
    [ -n "${RPS[$s]}" ] || why+=("wrk measured nothing: $(tail -3 "$run/wrk-$s.log" | tr '\n' ' ')")
    [ -z "${BAD[$s]}" ] || why+=("${BAD[$s]}")
    [ "$pids0" = "$pids1" ] || why+=("workers $pids0-> $pids1")
    if tail -c +"$((errpos + 1))" "$run/gw/error.log" | grep -q 'exited on signal'; then
        why+=("a worker exited on a signal")
    fi
    if [ -n "${RSS0[$s]}" ] && [ -n "${RSS1[$s]}" ] &&
        awk -v a="${RSS0[$s]}" -v b="${RSS1[$s]}" -v g="$growth_pct" -v k="$slack_kb" \
            'BEGIN { exit !(b - a > k && b > a * (1 + g / 100)) }'; then
        why+=("RSS grew from ${RSS0[$s]} kB to ${RSS1[$s]} kB")
    fi
    if [ "${#why[@]}" -eq 0 ]; then
        VERDICT[$s]=PASS
    else
        VERDICT[$s]="FAIL: ${why[*]}"
        failed=1
    fi
done
stop_nginx gw
stop_nginx upstream

kb_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
{
    echo "## make load"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "- nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), $(nproc) workers, the capture store; wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2) -t2 -c$connections -d${seconds}s after ${warmup} s of the mix"
    echo "- profile: $(basename "$(dirname "$profile")")/$(basename "$profile") ($(stat -c %s "$profile") bytes); share link: \`$(echo "$share" | sed "s/$id/ID/g; s/link=[^&]*/link=TOKEN/")\`"
    echo "- RSS bound: growth at most $growth_pct% or $(kb_mb "$slack_kb") MB, whichever is larger"
    echo
    echo "| run | URLs | requests | req/s | p99 | workers' RSS MB (after warm-up → end) | verdict |"
    echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
    for s in cached index mix; do
        printf '| %s | %s | %s | %s | %s | %s → %s | %s |\n' "$s" \
            "$(echo "${PATHS[$s]}" | sed "s/$id/ID/g; s/link=[^& ]*/link=TOKEN/; s/\([^ ]*\)/\`\1\`/g")" \
            "${NREQ[$s]:-—}" "${RPS[$s]:-—}" "${P99[$s]:-—}" \
            "$(kb_mb "${RSS0[$s]:-0}")" "$(kb_mb "${RSS1[$s]:-0}")" "${VERDICT[$s]}"
    done
    echo
} | tee "$base/results.md"

[ "$failed" = 0 ] || die "a run failed (logs: $run)"
