#!/bin/bash
# shellcheck disable=SC2016  # backquotes in Markdown, not commands
# Gateway benchmark: the module inside Debian's nginx, on loopback.
#
#   bench/gateway.sh [BUILD]          (make bench-gateway)
#
# An "APIServer" nginx (its own instance, TLS with a CA from
# t/apiserver/gencerts.sh) serves three profiles as static files:
# profile-gen's -big one (200k samples, ~5.9 MB gzip, 10.6 MB raw) at
# /debug/pprof/heap, a generated 150 KB one (t/profiles' gen/heap.pb.gz,
# APIServer-sized) at /medium/debug/pprof/heap and a small real capture
# (real/heap.pb.gz) at /small/debug/pprof/heap.  Gateway instances load a
# copy of build/ngx_http_pprof_module.so (a rebuild during the run cannot
# touch them) and measure:
#
#   (1) req/s of a cached HTML view (?capture=ID&view=top) against nginx
#       serving the same bytes as a static file, wrk -t2 -c64, 2 workers
#       (answers: the responses wrk got in DURATION);
#       goal >= 0.9x, judged on the small real profile (the big one is
#       bound by rendering: every view renders from the stored capture)
#   (2) with one worker, the largest latency of `location = /ping` (a Perl
#       client on a kept-alive connection, one request every ~1 ms) while
#       the big profile renders RENDERS times in a row, as
#       ?capture=ID&view=flame and as ?view=flame&refresh=1; with
#       pprof_thread_pool default and off; goal < 20 ms
#   (3) that worker's peak RSS (VmHWM) after all of it; goal at most
#       3x decompressed + 16 MB
#   (4) time to first byte of ?capture=ID&view=flame (curl
#       time_starttransfer) against `pprof-summary --format=flamegraph`
#       on the same file, medians of TTFB_RUNS; goal (an assumption, the
#       issue names none): not slower than the CLI
#
# The capture store (pprof_cache_path, pprof_cache, pprof_cache_valid) and
# pprof_thread_pool are detected with nginx -t: when nginx refuses one,
# the uncached numbers are measured (every view fetches and renders) and
# the cached ones are "n/a".
#
# Environment: DURATION (wrk seconds, default 5), CONNECTIONS (64),
# RENDERS (renders per latency run, 4), TTFB_RUNS (5), NGINX
# (/usr/sbin/nginx), SUMMARY (pprof-summary), MODULE (another .so), SMALL
# and MEDIUM (other profiles).  Everything runs under BUILD/bench-gateway/run (kept for its
# logs; the next run removes it); the results are also written to
# BUILD/bench-gateway/results.md.  Prints Markdown tables and PASS/FAIL per
# goal; exits 0 even when a goal is missed, non-zero only when something
# could not be measured.  Every process it starts stops with it (a
# watchdog stops the nginx instances should the script be killed).

