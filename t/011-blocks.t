# Unnamed child blocks of a pprof_pass location: `if` and `limit_except`
# work there as they do under proxy_pass.  The location's pprof settings
# (target, token, TLS context and sessions, limits) reach the block, the
# views' filters run in it, and nginx's own directives in it (add_header,
# set, return, deny) do what they always do.  Settings are given in the
# location itself, not at server level, so only the merge can carry them
# into the block.  A worker that dies fails the block twice: no response,
# and "exited on signal" in the log.

use Test::Nginx::Socket 'no_plan';
use PprofGateway;

# a master process: a worker that dies is logged ("worker process N exited
# on signal 11") and replaced, instead of taking the whole server down
master_on();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(timeout => 15) unless defined $block->timeout;
});

# --- init: a request through nginx before the block's own; must be 200
sub prime {
    my ($path) = @_;
    my ($status, undef, $body) = nginx_get($path);
    Test::More::is($status, 200, "init: GET $path") or Test::More::diag($body);
}

run_tests();

__DATA__

=== TEST 1: an if that matches: its add_header, and the profile itself, fetched once
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap?x=1",
 "GET /ctl/count?path=/debug/pprof/heap",
 "GET /debug/pprof/cmdline?x=1",
 "GET /ctl/requests"]
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 200, 200, 200, 200]
--- response_headers eval
["",
 "X-If: 1\nContent-Type: application/octet-stream",
 "",
 "X-If: 1",
 ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\AGZIP\\n\\z",
 "\\A1\\n\\z",
 "fake-apiserver",
 "\\AGET /debug/pprof/heap auth=valid\\nGET /debug/pprof/cmdline auth=valid\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 2: an if that does not match: no X-If, the same profile
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap",
 "GET /debug/pprof/heap?x=",
 "GET /debug/pprof/heap?y=1",
 "GET /ctl/count?path=/debug/pprof/heap"]
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 200, 200, 200, 200]
--- response_headers eval
["",
 "!X-If\nContent-Type: application/octet-stream",
 "!X-If\nContent-Type: application/octet-stream",
 "!X-If\nContent-Type: application/octet-stream",
 ""]
--- response_body_like eval
["\\Aok\\n\\z", "\\AGZIP\\n\\z", "\\AGZIP\\n\\z", "\\AGZIP\\n\\z", "\\A3\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 3: an if with return 403: nothing reaches the APIServer
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_deny) {
            return 403;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap?deny=1",
 "GET /debug/pprof/profile?seconds=1&deny=yes",
 "POST /debug/pprof/symbol?deny=1\n0x401000",
 "GET /ctl/count",
 "GET /debug/pprof/heap?format=top",
 "GET /ctl/count"]
