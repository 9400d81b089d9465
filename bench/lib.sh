#!/bin/bash
# shellcheck shell=bash
# What the benchmarks share (sourced by bench/gateway.sh, bench/load.sh):
# nginx instances on loopback, each its own prefix under $run, started
# and stopped with the script (a watchdog stops them should the script be
# killed), random free ports, their workers' pids and memory.
#
# The sourcing script sets run (its run directory), NGINX, BENCH_NAME and
# a die() function before sourcing; MASTER[name] and PORT[name] are the
# instances' master pids and ports.

# ---------------------------------------------------------------- processes

declare -A MASTER=() PORT=()
: > "$run/masters"
watchdog=

stop_nginx() {
    local name=$1 pid=${MASTER[$1]:-} _
    [ -n "$pid" ] || return 0
    kill -QUIT "$pid" 2> /dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    kill -TERM "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    MASTER[$name]=
}

cleanup() {
    local n
    trap - EXIT INT TERM HUP
    for n in "${!MASTER[@]}"; do
        stop_nginx "$n"
    done
    [ -n "$watchdog" ] && kill "$watchdog" 2> /dev/null
    wait 2> /dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Should this script die without its traps (SIGKILL), stop the masters.
(
    trap - EXIT INT TERM HUP
    while kill -0 $$ 2> /dev/null; do sleep 1; done
    while read -r p; do kill -TERM "$p" 2> /dev/null; done < "$run/masters"
) > /dev/null 2>&1 &
watchdog=$!

free_port() {
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1,
        LocalAddr => "127.0.0.1:0", ReuseAddr => 1)->sockport'
}

# common_conf PREFIX WORKERS: the main and events contexts, the http
# context's opening line and the settings every instance shares
common_conf() {
    local p=$1
    cat << EOF
daemon off;
master_process on;
worker_processes $2;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_rlimit_nofile 8192;
error_log $p/error.log notice;
pid $p/nginx.pid;

events {
    worker_connections 4096;
}

http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path $p/client_body;
    proxy_temp_path $p/proxy;
    fastcgi_temp_path $p/fastcgi;
    uwsgi_temp_path $p/uwsgi;
    scgi_temp_path $p/scgi;
EOF
}

# start_nginx NAME SCHEME: the instance whose conf is $run/NAME/nginx.conf,
# listening on PORT[NAME]; waits until /ping answers
start_nginx() {
    local name=$1 scheme=$2 p=$run/$1 _
    "$NGINX" -p "$p" -c "$p/nginx.conf" -t -q 2> "$p/t.log" ||
        die "nginx -t refused $p/nginx.conf: $(cat "$p/t.log")"
    "$NGINX" -p "$p" -c "$p/nginx.conf" 2> "$p/stderr.log" &
    MASTER[$name]=$!
    echo "${MASTER[$name]}" >> "$run/masters"
    for _ in $(seq 100); do
        curl -ksf -o /dev/null "$scheme://127.0.0.1:${PORT[$name]}/ping" && return 0
        kill -0 "${MASTER[$name]}" 2> /dev/null ||
            die "nginx $name exited: $(tail -5 "$p/error.log" "$p/stderr.log" 2> /dev/null)"
        sleep 0.1
    done
    die "nginx $name does not answer on port ${PORT[$name]}"
}

# workers NAME: the worker processes' pids (not a cache manager's)
workers() {
    ps --ppid "${MASTER[$1]}" -o pid=,args= | awk '/worker process/ { print $1 }'
}

# wait_idle NAME: until the workers have used under 20 ms of CPU in 0.3 s
# (after wrk quits, nginx may still finish what it had accepted); 60 s at most
wait_idle() {
    local pids prev cur _
    pids=$(workers "$1")
    cpu() {
        local t=0 p
        for p in $pids; do
            t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2> /dev/null || echo 0)))
        done
        echo "$t"
    }
    prev=$(cpu)
    for _ in $(seq 200); do
        sleep 0.3
        cur=$(cpu)
        [ $((cur - prev)) -lt 2 ] && return 0
        prev=$cur
    done
    echo "$BENCH_NAME: warning: nginx $1 still busy after 60 s" >&2
}

# vmhwm NAME: the largest VmHWM (kB) of the instance's workers
vmhwm() {
    local p m=0 v
    for p in $(workers "$1"); do
        v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status")
        [ "$v" -gt "$m" ] && m=$v
    done
    echo "$m"
}