set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
build=${1:-build}
case $build in /*) ;; *) build=$ROOT/$build ;; esac

NGINX=${NGINX:-/usr/sbin/nginx}
duration=${DURATION:-5}
connections=${CONNECTIONS:-64}
renders=${RENDERS:-4}
ttfb_runs=${TTFB_RUNS:-5}
timeout=${TIMEOUT:-15}
summary=${SUMMARY:-$build/pprof-summary}
gen=$build/profile-gen
module=${MODULE:-$build/ngx_http_pprof_module.so}
small=${SMALL:-$build/profiles/real/heap.pb.gz}
medium=${MEDIUM:-$build/profiles/gen/heap.pb.gz}

die() {
    echo "bench-gateway: $*" >&2
    exit 1
}

for f in "$NGINX" "$summary" "$gen" "$module" "$small" "$medium" \
         "$ROOT/t/apiserver/gencerts.sh"; do
    [ -e "$f" ] || die "$f is missing (make bench-gateway builds it)"
done
for c in wrk curl perl openssl ps; do
    command -v "$c" > /dev/null || die "$c is missing (make bench-gateway installs it)"
done

base=$build/bench-gateway
run=$base/run
mkdir -p "$base"
exec 9> "$base/.lock"
flock -n 9 || die "another bench/gateway.sh is running ($base/.lock)"

big=$base/big.pb.gz
if [ ! -s "$big" ] || [ "$gen" -nt "$big" ]; then
    "$gen" -big -o "$big.tmp"
    mv "$big.tmp" "$big"
fi
big_gz=$(stat -c %s "$big")
big_raw=$(zcat "$big" | wc -c)

rm -rf "$run"
mkdir -p "$run"
chmod 755 "$base" "$run"
cp "$module" "$run/module.so"
cp "$big" "$run/big.pb.gz"
cp "$medium" "$run/medium.pb.gz"
cp "$small" "$run/small.pb.gz"
chmod 644 "$run"/*.pb.gz
"$ROOT/t/apiserver/gencerts.sh" "$run/certs" > /dev/null || die "gencerts.sh failed"
chmod 755 "$run/certs"
openssl rand -hex 20 > "$run/token"
chmod 644 "$run/token"

# ---------------------------------------------------------------- processes

BENCH_NAME=bench-gateway
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# upstream_conf PREFIX PORT: the "APIServer", the profiles as files
upstream_conf() {
    local p=$1
    common_conf "$p" 1
    cat << EOF
    server {
        listen 127.0.0.1:$2 ssl;
        ssl_certificate $run/certs/server.crt;
        ssl_certificate_key $run/certs/server.key;
        default_type application/octet-stream;

        location = /ping { return 200 "ok"; }
        location = /debug/pprof/heap { alias $run/big.pb.gz; }
        location = /medium/debug/pprof/heap { alias $run/medium.pb.gz; }
        location = /small/debug/pprof/heap { alias $run/small.pb.gz; }
    }
}
EOF
}

# gateway_conf PREFIX PORT WORKERS CACHE(0/1) THREAD_POOL(""/default/off)
gateway_conf() {
    local p=$1 port=$2 workers=$3 cache=$4 tp=$5 loc prefix
    echo "load_module $run/module.so;"
    common_conf "$p" "$workers"
    if [ "$cache" = 1 ]; then
        echo "    pprof_cache_path $p/cache keys_zone=bench:16m max_size=1g inactive=1h;"
    fi
    cat << EOF
    server {
        listen 127.0.0.1:$port;

        location = /ping { return 200 "ok"; }
        location /static/ { alias $run/static/; default_type text/html; }
EOF
    for loc in "" /medium /small; do
        prefix=$loc/debug/pprof/
        echo "        location $prefix {"
        echo "            pprof_pass https://127.0.0.1:${PORT[upstream]}$prefix;"
        echo "            pprof_trusted_certificate $run/certs/ca.crt;"
        echo "            pprof_token_file $run/token;"
        echo "            pprof_max_size 64m;"
        if [ "$cache" = 1 ]; then
            echo "            pprof_cache bench;"
            echo "            pprof_cache_valid 1h;"
        fi
        [ -n "$tp" ] && echo "            pprof_thread_pool $tp;"
        echo "        }"
    done
    echo "    }"
    echo "}"
}

# --------------------------------------------------------------- the probes

PORT[upstream]=$(free_port)
mkdir -p "$run/upstream"
upstream_conf "$run/upstream" "${PORT[upstream]}" > "$run/upstream/nginx.conf"
start_nginx upstream https

# What the module knows: nginx -t on a gateway conf with the store and the
# thread pool, dropping what it calls an unknown directive.
have_cache=1
have_tp=1
mkdir -p "$run/probe"
for _ in 1 2 3; do
    gateway_conf "$run/probe" "$(free_port)" 1 "$have_cache" \
        "$( [ "$have_tp" = 1 ] && echo default )" > "$run/probe/nginx.conf"
    if "$NGINX" -p "$run/probe" -c "$run/probe/nginx.conf" -t -q 2> "$run/probe/t.log"; then
        break
    fi
    if grep -q 'unknown directive "pprof_cache' "$run/probe/t.log"; then
        have_cache=0
    elif grep -q 'unknown directive "pprof_thread_pool"' "$run/probe/t.log"; then
        have_tp=0
    else
        die "nginx -t refused the gateway conf: $(cat "$run/probe/t.log")"
    fi
done
"$NGINX" -p "$run/probe" -c "$run/probe/nginx.conf" -t -q 2> "$run/probe/t.log" ||
    die "nginx -t refused the gateway conf: $(cat "$run/probe/t.log")"
tp_on=
[ "$have_tp" = 1 ] && tp_on=default

# new_gateway NAME WORKERS THREAD_POOL: configure and start one
new_gateway() {
    PORT[$1]=$(free_port)
    mkdir -p "$run/$1"
    gateway_conf "$run/$1" "${PORT[$1]}" "$2" "$have_cache" "$3" > "$run/$1/nginx.conf"
    start_nginx "$1" http
}

# fetch URL OUT HEADERS: GET (at most TIMEOUT s), body to OUT, headers
# to HEADERS; sets ST, TTFB, TOTAL; fails unless the status is 200, with
# the reason in WHY
fetch() {
    local out
    out=$(curl -s -m "$timeout" -o "$2" -D "$3" \
        -w '%{http_code} %{time_starttransfer} %{time_total}' "$1") || true
    read -r ST TTFB TOTAL <<< "$out"
    [ "$ST" = 200 ] && return 0
    if [ "$ST" = 000 ]; then
        WHY="no answer in $(printf %.1f "$TOTAL") s"
    else
        WHY="status $ST: $(head -c 200 "$2" 2> /dev/null | tr -s '\n\t ' ' ')"
    fi
    return 1
}

# header NAME FILE: a response header's value
header() {
    awk -v h="$1" 'BEGIN { h = tolower(h) ":" }
        tolower($1) == h { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print; exit }' "$2"
}

# prime NAME LOC: one bare request to capture the profile behind LOC
# (""/medium/small); sets ID to the capture's id (empty when the response
# carries none); fails as fetch does
prime() {
    local out=$run/$1/prime$2
    ID=
    mkdir -p "$(dirname "$out")"
    fetch "http://127.0.0.1:${PORT[$1]}$2/debug/pprof/heap?view=top" "$out.html" "$out.hdr" ||
        return 1
    ID=$(header X-Pprof-Capture "$out.hdr")
    ID=$(perl -MURI::Escape -e 'print uri_escape($ARGV[0])' "$ID" 2> /dev/null || echo "$ID")
}

median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2];
        else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

notes=()
unmeasured=()
load_before=$(cut -d' ' -f1 /proc/loadavg)
# The machine's busy CPU time (USER_HZ ticks) and the clock, to tell at
# the end how much of it was others' (the load average would count this
# run's own work, and a previous run's)
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
ticks0=$(cpu_ticks)
clock0=$(date +%s.%N)
# cpu_times FILE: the user + sys seconds `times` wrote there: this shell's
# and its waited-for children's (times must run in this shell, not in a
# command substitution's subshell)
cpu_times() {
    awk '{ for (i = 1; i <= NF; i++) { split($i, t, /[ms]/); s += 60 * t[1] + t[2] } }
        END { print s }' "$1"
}
times > "$run/times0"

# ----------------------------------------- (1) HTML view vs a static file

# wrk_rps URL LOG: req/s (wrk -t2 -cCONNECTIONS); fails, the reason in WHY,
# when wrk does or gets other statuses than 2xx
wrk_rps() {
    if ! wrk -t2 -c"$connections" -d"${duration}s" --timeout 30s "$1" > "$2" 2>&1; then
        WHY="wrk failed: $(tail -3 "$2" | tr '\n' ' ')"
        return 1
    fi
    if grep -q 'Non-2xx' "$2"; then
        WHY="wrk: $(grep 'Non-2xx' "$2" | sed 's/^ *//')"
        return 1
    fi
    RATE=$(awk '/^Requests\/sec:/ { print $2 }' "$2")
}