--- error_code eval
[200, 403, 403, 403, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "403 Forbidden",
 "403 Forbidden",
 "403 Forbidden",
 "\\A0\\n\\z",
 "Type: inuse_space",
 "\\A1\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 4: set in an if, used by its add_header; the location's add_header when it does not match
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        add_header X-Outer 1;
        if ($arg_x) {
            set $v "if-$arg_x";
            add_header X-V $v;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/cmdline?x=abc",
 "GET /debug/pprof/heap?x=def&format=top",
 "GET /debug/pprof/cmdline",
 "GET /ctl/count"]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_headers eval
["",
 "X-V: if-abc\n!X-Outer",
 "X-V: if-def\n!X-Outer\nContent-Type: text/plain; charset=utf-8",
 "X-Outer: 1\n!X-V",
 ""]
--- response_body_like eval
["\\Aok\\n\\z", "fake-apiserver", "Type: inuse_space", "fake-apiserver", "\\A3\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 5: the views in a matching if: top text, a page for browsers, JSON, raw
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap?x=1&format=top",
 "GET /debug/pprof/heap?x=1",
 "GET /debug/pprof/heap?x=1&format=json",
 "GET /debug/pprof/goroutine?x=1",
 "GET /debug/pprof/heap?x=1&format=raw",
 "GET /ctl/count"]
--- more_headers eval
["",
 "",
 "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
 "",
 "Accept: text/html",
 "Accept: text/html",
 ""]
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 200, 200, 200, 200, 200, 200]
--- response_headers eval
["",
 "X-If: 1\nContent-Type: text/plain; charset=utf-8",
 "X-If: 1\nContent-Type: text/html; charset=utf-8\nVary: Accept\nContent-Disposition:",
 "X-If: 1\nContent-Type: application/json",
 "X-If: 1\nContent-Type: text/html; charset=utf-8",
 "X-If: 1\nContent-Type: application/octet-stream",
 ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "(?s)Type: inuse_space.*Showing nodes accounting for .* total\\n +flat +flat% +sum% +cum +cum%\\n",
 "(?s)^<!DOCTYPE html>.*inuse_space.*flat%.*cum%.*</html>\\s*\$",
 "(?s)\\A\\s*\\{.*\"sample_type\": *\"inuse_space\".*\\}\\s*\\z",
 "(?is)goroutines.*runtime\\.gopark",
 "\\AGZIP\\n\\z",
 "\\A5\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 6: the location's pprof_max_seconds holds in the if block
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_max_seconds 5;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/profile?x=1&seconds=10",
 "GET /debug/pprof/heap?x=1&seconds=6",
 "GET /debug/pprof/trace?seconds=5.5&x=1",
 "GET /ctl/count",
 "GET /debug/pprof/heap?x=1&seconds=1",
 "GET /ctl/count"]
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 400, 400, 400, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\A\"seconds\" must be a positive number of at most 5 \\(pprof_max_seconds\\)\\n\\z",
 "\\A\"seconds\" must be a positive number of at most 5 \\(pprof_max_seconds\\)\\n\\z",
 "\\A\"seconds\" must be a positive number of at most 5 \\(pprof_max_seconds\\)\\n\\z",
 "\\A0\\n\\z",
 "\\AGZIP\\n\\z",
 "\\A1\\n\\z"]
--- no_error_log
exited on signal
[alert]



=== TEST 7: the location's target (with a path) and token are used in the if block
--- config
    location /echo/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /echo/cmdline?x=1",
 "GET /echo/heap?debug=1&x=1",
 "GET /echo/cmdline"]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-If: 1", "X-If: 1", "!X-If"]
--- response_body_like eval
["(?sm)\\Arequest: GET /faults/echo/debug/pprof/cmdline HTTP/1\\.1\\npath: /faults/echo/debug/pprof/cmdline\\nquery: \\n.*^authorization: valid\$",
 "(?sm)\\Arequest: GET /faults/echo/debug/pprof/heap\\?debug=1 HTTP/1\\.1\\n.*^authorization: valid\$",
 "(?sm)\\Arequest: GET /faults/echo/debug/pprof/cmdline HTTP/1\\.1\\n.*^authorization: valid\$"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 8: the location's TLS context is the if block's: a CA that did not sign the server fails there too
--- config
    location /bad/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
    location /good/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /good/cmdline?x=1",
 "GET /bad/cmdline?x=1",
 "GET /bad/heap",
 "GET /ctl/count",
 "GET /good/cmdline?x=1"]
--- error_code eval
[200, 200, 502, 502, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "fake-apiserver",
 "\\Athe APIServer at 127\\.0\\.0\\.1:\\d+ failed TLS verification: unable to get local issuer certificate \\(20\\)",
 "\\Athe APIServer at 127\\.0\\.0\\.1:\\d+ failed TLS verification: unable to get local issuer certificate \\(20\\)",
 "\\A1\\n\\z",
 "fake-apiserver"]
--- no_error_log
exited on signal
[alert]



