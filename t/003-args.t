use Test::Nginx::Socket 'no_plan';
use PprofGateway;

run_tests();

__DATA__

=== TEST 1: only seconds, debug and gc are forwarded, in a fixed order
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/heap?foo=1&gc=1&x=%0d%0aEvil:%201&debug=1&format=raw&seconds=&view=top",
 "GET /debug/pprof/heap?debug=1&debug=2",
 "GET /debug/pprof/goroutine?debug=2&gc=1",
 "GET /debug/pprof/profile?seconds=5&debug=1&gc=1",
 "GET /debug/pprof/cmdline?debug=1&gc=1&anything=else",
 "GET /debug/pprof/?debug=1",
 "GET /debug/pprof/heap?gc=0&debug=0"]
--- error_code eval
[(200) x 7]
--- response_body_like eval
["\\Arequest: GET /faults/echo/debug/pprof/heap\\?debug=1&gc=1 HTTP/1\\.1\\npath: /faults/echo/debug/pprof/heap\\nquery: debug=1&gc=1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/heap\\?debug=1 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/goroutine\\?debug=2 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/profile\\?seconds=5 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/cmdline HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/ HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/heap HTTP/1\\.1\\n"]
--- no_error_log
[error]



=== TEST 2: the request carries only Host, Authorization and User-Agent
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- more_headers
Authorization: Bearer client-supplied-token
Cookie: session=abc
X-Forwarded-For: 10.0.0.1
Impersonate-User: system:admin
Impersonate-Group: system:masters
Accept-Encoding: gzip
Connection: close
--- request
GET /debug/pprof/cmdline
--- response_body eval
"request: GET /faults/echo/debug/pprof/cmdline HTTP/1.1
path: /faults/echo/debug/pprof/cmdline
query: 
host: 127.0.0.1:$ENV{TEST_NGINX_APISERVER_PORT}
sni: 
header: authorization
header: host
header: user-agent
authorization: valid
"
--- no_error_log
[error]



=== TEST 3: seconds beyond pprof_max_seconds, non-numeric, zero: 400, nothing forwarded
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/profile?seconds=61",
 "GET /debug/pprof/profile?seconds=abc",
 "GET /debug/pprof/profile?seconds=0",
 "GET /debug/pprof/profile?seconds=-1",
 "GET /debug/pprof/profile?seconds=1e3",
 "GET /debug/pprof/profile?seconds=1.5",
 "GET /debug/pprof/profile?seconds=%35",
 "GET /debug/pprof/profile?seconds=99999999999999999999",
 "GET /debug/pprof/trace?seconds=0",
 "GET /debug/pprof/trace?seconds=0.0",
 "GET /debug/pprof/trace?seconds=60.5",
 "GET /debug/pprof/trace?seconds=.",
 "GET /debug/pprof/trace?seconds=1.",
 "GET /debug/pprof/heap?seconds=61",
 "GET /ctl/count"]
--- error_code eval
[200, (400) x 14, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 ("\\A\"seconds\" must be a positive number of at most 60 \\(pprof_max_seconds\\)\\n\\z") x 14,
 "\\A0\\n\\z"]
--- no_error_log
[alert]



=== TEST 4: debug must be 0 to 2, gc 0 or 1, seconds and debug exclusive
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap?debug=3",
 "GET /debug/pprof/goroutine?debug=x",
 "GET /debug/pprof/goroutine?debug=-1",
 "GET /debug/pprof/heap?seconds=1&debug=1",
 "GET /debug/pprof/heap?gc=2",
 "GET /debug/pprof/heap?gc=yes",
 "GET /debug/pprof/cmdline?seconds=1",
 "GET /debug/pprof/symbol?seconds=1",
 "GET /debug/pprof/?seconds=1",
 "GET /ctl/count"]