new_gateway multi "$(nproc)" "$tp_on"
mkdir -p "$run/static"
declare -A RPS=() SRPS=() NREQ=() BYTES=() VIEWURL=() CACHEHDR=()
for loc in small medium big; do
    l=/$loc
    [ "$loc" = big ] && l=
    ID=
    VIEWURL[$loc]="$l/debug/pprof/heap?view=top"
    CACHEHDR[$loc]=uncached
    if [ "$have_cache" = 1 ]; then
        CACHEHDR[$loc]="(none)"
        if ! prime multi "$l"; then
            unmeasured+=("(1) $loc: priming $l/debug/pprof/heap?view=top: $WHY")
            continue
        fi
        [ -n "$ID" ] || notes+=("(1) $loc: the primed response carries no X-Pprof-Capture: the view is a bare request")
    fi
    view="heap?view=top"
    [ -n "$ID" ] && view="heap?capture=$ID&view=top"
    [ -n "$ID" ] && VIEWURL[$loc]="$l/debug/pprof/heap?capture=ID&view=top"
    url="http://127.0.0.1:${PORT[multi]}$l/debug/pprof/$view"
    if ! fetch "$url" "$run/static/$loc.html" "$run/multi/view-$loc.hdr"; then
        unmeasured+=("(1) $loc: ${VIEWURL[$loc]}: $WHY")
        continue
    fi
    chmod 644 "$run/static/$loc.html"
    BYTES[$loc]=$(stat -c %s "$run/static/$loc.html")
    if [ "$have_cache" = 1 ]; then
        CACHEHDR[$loc]=$(header X-Pprof-Cache "$run/multi/view-$loc.hdr")
        CACHEHDR[$loc]=${CACHEHDR[$loc]:-(none)}
    fi
    cmp -s "$run/static/$loc.html" <(curl -s -m "$timeout" "http://127.0.0.1:${PORT[multi]}/static/$loc.html") ||
        die "the static copy of $loc is not served as is"

    wait_idle multi
    if wrk_rps "$url" "$run/multi/wrk-$loc.log"; then
        RPS[$loc]=$RATE
        NREQ[$loc]=$(awk '/ requests in / { print $1 }' "$run/multi/wrk-$loc.log")
    else
        unmeasured+=("(1) $loc: ${VIEWURL[$loc]}: $WHY")
    fi
    wait_idle multi
    wrk_rps "http://127.0.0.1:${PORT[multi]}/static/$loc.html" "$run/multi/wrk-static-$loc.log" ||
        die "the static file: $WHY"
    SRPS[$loc]=$RATE