=== TEST 9: the location's TLS session is resumed by a request in its if block
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- init
::prime('/debug/pprof/cmdline');
--- request
GET /debug/pprof/cmdline?x=1
--- response_headers
X-If: 1
--- response_body_like: fake-apiserver
--- error_log
pprof: resuming TLS session of this location
SSL reused session
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 10: limit_except GET { deny all; }: GET served, POST to symbol refused before the APIServer
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        limit_except GET {
            deny all;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap",
 "GET /debug/pprof/heap?format=top",
 "POST /debug/pprof/symbol\n0x401000",
 "GET /debug/pprof/symbol",
 "GET /ctl/count?path=/debug/pprof/symbol&method=POST",
 "GET /ctl/count"]
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 200, 200, 403, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\AGZIP\\n\\z",
 "Type: inuse_space",
 "403 Forbidden",
 "\\Anum_symbols: ",
 "\\A0\\n\\z",
 "\\A3\\n\\z"]
--- no_error_log
exited on signal
[alert]



=== TEST 11: limit_except GET POST { deny all; }: POST to symbol works, other methods are refused
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        limit_except GET POST {
            deny all;
        }
    }
--- request eval
["GET /ctl/reset",
 "POST /debug/pprof/symbol\n0x401000",
 "PUT /debug/pprof/symbol\n0x401000",
 "GET /debug/pprof/heap?format=top",
 "GET /ctl/requests"]
--- error_code eval
[200, 200, 403, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Anum_symbols: ",
 "403 Forbidden",
 "Type: inuse_space",
 "\\APOST /debug/pprof/symbol auth=valid\\nGET /debug/pprof/heap auth=valid\\n\\z"]
--- no_error_log
exited on signal
[alert]



=== TEST 12: a request let through the limit_except block itself is served with the location's settings
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        limit_except GET {
            allow 127.0.0.1;
            deny all;
        }
    }
--- request eval
["GET /ctl/reset",
 "POST /debug/pprof/symbol\n0x401000",
 "DELETE /debug/pprof/symbol",
 "POST /debug/pprof/heap\nx",
 "GET /ctl/requests"]
