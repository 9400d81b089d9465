use Test::Nginx::Socket 'no_plan';
use PprofGateway;

# --- init: a request through nginx before the block's own; must be 200
sub prime {
    my ($path) = @_;
    my ($status, undef, $body) = nginx_get($path);
    Test::More::is($status, 200, "init: GET $path") or Test::More::diag($body);
}

run_tests();

__DATA__

=== TEST 1: IP verification against https://127.0.0.1:PORT works
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/cmdline
--- response_body_like: fake-apiserver
--- no_error_log
[error]



=== TEST 2: a CA that did not sign the server: 502 naming the TLS verification
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_body_like eval
qr{\Athe APIServer at 127\.0\.0\.1:\d+ failed TLS verification: unable to get local issuer certificate \(20\); check pprof_trusted_certificate and pprof_ssl_name\n\z}
--- error_log eval
qr{\[error\] .*pprof: the APIServer at 127\.0\.0\.1:\d+ failed TLS verification}



=== TEST 3: a failed verification sends nothing: the token never leaves
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/heap", "GET /ctl/count", "GET /ctl/handshakes?listener=main"]
--- error_code eval
[200, 502, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z", "failed TLS verification", "\\A0\\n\\z", "\\A[1-9]\\d*\\n\\z"]
--- no_error_log
[alert]



=== TEST 4: a certificate for another name (wrongname listener): 502
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /ip/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_WRONGNAME_PORT;
    }
    location /name/ {
        pprof_ssl_name kubernetes.default.svc;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_WRONGNAME_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /ip/heap", "GET /name/heap", "GET /ctl/count?listener=wrongname"]
--- error_code eval
[200, 502, 502, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Athe APIServer at 127\\.0\\.0\\.1:\\d+ failed TLS verification: IP address mismatch \\(64\\)",
 "\\Athe APIServer at 127\\.0\\.0\\.1:\\d+ failed TLS verification: hostname mismatch \\(62\\)",
 "\\A0\\n\\z"]
--- no_error_log
[alert]



=== TEST 5: a self-signed certificate: 502
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_SELFSIGNED_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_body_like eval
qr{\Athe APIServer at 127\.0\.0\.1:\d+ failed TLS verification: self.signed certificate \(18\)}
--- error_log eval
qr{\[error\] .*pprof: the APIServer at 127\.0\.0\.1:\d+ failed TLS verification: self.signed}



=== TEST 6: ... and nothing reached the self-signed listener
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_SELFSIGNED_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/heap", "GET /ctl/count?listener=selfsigned", "GET /ctl/handshakes?listener=selfsigned"]
--- error_code eval
[200, 502, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z", "self.signed", "\\A0\\n\\z", "\\A[1-9]\\d*\\n\\z"]
--- no_error_log
[alert]



=== TEST 7: pprof_ssl_verify off accepts the self-signed server
--- config
    pprof_ssl_verify off;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_SELFSIGNED_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/heap", "GET /ctl/requests?listener=selfsigned"]
--- response_body_filters eval
\&::gz
--- response_body eval
["ok\n", "GZIP\n", "GET /debug/pprof/heap auth=valid\n"]
--- no_error_log
[error]



=== TEST 8: pprof_ssl_name: the name checked instead of the address
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_ssl_name kubernetes.default.svc;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /wrong/ {
        pprof_ssl_name wrong.example;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /otherip/ {
        pprof_ssl_name 127.0.0.2;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/cmdline", "GET /wrong/cmdline", "GET /otherip/cmdline", "GET /ctl/count"]
--- error_code eval
[200, 200, 502, 502, 200]
--- response_body_like eval
["\\Aok\\n\\z", "fake-apiserver",
 "failed TLS verification: hostname mismatch",
 "failed TLS verification: IP address mismatch",
 "\\A1\\n\\z"]
--- no_error_log
[alert]



=== TEST 9: SNI: none by default, the checked name with pprof_ssl_server_name on
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_ssl_name kubernetes.default.svc;
    location /nosni/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
    location /sni/ {
        pprof_ssl_server_name on;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /nosni/cmdline", "GET /sni/cmdline"]
--- response_body_like eval
["\\nsni: \\n", "\\nsni: kubernetes\\.default\\.svc\\n"]
--- no_error_log
[error]



=== TEST 10: sessions are per location: a session made under ca.crt does not let other-ca.crt in
--- config
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /good/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /bad/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::prime('/good/cmdline');
--- request
GET /bad/cmdline
--- error_code: 502
--- response_body_like: failed TLS verification: unable to get local issuer certificate
--- error_log
failed TLS verification
--- no_error_log
SSL reused session
pprof: resuming TLS session



=== TEST 11: ... nor does a kept-alive connection of a shared upstream{}
--- http_config
    upstream apiserver {
        server 127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        keepalive 4;
    }
--- config
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_ssl_name 127.0.0.1;
    location /good/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://apiserver;
    }
    location /bad/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
        pprof_pass https://apiserver;
    }
--- init
::prime('/good/cmdline');
::prime('/good/cmdline');
--- request
GET /bad/cmdline
--- error_code: 502
--- response_body_like: failed TLS verification
--- error_log
pprof: not reusing connection
failed TLS verification
--- no_error_log
SSL reused session



=== TEST 12: within one location, a kept-alive connection is reused
--- http_config
    upstream apiserver {
        server 127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        keepalive 4;
    }
--- config
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_ssl_name 127.0.0.1;
    location /good/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://apiserver;
    }
--- init
::prime('/good/cmdline');
--- request eval
["GET /good/cmdline", "POST /good/symbol\n0x401000", "GET /good/cmdline"]
--- response_body_like eval
["fake-apiserver", "\\Anum_symbols: ", "fake-apiserver"]
--- error_log eval
qr/get keepalive peer: using connection/
--- no_error_log
pprof: not reusing connection
[error]



=== TEST 13: within one location, the TLS session is resumed on the next connection
--- config
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /good/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /bad/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::prime('/good/cmdline');
--- request
GET /good/cmdline
--- response_body_like: fake-apiserver
--- error_log
pprof: resuming TLS session of this location
SSL reused session
--- no_error_log
[error]



=== TEST 14: the other way round: a failed location does not spoil the good one
--- config
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /good/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /bad/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /bad/cmdline", "GET /good/cmdline", "GET /bad/cmdline", "GET /good/cmdline"]
--- error_code eval
[502, 200, 502, 200]
--- response_body_like eval
["failed TLS verification", "fake-apiserver", "failed TLS verification", "fake-apiserver"]
--- no_error_log
[alert]
