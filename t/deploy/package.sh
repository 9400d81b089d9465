#!/usr/bin/env bash
# t/deploy/package.sh BUILD: debian/ built, installed and used
# (make package-test).
#
#   1. a copy of the package's files in RUN_DIR (the tree stays clean),
#      dpkg-buildpackage -us -uc -b there
#   2. the .deb: the module in /usr/lib/nginx/modules, mod-http-pprof.conf
#      (load_module) in /usr/share/nginx/modules-available, nginx's ABI in
#      Depends
#   3. apt-get install ./libnginx-mod-http-pprof_*.deb: the files, the
#      modules-enabled link, nginx -t with a config that includes that link
#      (the module from /usr/lib/nginx/modules) and uses pprof_pass; then
#      served, a profile through the fake APIServer
#   4. what the other suites do still works: nginx -t of a config that
#      loads build/ngx_http_pprof_module.so by path, and of the system's
#      own /etc/nginx/nginx.conf (which now loads the package's module)
#   5. purged again, unless it was installed before the test: the module,
#      the snippet and the link are gone
#
# PACKAGE_FILES: the tree's files the source package is made of.
# Ends with "package: N passed, M failed, K skipped".
set -u

cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-build}
# shellcheck source=t/sh/checks.sh
. t/sh/checks.sh
checks_start package
NGINX=${NGINX:-/usr/sbin/nginx}
PKG=libnginx-mod-http-pprof
SO=/usr/lib/nginx/modules/ngx_http_pprof_module.so
SNIPPET=/usr/share/nginx/modules-available/mod-http-pprof.conf
ENABLED=/etc/nginx/modules-enabled/50-mod-http-pprof.conf
APT=(apt-get -q -y -o DPkg::Lock::Timeout=300)

[ "$(id -u)" = 0 ] || { echo "package: installing needs root" >&2; exit 1; }


# 1: the build, in a copy

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
upstream=${version%-*}
src=$RUN_DIR/$PKG-$upstream
mkdir -p "$src"
# shellcheck disable=SC2086  # a list of paths
tar cf - ${PACKAGE_FILES:?} | tar xf - -C "$src" || exit 1

if (cd "$src" && dpkg-buildpackage -us -uc -b) > "$RUN_DIR/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b ($PKG $version)"
else
    fail "dpkg-buildpackage: $(grep -iE 'error|fatal' "$RUN_DIR/build.log" | head -5)"
    checks_done
    exit 1
fi
deb=$RUN_DIR/${PKG}_${version}_$(dpkg --print-architecture).deb
[ -s "$deb" ] && ok "the .deb: $(basename "$deb")" || fail "no $deb"
grep -q 'dh_auto_test' "$RUN_DIR/build.log" &&
    ok "the build ran dh_auto_test (nginx -t loading the module)" ||
    fail "dh_auto_test did not run"


# 2: what is in it

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$RUN_DIR/contents"
for f in "$SO" "$SNIPPET"; do
    grep -qx "$f" "$RUN_DIR/contents" && ok "the .deb has $f" ||
        fail "the .deb has no $f"
done
is "$(dpkg-deb --fsys-tarfile "$deb" | tar xOf - ".$SNIPPET")" \
    "load_module modules/ngx_http_pprof_module.so;" \
    "mod-http-pprof.conf: load_module modules/ngx_http_pprof_module.so"
abi=$(sed -n 's/^nginx:abi=//p' /usr/share/nginx/src/debian/libnginx-mod.abisubstvars)
depends=$(dpkg-deb -f "$deb" Depends)
case ", $depends," in
    *", $abi,"*) ok "Depends: $abi (the installed nginx provides it)" ;;
    *) fail "Depends has no $abi: $depends" ;;
esac
case $depends in
    *libdeflate0*) ok "Depends: libdeflate0 (from the module's NEEDED)" ;;
    *) fail "Depends has no libdeflate0: $depends" ;;
esac


# 3: installed

before=
dpkg -s "$PKG" 2>/dev/null | grep -q '^Status: install ok installed' &&
    before=1
if "${APT[@]}" install --reinstall "$deb" > "$RUN_DIR/install.log" 2>&1; then
    ok "apt-get install ./$(basename "$deb")"
else
    fail "apt-get install: $(tail -3 "$RUN_DIR/install.log")"
    checks_done
    exit 1
fi
is "$(dpkg-query -W -f '${Version} ${db:Status-Status}' "$PKG")" \
    "$version installed" "dpkg: $PKG $version installed"