done
wait_idle multi
multi_hwm=$(vmhwm multi)
stop_nginx multi

# ------------------------------- (2) /ping latency, (3) RSS, (4) TTFB

cat > "$run/pinger.pl" << 'EOF'
# pinger.pl PORT STOPFILE: GET /ping on one kept-alive connection, one
# request every ~1 ms, until STOPFILE exists (120 s at most); prints
# "count median_ms p99_ms max_ms over20ms errors"
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Time::HiRes qw(time sleep);

my ($port, $stop) = @ARGV;
my ($s, @lat, $errors);
$errors = 0;
sub connect_ {
    $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Proto => 'tcp')
        or die "connect: $!";
    setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
}
connect_();
my $start = time;
while (!-e $stop && time - $start < 120) {
    my $t0 = time;
    my $ok = 0;
    if (syswrite($s, "GET /ping HTTP/1.1\r\nHost: bench\r\n\r\n")) {
        my $buf = '';
        while (1) {
            my $n = sysread($s, $buf, 4096, length $buf);
            last unless $n;
            if ($buf =~ /^HTTP\/1\.1 (\d+).*?Content-Length: (\d+)\r\n.*?\r\n\r\n/si) {
                my ($st, $len) = ($1, $2);
                if (length($buf) >= $+[0] + $len) { $ok = $st == 200; last }
            }
        }
    }
    my $dt = (time - $t0) * 1000;
    if ($ok) { push @lat, $dt } else { $errors++; connect_() }
    sleep 0.001;
}
@lat = sort { $a <=> $b } @lat;
my $n = @lat;
die "no answer\n" unless $n;
printf "%d %.3f %.3f %.3f %d %d\n", $n, $lat[int($n / 2)], $lat[int($n * 0.99)],
    $lat[-1], scalar(grep { $_ >= 20 } @lat), $errors;