--- error_code eval
[200, 200, 405, 405, 200]
--- response_headers eval
["", "", "Allow: GET, POST", "Allow: GET", ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Anum_symbols: ",
 "\\Amethod DELETE is not allowed here",
 "\\Amethod POST is not allowed here",
 "\\APOST /debug/pprof/symbol auth=valid\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 13: a location nested in a pprof_pass location, with its own pprof_pass and an if
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_max_seconds 5;

        location = /debug/pprof/goroutine {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
            add_header X-Nested 1;
            if ($arg_x) {
                add_header X-If 1;
            }
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/goroutine?debug=1",
 "GET /debug/pprof/goroutine?debug=1&x=1",
 "GET /debug/pprof/goroutine?x=1",
 "GET /debug/pprof/goroutine?seconds=6",
 "GET /debug/pprof/goroutine?x=1&seconds=6",
 "GET /debug/pprof/heap?format=top",
 "GET /ctl/count"]
--- more_headers eval
["", "", "", "Accept: text/html", "", "", "", ""]
--- error_code eval
[200, 200, 200, 200, 400, 400, 200, 200]
--- response_headers eval
["",
 "X-Nested: 1\n!X-If",
 "X-If: 1\n!X-Nested",
 "X-If: 1\nContent-Type: text/html; charset=utf-8",
 "",
 "",
 "!X-Nested",
 ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Agoroutine profile: total \\d+",
 "\\Agoroutine profile: total \\d+",
 "(?is)goroutines.*runtime\\.gopark",
 "\\A\"seconds\" must be a positive number of at most 5 \\(pprof_max_seconds\\)\\n\\z",
 "\\A\"seconds\" must be a positive number of at most 5 \\(pprof_max_seconds\\)\\n\\z",
 "Type: inuse_space",
 "\\A4\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 14: an if in a regex location and in an exact one
--- config
    location ~ ^/re/(heap|goroutine)$ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
    location = /exact/heap {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /re/heap?format=top",
 "GET /re/heap?format=top&x=1",
 "GET /re/goroutine?debug=1&x=1",
 "GET /exact/heap?format=top",
 "GET /exact/heap?format=top&x=1",
 "GET /ctl/count?path=/debug/pprof/heap"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200]
--- response_headers eval
["", "!X-If", "X-If: 1", "X-If: 1", "!X-If", "X-If: 1", ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "Type: inuse_space",
 "Type: inuse_space",
 "\\Agoroutine profile: total \\d+",
 "Type: inuse_space",
 "Type: inuse_space",
 "\\A4\\n\\z"]
--- no_error_log
exited on signal
[alert]
[error]



=== TEST 15: an if and a limit_except in the same location
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        limit_except GET {
            deny all;
        }
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap?x=1&format=top",
 "POST /debug/pprof/symbol?x=1\n0x401000",
 "GET /debug/pprof/symbol?x=1",
 "GET /ctl/requests"]
--- error_code eval
[200, 200, 403, 200, 200]
--- response_headers eval
["", "X-If: 1", "", "X-If: 1", ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "Type: inuse_space",
 "403 Forbidden",
 "\\Anum_symbols: ",
 "\\AGET /debug/pprof/heap auth=valid\\nGET /debug/pprof/symbol auth=valid\\n\\z"]
--- no_error_log
exited on signal
[alert]



=== TEST 16: the refine options in a matching if and in a regex location: applied, kept in links, a bad one refused before the APIServer
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
    location ~ ^/re/(goroutine)$ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/goroutine?x=1&format=top&show_from=%5Emain%5C.workPark%24&granularity=files",
 "GET /debug/pprof/goroutine?x=1&view=peek&focus=%5Emain%5C.workPark%24&tagfocus=role%3Dpark&hide=chanrecv1",
 "GET /debug/pprof/goroutine?x=1&format=top&granularity=bogus",
 "GET /re/goroutine?format=top&tagignore=role%3Dpark&show=%5Emain%5C.&granularity=lines",
 "GET /re/goroutine?view=top&hide=zzz&granularity=filefunctions",
 "GET /re/goroutine?format=dot&hide=%28",
 "GET /ctl/count?path=/debug/pprof/goroutine"]
--- error_code eval
[200, 200, 200, 400, 200, 200, 400, 200]
--- response_headers eval
["", "X-If: 1", "X-If: 1", "", "", "", "", ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "(?s)\\A(?!.*main\\.).*Active filters:\\n   show_from=\\^main\\\\\\.workPark\\\$\\nShowing nodes accounting for 8, .*\\n +8 [^\\n]+  runtime/proc\\.go\\n +0 [^\\n]+ +8 [^\\n]+  fakeapiserver/workload\\.go\\n +0 [^\\n]+ +8 [^\\n]+  runtime/chan\\.go\\n\\z",
 "(?s)\\A(?!.*runtime\\.chanrecv1).*<strong aria-current=\"page\">Peek</strong>.*<a href=\"\\?view=peek&amp;(?=[^\"]*&amp;tagfocus=role%3Dpark)(?=[^\"]*&amp;hide=chanrecv1)[^\"]*\" rel=\"bookmark\">link to this view</a>.*<tr class=\"self\">.*main\\.workPark.*<tr class=\"callee\">.*runtime\\.chanrecv\\b",
 "\\Agranularity \"bogus\" is not functions, filefunctions, files, lines or addresses\\n\\z",
 "(?s)\\A(?!.*\\n +\\d[^\\n]*  main\\.workPark ).*Active filters:\\n   show=\\^main\\\\\\.\\n   tagignore=role=park\\n.*  main\\.workContend fakeapiserver/workload\\.go:\\d+\\n",
 "(?s)<a href=\"\\?view=top&amp;[^\"]*hide=zzz&amp;granularity=filefunctions\" rel=\"bookmark\">link to this view</a>.*>main\\.workPark fakeapiserver/workload\\.go</a>",
 "\\Ahide: bad regular expression: ",
 "\\A4\\n\\z"]
--- no_error_log
exited on signal
[alert]
