use Test::Nginx::Socket 'no_plan';
use PprofGateway;

# The token must never show: not in a response (body or headers), not in
# error.log at debug level, whatever happens.  Each block also checks the
# wrong token of its own, when it has one.
our $Wrong = 'wrong-secret-' . join '', map { sprintf '%02x', int rand 256 } 1 .. 16;
our $TokenRe = quotemeta $Token;
our $WrongRe = quotemeta $Wrong;
our $SecretsRe = "$TokenRe|$WrongRe";
# the token's first and last 12 characters: no partial leak either
our $PartsRe = join '|', map { quotemeta } substr($Token, 0, 12), substr($Token, -12),
                                         substr($Wrong, 0, 24), substr($Wrong, -12);

# every response body, whatever a block's sections say: Test::Nginx checks
# response_body_unlike only in blocks without response_body_like, so
# TEST 2-5 and 7's own never ran
add_response_body_check(sub {
    my ($block, $body, $req_idx) = @_;
    Test::More::unlike(defined $body ? $body : '', qr/$PartsRe/,
                       $block->name . " - request $req_idx: no token in the body");
});

run_tests();

__DATA__

=== TEST 1: successful requests, raw and text
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /debug/pprof/heap", "GET /debug/pprof/cmdline", "GET /debug/pprof/goroutine?debug=2",
 "POST /debug/pprof/symbol\n0x401000", "GET /debug/pprof/"]
--- error_code eval
[200, 200, 200, 200, 200]
--- raw_response_headers_unlike eval
[($::PartsRe) x 5]
--- response_body_unlike eval
[($::PartsRe) x 5]
--- no_error_log eval
[qr/$::PartsRe/, "[error]"]



=== TEST 2: the echo fault: the APIServer saw it, the client does not
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- more_headers
Accept: text/html
--- request eval
["GET /debug/pprof/cmdline", "GET /debug/pprof/heap?format=raw", "GET /debug/pprof/heap"]
--- error_code_like eval
["^200\$", "^200\$", "^(?:200|502)\$"]
--- response_body_like eval
["authorization: valid", "authorization: valid", ".*"]
--- raw_response_headers_unlike eval
[($::PartsRe) x 3]
--- response_body_unlike eval
[($::PartsRe) x 3]
--- no_error_log eval
[qr/$::PartsRe/]



=== TEST 3: a rejected (401) token stays secret too
--- user_files eval
[["wrong-token", "$::Wrong\n"]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/wrong-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /debug/pprof/heap", "GET /debug/pprof/heap?format=top", "GET /debug/pprof/profile?seconds=1"]
--- more_headers eval
["", "", "Accept: text/html"]
--- error_code eval
[502, 502, 502]
--- response_body_like eval
[("rejected the ServiceAccount token") x 3]
--- raw_response_headers_unlike eval
[($::PartsRe) x 3]
--- response_body_unlike eval
[($::PartsRe) x 3]
--- no_error_log eval
[qr/$::PartsRe/]



=== TEST 4: a 403
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/forbidden/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/heap", "GET /debug/pprof/heap?format=top"]
--- error_code eval
[502, 502]
--- response_body_like eval
[("denied access \\(403\\)") x 2]
--- raw_response_headers_unlike eval
[($::PartsRe) x 2]
--- response_body_unlike eval
[($::PartsRe) x 2]
--- no_error_log eval
[qr/$::PartsRe/]



=== TEST 5: TLS failures: the token is not even sent
--- config
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /otherca/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/other-ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
    location /selfsigned/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_SELFSIGNED_PORT/faults/echo/debug/pprof/;
    }
    location /wrongname/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_WRONGNAME_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /ctl/reset", "GET /otherca/cmdline", "GET /selfsigned/cmdline", "GET /wrongname/cmdline", "GET /ctl/count"]
--- error_code eval
[200, 502, 502, 502, 200]
--- response_body_like eval
["\\Aok\\n\\z", ("failed TLS verification") x 3, "\\A0\\n\\z"]
--- raw_response_headers_unlike eval
[($::PartsRe) x 5]
--- response_body_unlike eval
[($::PartsRe) x 5]
--- no_error_log eval
[qr/$::PartsRe/]



=== TEST 6: upstream faults and timeouts
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_read_timeout 1s;
    location /close/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/close/debug/pprof/;
    }
    location /badheader/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/badheader/debug/pprof/;
    }
    location /slow/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/slow/debug/pprof/;
    }
    location /status/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/status/503/debug/pprof/;
    }
--- request eval
["GET /close/heap?format=top", "GET /badheader/heap", "GET /slow/heap", "GET /status/heap"]
--- timeout: 4
--- error_code eval
[502, 502, 504, 502]
--- raw_response_headers_unlike eval
[($::PartsRe) x 4]
--- response_body_unlike eval
[($::PartsRe) x 4]
--- no_error_log eval
[qr/$::PartsRe/]



=== TEST 7: the client's own Authorization header is neither forwarded nor logged
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- more_headers eval
"Authorization: Bearer $::Wrong"
--- request
GET /debug/pprof/cmdline
--- response_body_like: \nauthorization: valid\n\z
--- response_body_unlike eval
$::PartsRe
--- no_error_log eval
[qr/$::TokenRe/]