EOF

declare -A LAT=() RENDER_S=() TRIED=()
# latency NAME KIND(capture/refresh/plain) URL: /ping while RENDERS renders
latency() {
    local name=$1 kind=$2 url=$3 stop=$run/$1/stop-$2 i times=() ok=1 pinger
    TRIED[$name-$kind]=1
    rm -f "$stop"
    wait_idle "$name"
    perl "$run/pinger.pl" "${PORT[$name]}" "$stop" > "$run/$name/ping-$kind.out" \
        2> "$run/$name/ping-$kind.err" &
    pinger=$!
    sleep 0.5
    for ((i = 0; i < renders; i++)); do
        if ! fetch "$url" /dev/null "$run/$name/render-$kind.hdr"; then
            unmeasured+=("(2) $( [ "$name" = notp ] && echo off || echo "${tp_on:-n/a}"), ${url#*/debug/pprof/}: $WHY")
            ok=
            break
        fi
        times+=("$TOTAL")
    done
    sleep 0.5
    touch "$stop"
    wait "$pinger" || die "the pinger failed: $(cat "$run/$name/ping-$kind.err")"
    [ -n "$ok" ] || return 0
    LAT[$name-$kind]=$(cat "$run/$name/ping-$kind.out")
    RENDER_S[$name-$kind]=$(printf '%s\n' "${times[@]}" | median)
}

declare -A CAPTURE_ID=()
one_worker_run() {
    local name=$1 tp=$2 gw
    new_gateway "$name" 1 "$tp"
    gw="http://127.0.0.1:${PORT[$name]}/debug/pprof/heap"
    ID=
    if [ "$have_cache" = 1 ] && ! prime "$name" ""; then
        unmeasured+=("(2) priming /debug/pprof/heap?view=top: $WHY")
    fi
    CAPTURE_ID[$name]=$ID
    if [ -n "$ID" ]; then
        latency "$name" capture "$gw?capture=$ID&view=flame"
        latency "$name" refresh "$gw?view=flame&refresh=1"
    else
        latency "$name" plain "$gw?view=flame"
    fi
}

# the instance the goals are judged on: the thread pool if there is one
one_worker_run tp "$tp_on"

# (4) on it: TTFB of the stored capture's flame graph (or, uncached, of a
# fresh one) against the CLI's wall time on the same file
if [ -n "${CAPTURE_ID[tp]}" ]; then
    flame_url="http://127.0.0.1:${PORT[tp]}/debug/pprof/heap?capture=${CAPTURE_ID[tp]}&view=flame"
else
    flame_url="http://127.0.0.1:${PORT[tp]}/debug/pprof/heap?view=flame"
fi
"$summary" --format=flamegraph "$big" > /dev/null ||
    die "$summary --format=flamegraph $big failed"
ttfbs=()
clis=()
flame_ok=1
for ((i = 0; i < ttfb_runs; i++)); do
    wait_idle tp
    if [ -n "$flame_ok" ]; then
        if fetch "$flame_url" /dev/null "$run/tp/flame.hdr"; then
            ttfbs+=("$TTFB")
        else
            unmeasured+=("(4) ${flame_url#*/debug/pprof/}: $WHY")
            flame_ok=
        fi
    fi
    t0=$(date +%s.%N)
    "$summary" --format=flamegraph "$big" > /dev/null
    t1=$(date +%s.%N)
    clis+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')")
