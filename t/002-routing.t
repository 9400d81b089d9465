use Test::Nginx::Socket 'no_plan';
use PprofGateway;

run_tests();

__DATA__

=== TEST 1: every allowed name reaches exactly its path under /debug/pprof/
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/",
 "GET /debug/pprof/cmdline",
 "GET /debug/pprof/profile?seconds=1",
 "GET /debug/pprof/heap",
 "GET /debug/pprof/allocs",
 "GET /debug/pprof/goroutine",
 "GET /debug/pprof/block",
 "GET /debug/pprof/mutex",
 "GET /debug/pprof/threadcreate",
 "GET /debug/pprof/trace?seconds=0.1",
 "GET /debug/pprof/symbol",
 "POST /debug/pprof/symbol\n0x401000",
 "GET /ctl/requests"]
--- timeout: 5
--- response_body_filters eval
\&::gz
--- error_code eval
[(200) x 14]
--- response_body_like eval
["\\Aok\\n\\z",
 "Types of profiles available",
 "fake-apiserver",
 "\\AGZIP\\n\\z", "\\AGZIP\\n\\z", "\\AGZIP\\n\\z", "\\AGZIP\\n\\z",
 "\\AGZIP\\n\\z", "\\AGZIP\\n\\z", "\\AGZIP\\n\\z",
 "\\Ago 1\\.\\d+ trace",
 "\\Anum_symbols: ",
 "\\Anum_symbols: ",
 "\\AGET /debug/pprof/ auth=valid
GET /debug/pprof/cmdline auth=valid
GET /debug/pprof/profile\\?seconds=1 auth=valid
GET /debug/pprof/heap auth=valid
GET /debug/pprof/allocs auth=valid
GET /debug/pprof/goroutine auth=valid
GET /debug/pprof/block auth=valid
GET /debug/pprof/mutex auth=valid
GET /debug/pprof/threadcreate auth=valid
GET /debug/pprof/trace\\?seconds=0\\.1 auth=valid
GET /debug/pprof/symbol auth=valid
POST /debug/pprof/symbol auth=valid
\\z"]
--- no_error_log
[error]
[alert]



=== TEST 2: raw profiles are downloads named after the target and profile
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- response_body_filters eval
\&::gz
--- response_headers_like
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="127\.0\.0\.1-heap-\d{8}T\d{6}Z\.pb\.gz"
--- response_body
GZIP
--- no_error_log
[error]



=== TEST 3: unknown names, dot segments, encoded slashes never reach the APIServer
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/nope",
 "GET /debug/pprof/HEAP",
 "GET /debug/pprof/heap/",
 "GET /debug/pprof/heap/x",
 "GET /debug/pprof/heap%2fx",
 "GET /debug/pprof/heap%252fx",
 "GET /debug/pprof/heap%3Fdebug=1",
 "GET /debug/pprof/heap;x",
 "GET /debug/pprof/heap.pb.gz",
 "GET /debug/pprof/goroutine%20",
 "GET /debug/pprof/..",
 "GET /debug/pprof/../flags/v",
 "GET /debug/pprof/%2e%2e/flags/v",
 "GET /debug/pprof/%2E%2E%2Fflags%2Fv",
 "GET /debug/pprof/..%2fflags/v",
 "GET /debug/pprof/heap/../../flags/v",
 "GET /debug/pprof/%252e%252e/flags/v",
 "GET /debug/pprof/..%252fflags%252fv",
 "GET /debug/pprof//../flags/v",
 "GET /debug/pprof/./../flags/v",
 "GET /debug/pprof/../../../../debug/flags/v",
 "GET /debug/pprof/../../api/v1/secrets",
 "GET /debug/pprof/%2e%2e/%2e%2e/api/v1/secrets",
 "PUT /debug/pprof/%2e%2e/flags/v\n5",
 "GET /debug/flags/v",
 "GET /ctl/count"]
--- error_code_like eval
["^200\$", ("^(?:400|404)\$") x 23, "^(?:400|404|405)\$", "^(?:400|404)\$", "^200\$"]
--- response_body_like eval
["\\Aok\\n\\z", (".*") x 25, "\\A0\\n\\z"]
--- no_error_log
[alert]
[crit]



=== TEST 4: the module's 404 explains which names exist
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap%2fx
--- error_code: 404
--- response_headers
Content-Type: text/plain; charset=utf-8
--- response_body
not a profile this gateway serves: the names are allocs, block, cmdline, goroutine, heap, mutex, profile, symbol, threadcreate, trace, and the index
--- error_log
pprof: not a profile this gateway serves