is "$(dpkg -S "$SO" 2>/dev/null)" "$PKG: $SO" "$SO belongs to $PKG"
cmp -s "$SO" <(dpkg-deb --fsys-tarfile "$deb" | tar xOf - ".$SO") &&
    ok "$SO is the package's" || fail "$SO differs from the package's"
is "$(readlink "$ENABLED")" "$SNIPPET" \
    "postinst: $ENABLED links to the snippet"

checks_apiserver
PORT=$(free_port)
W=$RUN_DIR/nginx
mkdir -p "$W"
# nginx's own prefix (/usr/share/nginx: modules/ is /usr/lib/nginx/modules),
# everything it writes in the run directory
# conf FILE FIRST-LINE: a gateway config that gets the module by FIRST-LINE
conf() {
    cat > "$1" <<EOF
$2
pid $1.pid;
events {}
http {
    access_log $W/access.log;
    client_body_temp_path $W/client_body;
    proxy_temp_path $W/proxy;
    fastcgi_temp_path $W/fastcgi;
    uwsgi_temp_path $W/uwsgi;
    scgi_temp_path $W/scgi;
    server {
        listen 127.0.0.1:$PORT;
        location /debug/pprof/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
            pprof_token_file $TEST_NGINX_TOKEN_FILE;
            pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        }
    }
}
EOF
}

conf "$W/nginx.conf" "include $ENABLED;"
NGX=("$NGINX" -e "$W/error.log" -c "$W/nginx.conf")
if "${NGX[@]}" -t > "$RUN_DIR/nginx-t.log" 2>&1; then
    ok "nginx -t: the installed module (modules-enabled) and pprof_pass"
else
    fail "nginx -t: $(grep -v 'syntax is ok' "$RUN_DIR/nginx-t.log" | head -3)"
fi

URL=http://127.0.0.1:$PORT
if nginx_serve "$URL/debug/pprof/" "${NGX[@]}"; then
    code=$(curl -s -o "$W/heap" -w '%{http_code}' "$URL/debug/pprof/heap")
    is "$code $(head -c2 "$W/heap" | od -An -tx1 | tr -d ' ')" "200 1f8b" \
        "the installed module serves a heap profile"
    maps=$(grep -o '/[^ ]*ngx_http_pprof_module\.so' "/proc/$NGINX_PID/maps" | sort -u)
    is "$maps" "$SO" "the module nginx mapped is $SO"
    is "$(apiserver_count 'path=/debug/pprof/heap&auth=valid')" "1" \
        "one APIServer request, with the token"
    kill -QUIT "$NGINX_PID" 2>/dev/null
    wait "$NGINX_PID" 2>/dev/null
    NGINX_PID=
fi


# 4: the other suites' way, and the system's nginx.conf

conf "$W/by-path.conf" "load_module $ROOT/$BUILD/ngx_http_pprof_module.so;"
if [ -e "$ROOT/$BUILD/ngx_http_pprof_module.so" ]; then
    "$NGINX" -e "$W/error.log" -c "$W/by-path.conf" -t > "$RUN_DIR/by-path.log" 2>&1 &&
        ok "installed, nginx -t still loads build/ngx_http_pprof_module.so by path" ||
        fail "by path: $(grep -v 'syntax is ok' "$RUN_DIR/by-path.log" | head -3)"
else
    skip "by path: no $BUILD/ngx_http_pprof_module.so (make module)"
fi
if [ -e /etc/nginx/nginx.conf ]; then
    "$NGINX" -t > "$RUN_DIR/system.log" 2>&1 &&
        ok "installed, nginx -t of /etc/nginx/nginx.conf passes" ||
        fail "/etc/nginx/nginx.conf: $(grep -v 'syntax is ok' "$RUN_DIR/system.log" | head -3)"
fi


# 5: removed again

if [ -n "$before" ]; then
    skip "purge: $PKG was installed before the test, left installed ($version)"
elif "${APT[@]}" purge "$PKG" > "$RUN_DIR/purge.log" 2>&1; then
    ok "apt-get purge $PKG"
    for f in "$SO" "$SNIPPET" "$ENABLED"; do
        [ -e "$f" ] || [ -L "$f" ] && fail "purged, $f is still there" ||
            ok "purged: no $f"
    done
else
    fail "apt-get purge: $(tail -3 "$RUN_DIR/purge.log")"
fi

checks_done