done
ttfb_s=
[ -n "$flame_ok" ] && ttfb_s=$(printf '%s\n' "${ttfbs[@]}" | median)
cli_s=$(printf '%s\n' "${clis[@]}" | median)
flame_cache=
[ -n "$ttfb_s" ] && flame_cache=$(header X-Pprof-Cache "$run/tp/flame.hdr")

wait_idle tp
tp_hwm=$(vmhwm tp)
stop_nginx tp

# the same without the thread pool, to show the difference
notp_hwm=
if [ "$have_tp" = 1 ]; then
    one_worker_run notp off
    wait_idle notp
    notp_hwm=$(vmhwm notp)
    stop_nginx notp
fi
stop_nginx upstream
load_after=$(cut -d' ' -f1 /proc/loadavg)
# every process this run started has been waited for: `times` holds them
times > "$run/times1"
own_s=$(awk -v a="$(cpu_times "$run/times0")" -v b="$(cpu_times "$run/times1")" \
    'BEGIN { print b - a }')
others_pct=$(awk -v a="$ticks0" -v b="$(cpu_ticks)" -v own="$own_s" -v c0="$clock0" \
    -v c1="$(date +%s.%N)" -v n="$(nproc)" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    o = (b - a) / hz - own; if (o < 0) o = 0; printf "%.0f", 100 * o / ((c1 - c0) * n) }')

# ------------------------------------------------------------------ report

mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
kb_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# num FORMAT VALUE: "—" for a value that could not be measured
num() { if [ -n "$2" ]; then awk -v v="$2" -v f="$1" 'BEGIN { printf f, v }'; else printf '—'; fi; }
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else printf '—'; fi; }
field() { echo "$1" | cut -d' ' -f"$2"; }
yesno() { [ "$1" = 1 ] && echo "yes" || echo "no (nginx -t: unknown directive)"; }

rss_limit_kb=$(( (3 * big_raw + 16 * 1024 * 1024) / 1024 ))
git_rev=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo "?")
git -C "$ROOT" diff --quiet HEAD -- 2> /dev/null || git_rev="$git_rev + uncommitted changes"