--- error_code eval
[200, (400) x 9, 200]
--- response_body eval
["ok\n",
 "\"debug\" must be 0, 1 or 2\n",
 "\"debug\" must be 0, 1 or 2\n",
 "\"debug\" must be 0, 1 or 2\n",
 "\"seconds\" and \"debug\" cannot be combined: a delta profile is binary only\n",
 "\"gc\" must be 0 or 1\n",
 "\"gc\" must be 0 or 1\n",
 "\"seconds\" does not apply to this profile\n",
 "\"seconds\" does not apply to this profile\n",
 "\"seconds\" does not apply to this profile\n",
 "0\n"]
--- no_error_log
[alert]



=== TEST 5: a bad argument is logged, at info level
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/profile?seconds=600
--- error_code: 400
--- response_body
"seconds" must be a positive number of at most 60 (pprof_max_seconds)
--- error_log eval
qr/\[info\] .*pprof: "seconds" must be a positive number of at most 60/
--- no_error_log
[error]



=== TEST 6: gc only for heap; delta profiles and fractional trace seconds pass through
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/allocs?gc=1",
 "GET /debug/pprof/heap?gc=1",
 "GET /debug/pprof/heap?seconds=1",
 "GET /debug/pprof/allocs?seconds=1",
 "GET /debug/pprof/goroutine?seconds=1",
 "GET /debug/pprof/block?seconds=2",
 "GET /debug/pprof/mutex?seconds=3",
 "GET /debug/pprof/threadcreate?seconds=4",
 "GET /debug/pprof/heap?seconds=30&gc=1",
 "GET /debug/pprof/trace?seconds=0.1",
 "GET /debug/pprof/trace?seconds=.5",
 "GET /debug/pprof/trace?seconds=59.999",
 "GET /debug/pprof/trace?seconds=60",
 "GET /debug/pprof/profile?seconds=60"]
--- error_code eval
[(200) x 14]
--- response_body_like eval
["\\Arequest: GET /faults/echo/debug/pprof/allocs HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/heap\\?gc=1 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/heap\\?seconds=1 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/allocs\\?seconds=1 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/goroutine\\?seconds=1 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/block\\?seconds=2 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/mutex\\?seconds=3 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/threadcreate\\?seconds=4 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/heap\\?seconds=30&gc=1 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/trace\\?seconds=0\\.1 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/trace\\?seconds=\\.5 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/trace\\?seconds=59\\.999 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/trace\\?seconds=60 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/profile\\?seconds=60 HTTP/1\\.1\\n"]
--- no_error_log
[error]



=== TEST 7: a delta profile from the APIServer is a "-delta" download
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/allocs?seconds=1", "GET /ctl/requests"]
--- timeout: 5
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 200, 200]
--- response_headers_like eval
["", "Content-Disposition: attachment; filename=\"127\\.0\\.0\\.1-allocs-delta-\\d{8}T\\d{6}Z\\.pb\\.gz\"", ""]
--- response_body eval
["ok\n", "GZIP\n", "GET /debug/pprof/allocs?seconds=1 auth=valid\n"]
--- no_error_log
[error]



=== TEST 8: pprof_max_seconds moves the bound
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_seconds 5;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
    location /long/ {
        pprof_max_seconds 300;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/profile?seconds=6",
 "GET /debug/pprof/trace?seconds=5.5",
 "GET /debug/pprof/heap?seconds=60",
 "GET /ctl/count",
 "GET /debug/pprof/profile?seconds=5",
 "GET /debug/pprof/trace?seconds=4.5",
 "GET /long/profile?seconds=300",
 "GET /long/profile?seconds=301"]
--- error_code eval
[200, 400, 400, 400, 200, 200, 200, 200, 400]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\A\"seconds\" must be a positive number of at most 5 \\(pprof_max_seconds\\)\\n\\z",
 "\\A\"seconds\" must be a positive number of at most 5 ",
 "\\A\"seconds\" must be a positive number of at most 5 ",
 "\\A0\\n\\z",
 "\\Arequest: GET /faults/echo/debug/pprof/profile\\?seconds=5 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/trace\\?seconds=4\\.5 HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/profile\\?seconds=300 HTTP/1\\.1\\n",
 "\\A\"seconds\" must be a positive number of at most 300 "]
--- no_error_log
[alert]