=== TEST 5: PUT, DELETE, PATCH, OPTIONS, HEAD: 405 with Allow, nothing forwarded
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset",
 "PUT /debug/pprof/heap\nx",
 "DELETE /debug/pprof/heap",
 "PATCH /debug/pprof/profile\nx",
 "OPTIONS /debug/pprof/",
 "HEAD /debug/pprof/heap",
 "POST /debug/pprof/heap\nx",
 "POST /debug/pprof/profile?seconds=1\nx",
 "PUT /debug/pprof/symbol\n0x1",
 "DELETE /debug/pprof/symbol",
 "GET /ctl/count"]
--- error_code eval
[200, (405) x 9, 200]
--- response_headers eval
["", "Allow: GET", "Allow: GET", "Allow: GET", "Allow: GET", "Allow: GET",
 "Allow: GET", "Allow: GET", "Allow: GET, POST", "Allow: GET, POST", ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Amethod PUT is not allowed here: the profiler is read with GET \\(and POST for symbol\\)\\n\\z",
 "\\Amethod DELETE is not allowed here",
 "\\Amethod PATCH is not allowed here",
 "\\Amethod OPTIONS is not allowed here",
 "\\A\\z",
 "\\Amethod POST is not allowed here",
 "\\Amethod POST is not allowed here",
 "\\Amethod PUT is not allowed here",
 "\\Amethod DELETE is not allowed here",
 "\\A0\\n\\z"]
--- no_error_log
[alert]



=== TEST 6: POST symbol over 16 KB is refused before anything is forwarded
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset",
 "POST /debug/pprof/symbol\n" . ("0x401000+" x 1900),
 "GET /ctl/count",
 "POST /debug/pprof/symbol\n" . ("0x401000+" x 1800),
 "GET /ctl/requests"]
--- error_code eval
[200, 413, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Aa symbol lookup needs a Content-Length of at most 16384 bytes\\n\\z",
 "\\A0\\n\\z",
 "\\Anum_symbols: ",
 "\\APOST /debug/pprof/symbol auth=valid\\n\\z"]
--- no_error_log
[alert]



=== TEST 7: a chunked POST (no Content-Length) is refused too
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- more_headers
Transfer-Encoding: chunked
--- request eval
"POST /debug/pprof/symbol
8\r
0x401000\r
0\r
\r
"
--- error_code: 413
--- response_body
a symbol lookup needs a Content-Length of at most 16384 bytes
--- error_log
pprof: a symbol lookup needs a Content-Length



=== TEST 8: a prefix in pprof_pass is where the names go
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap",
 "GET /debug/pprof/",
 "GET /ctl/requests"]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Arequest: GET /faults/echo/debug/pprof/heap HTTP/1\\.1\\n",
 "\\Arequest: GET /faults/echo/debug/pprof/ HTTP/1\\.1\\n",
 "\\AGET /faults/echo/debug/pprof/heap auth=valid\\nGET /faults/echo/debug/pprof/ auth=valid\\n\\z"]
--- no_error_log
[error]



=== TEST 9: another location name maps onto the same upstream names
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /prod/profiler/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/;
    }
--- request eval
["GET /ctl/reset",
 "GET /prod/profiler/goroutine",
 "GET /prod/profiler/debug/pprof/heap",
 "GET /ctl/requests"]
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 200, 404, 200]
--- response_body_like eval
["\\Aok\\n\\z", "\\AGZIP\\n\\z", "\\Anot a profile",
 "\\AGET /debug/pprof/goroutine auth=valid\\n\\z"]
--- no_error_log
[alert]



=== TEST 10: the location without its slash redirects (auto_redirect)
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof", "GET /ctl/count"]
--- error_code eval
[200, 301, 200]
--- response_headers_like eval
["", "Location: http://localhost:\\d+/debug/pprof/", ""]
--- response_body_like eval
["\\Aok\\n\\z", ".*", "\\A0\\n\\z"]
--- no_error_log
[error]



=== TEST 11: an exact-match location serves only its one name
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location = /goroutines/goroutine {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /goroutines/goroutine?debug=1", "GET /ctl/requests"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z", "\\Agoroutine profile: total \\d+",
 "\\AGET /debug/pprof/goroutine\\?debug=1 auth=valid\\n\\z"]
--- no_error_log
[error]



=== TEST 12: a location without a trailing slash: /pprof/heap, never /pprofheap
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /pprof {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /pprof/cmdline", "GET /pprofcmdline", "GET /pprof", "GET /ctl/requests"]
--- error_code eval
[200, 200, 404, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z", "fake-apiserver", "not a profile this gateway serves", "/debug/pprof/",
 "\\AGET /debug/pprof/cmdline auth=valid\\nGET /debug/pprof/ auth=valid\\n\\z"]