report() {
    local loc kind name label r k
    echo "## nginx gateway benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r)"
    echo "- nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); module: $module (built $(date -u -r "$module" '+%Y-%m-%d %H:%M UTC')); tree: $git_rev"
    echo "- wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
    echo "- capture store (pprof_cache_path): $(yesno "$have_cache"); pprof_thread_pool: $(yesno "$have_tp")"
    echo "- profiles: big $(mb "$big_gz") MB gzip, $(mb "$big_raw") MB decompressed; medium ($(basename "$(dirname "$medium")")/$(basename "$medium")) $(awk -v s="$(stat -c %s "$medium")" 'BEGIN { printf "%.0f", s / 1024 }') KB gzip; small ($(basename "$(dirname "$small")")/$(basename "$small")) $(awk -v s="$(stat -c %s "$small")" 'BEGIN { printf "%.1f", s / 1024 }') KB gzip"
    echo "- the APIServer: a separate nginx (1 worker) serving the files over TLS; other processes used $others_pct% of the CPU during the run (load average $load_before before, $load_after after, this run's own included)"
    echo
    echo "### (1) HTML top view vs the same bytes as a static file: wrk -t2 -c$connections -d${duration}s, $(nproc) workers"
    echo
    echo "| profile | gateway URL | X-Pprof-Cache | page KB | gateway answers | gateway req/s | static req/s | gateway ÷ static |"
    echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
    for loc in small medium big; do
        printf '| %s | `%s` | %s | %s | %s | %s | %s | %s |\n' "$loc" \
            "${VIEWURL[$loc]}" "${CACHEHDR[$loc]}" \
            "$( [ -n "${BYTES[$loc]:-}" ] && awk -v b="${BYTES[$loc]}" 'BEGIN { printf "%.1f", b / 1024 }' || printf '—')" \
            "${NREQ[$loc]:-—}" "$(num %.1f "${RPS[$loc]:-}")" "$(num %.1f "${SRPS[$loc]:-}")" \
            "$(ratio "${RPS[$loc]:-}" "${SRPS[$loc]:-}")"
    done
    echo
    echo "### (2) latency of \`location = /ping\` (one request every ~1 ms) during $renders renders of the big profile in a row, 1 worker"
    echo
    echo "| pprof_thread_pool | renders | median render s | pings | median ms | p99 ms | max ms | pings ≥ 20 ms |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for name in tp notp; do
        [ "$name" = notp ] && [ "$have_tp" != 1 ] && continue
        if [ "$name" = tp ]; then label=${tp_on:-n/a (not in this build)}; else label=off; fi
        for kind in capture refresh plain; do
            [ -n "${TRIED[$name-$kind]:-}" ] || continue
            r=${LAT[$name-$kind]:-}
            case $kind in
                capture) k='`?capture=ID&view=flame`' ;;
                refresh) k='`?view=flame&refresh=1`' ;;
                plain) k='`?view=flame` (uncached)' ;;
            esac
            if [ -z "$r" ]; then
                printf '| %s | %s | failed | — | — | — | — | — |\n' "$label" "$k"
                continue
            fi
            printf '| %s | %s | %.3f | %d | %.2f | %.2f | %.1f | %d |\n' "$label" "$k" \
                "${RENDER_S[$name-$kind]}" "$(field "$r" 1)" "$(field "$r" 2)" \
                "$(field "$r" 3)" "$(field "$r" 4)" "$(field "$r" 5)"
        done
    done
    echo
    echo "### (3) the worker's peak RSS (VmHWM, read at the end)"
    echo
    echo "| instance | VmHWM MB | limit: 3 × $(mb "$big_raw") MB + 16 MB |"
    echo "| --- | ---: | ---: |"
    printf '| 1 worker, pprof_thread_pool %s: (2) and (4) | %s | %s |\n' "${tp_on:-n/a}" \
        "$(kb_mb "$tp_hwm")" "$(kb_mb "$rss_limit_kb")"
    [ -n "$notp_hwm" ] && printf '| 1 worker, pprof_thread_pool off: (2) | %s | %s |\n' \
        "$(kb_mb "$notp_hwm")" "$(kb_mb "$rss_limit_kb")"
    printf '| %s workers, (1): %s concurrent views (informational) | %s | |\n' "$(nproc)" \
        "$connections" "$(kb_mb "$multi_hwm")"
    echo
    echo "### (4) flame graph of the big profile: time to first byte vs the CLI, medians of $ttfb_runs"
    echo
    echo "| what | median s |"
    echo "| --- | ---: |"
    if [ -n "${CAPTURE_ID[tp]}" ]; then
        printf '| gateway `?capture=ID&view=flame`, TTFB (X-Pprof-Cache: %s) | %s |\n' \
            "${flame_cache:-(none)}" "$(num %.3f "$ttfb_s")"
    else
        printf '| gateway `?view=flame`, uncached (fetch + render), TTFB | %s |\n' "$(num %.3f "$ttfb_s")"
    fi
    printf '| `pprof-summary --format=flamegraph`, wall | %.3f |\n' "$cli_s"
    printf '| gateway ÷ CLI | %s |\n' "$(ratio "$ttfb_s" "$cli_s")"
    echo
}

# maxlat NAME: the largest /ping latency (ms) of the instance's runs;
# nothing when none was measured
maxlat() {
    local k v m=
    for k in capture refresh plain; do
        v=${LAT[$1-$k]:-}
        [ -n "$v" ] && m=$(awk -v a="${m:-0}" -v b="$(field "$v" 4)" 'BEGIN { print (b > a) ? b : a }')
    done
    echo "$m"
}

