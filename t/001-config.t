use Test::Nginx::Socket 'no_plan';
use PprofGateway;

run_tests();

__DATA__

=== TEST 1: a missing CA file with verification on fails the start (fail closed)
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate /nonexistent/pprof/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*pprof: cannot read the CA certificate "/nonexistent/pprof/ca.crt" to verify "https://127\.0\.0\.1:\d+" with: set "pprof_trusted_certificate" to the cluster's ca\.crt}



=== TEST 2: no pprof_trusted_certificate: the in-cluster default is required
--- config
    location /debug/pprof/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*cannot read the CA certificate "/var/run/secrets/kubernetes\.io/serviceaccount/ca\.crt" .*"pprof_trusted_certificate"}



=== TEST 3: a CA file holding no certificate fails the start
--- user_files
>>> not-a-ca.crt
-----BEGIN CERTIFICATE-----
bm90IGEgY2VydGlmaWNhdGU=
-----END CERTIFICATE-----
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_HTML_DIR/not-a-ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*not-a-ca\.crt}



=== TEST 4: a directory is not a CA file
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*pprof: "[^"]*" holds no usable CA certificate}



=== TEST 5: pprof_ssl_verify off needs no CA file
--- config
    location /debug/pprof/ {
        pprof_ssl_verify off;
        pprof_trusted_certificate /nonexistent/pprof/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/cmdline
--- response_body_like: fake-apiserver
--- no_error_log
[emerg]
[error]



=== TEST 6: http:// is refused: the token never travels in clear text
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass http://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*"pprof_pass" needs an https:// URL: the token is never sent in clear text, in "http://127\.0\.0\.1:\d+"}



=== TEST 7: no scheme at all is refused too
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass 127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Q"pprof_pass" needs an https:// URL\E}



=== TEST 8: a second pprof_pass in a location is a duplicate
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/other/;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*"pprof_pass" directive is duplicate}



=== TEST 9: a prefix without its final slash is refused
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/debug/pprof;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*"pprof_pass" prefix "/debug/pprof" must be a plain path ending with "/"}



=== TEST 10: a prefix with dot segments is refused
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/debug/pprof/../../debug/;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Qprefix "/debug/pprof/../../debug/" must be a plain path ending with "/"\E}



=== TEST 11: a prefix with a percent-escape is refused
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/debug/%2e%2e/;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Qprefix "/debug/%2e%2e/" must be a plain path ending with "/"\E}



=== TEST 12: a prefix with a query is refused
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/debug/pprof/?debug=1/;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Qmust be a plain path ending with "/"\E}



=== TEST 13: pprof_token_refresh below 100ms is refused
--- http_config
    pprof_token_refresh 50ms;
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*"pprof_token_refresh" must be between 100ms and 60s}



=== TEST 14: pprof_token_refresh above a minute is refused
--- http_config
    pprof_token_refresh 61s;
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Q"pprof_token_refresh" must be between 100ms and 60s\E}



=== TEST 15: pprof_token_refresh is an http{}-level directive
--- config
    location /debug/pprof/ {
        pprof_token_refresh 1s;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Q"pprof_token_refresh" directive is not allowed here\E}



=== TEST 16: pprof_max_seconds 0 is refused
--- config
    location /debug/pprof/ {
        pprof_max_seconds 0;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Q"pprof_max_seconds" must be at least 1\E}



=== TEST 17: pprof_pass outside a location is not allowed
--- config
    pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr{\[emerg\] .*\Q"pprof_pass" directive is not allowed here\E}



=== TEST 18: a missing token file does not stop nginx: requests get a 502 naming it
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file /nonexistent/pprof/token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/heap", "GET /ctl/count"]
--- error_code eval
[200, 502, 200]
--- response_body eval
["ok\n",
 "no ServiceAccount token: the token file \"/nonexistent/pprof/token\" is missing, empty or invalid (see the error log)\n",
 "0\n"]
--- no_error_log
[emerg]
[alert]



=== TEST 19: ... and the 502 is logged
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file /nonexistent/pprof/token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- error_log eval
qr{\[error\] .*pprof: no ServiceAccount token: the token file "/nonexistent/pprof/token" is missing}



=== TEST 20: the directives are inherited from http{} and server{}
--- http_config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
--- config
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_max_seconds 7;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /debug/pprof/cmdline", "GET /debug/pprof/profile?seconds=8"]
--- error_code eval
[200, 400]
--- response_body_like eval
["fake-apiserver", "at most 7 \\(pprof_max_seconds\\)"]
--- no_error_log
[emerg]



=== TEST 21: an upstream{} block can be the target
--- http_config
    upstream apiserver {
        server 127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_ssl_name kubernetes.default.svc;
        pprof_pass https://apiserver;
    }
--- request
GET /debug/pprof/cmdline
--- response_body_like: fake-apiserver
--- no_error_log
[error]