check_lines() {
    local lat off
    # verdict OK(1/0/na) LABEL DETAIL
    verdict() {
        case $1 in
            1) printf 'PASS  %s  (%s)\n' "$2" "$3" ;;
            0) printf 'FAIL  %s  (%s)  <<<<<<<<<<\n' "$2" "$3" ;;
            *) printf 'n/a   %s  (%s)\n' "$2" "$3" ;;
        esac
    }
    cmpx() { awk "BEGIN { print ($1) ? 1 : 0 }"; }

    if [ "${CACHEHDR[small]}" = uncached ]; then
        verdict na "(1) cached HTML view at least 0.9x a static file (small profile)" \
            "no capture store; uncached $(ratio "${RPS[small]:-}" "${SRPS[small]:-}")x"
    elif [ -z "${RPS[small]:-}" ]; then
        verdict na "(1) cached HTML view at least 0.9x a static file (small profile)" \
            "could not be measured"
    else
        verdict "$(cmpx "${RPS[small]} >= 0.9 * ${SRPS[small]}")" \
            "(1) cached HTML view at least 0.9x a static file (small profile)" \
            "$(ratio "${RPS[small]}" "${SRPS[small]}")x; medium $(ratio "${RPS[medium]:-}" "${SRPS[medium]:-}")x, big $(ratio "${RPS[big]:-}" "${SRPS[big]:-}")x"
    fi
    lat=$(maxlat tp)
    off=
    [ "$have_tp" = 1 ] && off="; $(num %.1f "$(maxlat notp)") ms with off"
    if [ -n "$lat" ]; then
        verdict "$(cmpx "$lat < 20")" \
            "(2) /ping max latency under 20 ms while the big profile renders (1 worker, pprof_thread_pool ${tp_on:-n/a})" \
            "$(printf '%.1f ms' "$lat")$off"
    else
        verdict na "(2) /ping max latency under 20 ms while the big profile renders" \
            "could not be measured$off"
    fi
    verdict "$(cmpx "$tp_hwm <= $rss_limit_kb")" \
        "(3) worker peak RSS at most 3x decompressed + 16 MB" \
        "$(kb_mb "$tp_hwm") MB, limit $(kb_mb "$rss_limit_kb") MB"
    if [ -z "${CAPTURE_ID[tp]}" ]; then
        verdict na "(4) cached flame graph TTFB no slower than the CLI" \
            "no capture; uncached $(num %.3f "$ttfb_s") s vs $(printf '%.3f' "$cli_s") s"
    elif [ -z "$ttfb_s" ]; then
        verdict na "(4) cached flame graph TTFB no slower than the CLI" "could not be measured"
    else
        verdict "$(cmpx "$ttfb_s <= $cli_s")" \
            "(4) cached flame graph TTFB no slower than the CLI" \
            "$(printf '%.3f s vs %.3f s' "$ttfb_s" "$cli_s"), $(ratio "$ttfb_s" "$cli_s")x"
    fi
}

{
    report
    if [ "$others_pct" -gt 10 ]; then
        echo "WARNING: other processes used $others_pct% of the machine's CPU during the run: numbers are unreliable"
        echo
    fi
    for n in "${notes[@]}"; do
        echo "NOTE: $n"
    done
    [ "${#notes[@]}" -gt 0 ] && echo
    for n in "${unmeasured[@]}"; do
        echo "NOT MEASURED: $n"
    done
    [ "${#unmeasured[@]}" -gt 0 ] && echo
    check_lines
} | tee "$base/results.md"

if [ "${#unmeasured[@]}" -gt 0 ]; then
    echo "bench-gateway: ${#unmeasured[@]} measurement(s) failed (logs: $run)" >&2
    exit 1
fi
