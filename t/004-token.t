use Test::Nginx::Socket 'no_plan';
use PprofGateway;

our $ApiserverToken = slurp($ENV{TEST_NGINX_APISERVER_TOKEN_FILE});
sub restore_apiserver_token { spew($ENV{TEST_NGINX_APISERVER_TOKEN_FILE}, $ApiserverToken) }
add_cleanup_handler(\&restore_apiserver_token);

# rotation: after each of the first two profile requests, the kubelet and
# the APIServer move to a new token; the gateway must pick it up on its
# timer, every time, before the next request (no 401 in between)
$After{'rotated token'} = sub {
    my ($block, $idx, $last) = @_;
    my $name = $block->name;
    if ($idx == 1 || $idx == 2) {
        my $new = join '', map { sprintf '%02x', int rand 256 } 1 .. 20;
        my $file = "$ENV{TEST_NGINX_HTML_DIR}/rotating-token";
        my $pos = error_log_size();
        spew($ENV{TEST_NGINX_APISERVER_TOKEN_FILE}, "$new\n");
        spew($file, "$new\n");
        my $ok = wait_until(3, sub {
            index(error_log_since($pos), qq{pprof: token file "$file" changed}) >= 0
        });
        Test::More::ok($ok, "$name - the gateway re-read the token file within 3 s");
    }
    restore_apiserver_token() if $last;
};

# the same, but the file is rewritten in place: same inode, same size,
# most likely the same mtime second; only its content tells
$After{'rewritten in place'} = sub {
    my ($block, $idx, $last) = @_;
    if ($idx == 1) {
        my $new = join '', map { sprintf '%02x', int rand 256 } 1 .. 20;
        my $file = "$ENV{TEST_NGINX_HTML_DIR}/inplace-token";
        my $pos = error_log_size();
        spew($ENV{TEST_NGINX_APISERVER_TOKEN_FILE}, "$new\n");
        open my $out, '+<', $file or die "cannot open $file: $!\n";
        print $out "$new\n";
        close $out;
        my $ok = wait_until(3, sub {
            index(error_log_since($pos), qq{pprof: token file "$file" changed}) >= 0
        });
        Test::More::ok($ok, $block->name . " - the gateway noticed within 3 s");
    }
    restore_apiserver_token() if $last;
};

# a token file that appears after the start is picked up without a reload
$After{'appears later'} = sub {
    my ($block, $idx) = @_;
    return unless $idx == 1;
    my $file = "$ENV{TEST_NGINX_HTML_DIR}/late-token";
    my $pos = error_log_size();
    spew($file, "$::Token\n");
    my $ok = wait_until(3, sub {
        index(error_log_since($pos), qq{pprof: token file "$file" read}) >= 0
    });
    Test::More::ok($ok, $block->name . " - the gateway read the new token file within 3 s");
};

run_tests();

__DATA__

=== TEST 1: the APIServer sees the bearer token
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request
GET /debug/pprof/cmdline
--- response_body_like eval
"\nheader: authorization\nheader: host\nheader: user-agent\nauthorization: valid\n\\z"
--- no_error_log
[error]



=== TEST 2: and it is what the APIServer accepts (real route)
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/cmdline", "GET /ctl/count?auth=valid&path=/debug/pprof/cmdline"]
--- response_body_like eval
["\\Aok\\n\\z", "fake-apiserver", "\\A1\\n\\z"]
--- no_error_log
[error]



=== TEST 3: whitespace and newlines around the token are trimmed
--- user_files eval
[["ws-token", " \t\r\n  $::Token \t\r\n\n\n"]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/ws-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /echo/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/cmdline", "GET /echo/cmdline"]
--- response_body_like eval
["fake-apiserver", "\\nauthorization: valid\\n\\z"]
--- no_error_log
[error]



=== TEST 4: a wrong token: 502 explaining the 401 and naming the token file
--- user_files
>>> wrong-token
not-the-token-0123456789
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/wrong-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_headers
Content-Type: text/plain; charset=utf-8
!Content-Disposition
--- response_body eval
"the APIServer rejected the ServiceAccount token (401 Unauthorized): it may have expired, or \"$ENV{TEST_NGINX_HTML_DIR}/wrong-token\" is the wrong token file\n"
--- error_log eval
qr{\[error\] .*pprof: the APIServer rejected the ServiceAccount token \(401 Unauthorized\)}



=== TEST 5: the 401 went out with the wrong token, and only once per request
--- user_files
>>> wrong-token
not-the-token-0123456789
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/wrong-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/goroutine", "GET /ctl/requests"]
--- error_code eval
[200, 502, 200]
--- response_body_like eval
["\\Aok\\n\\z", "rejected the ServiceAccount token", "\\AGET /debug/pprof/goroutine auth=invalid\\n\\z"]
--- no_error_log
[alert]



=== TEST 6: a rotated token is used without a reload
--- http_config
    pprof_token_refresh 200ms;
--- user_files eval
[["rotating-token", "$::Token\n"]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/rotating-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/cmdline", "GET /debug/pprof/cmdline", "GET /debug/pprof/cmdline", "GET /ctl/requests"]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z", "fake-apiserver", "fake-apiserver", "fake-apiserver",
 "\\A(?:GET /debug/pprof/cmdline auth=valid\\n){3}\\z"]
--- no_error_log
[error]



=== TEST 6b: a token rewritten in place (same size) is used without a reload
--- http_config
    pprof_token_refresh 200ms;
--- user_files eval
[["inplace-token", "$::Token\n"]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/inplace-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/cmdline", "GET /debug/pprof/cmdline", "GET /ctl/requests"]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z", "fake-apiserver", "fake-apiserver",
 "\\A(?:GET /debug/pprof/cmdline auth=valid\\n){2}\\z"]
--- no_error_log
[error]



=== TEST 7: a token file that appears later is used without a reload
--- http_config
    pprof_token_refresh 200ms;
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/late-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/cmdline", "GET /debug/pprof/cmdline", "GET /ctl/requests"]
--- error_code eval
[200, 502, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "\\Ano ServiceAccount token: the token file \"[^\"]*/late-token\" is missing, empty or invalid",
 "fake-apiserver",
 "\\AGET /debug/pprof/cmdline auth=valid\\n\\z"]
--- no_error_log
[alert]



=== TEST 8: a token with a control character is refused: no header injection
--- user_files eval
[["evil-token", "$::Token\r\nX-Injected: 1\n"]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/evil-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/cmdline", "GET /ctl/count"]
--- error_code eval
[200, 502, 200]
--- response_body eval
["ok\n",
 "no ServiceAccount token: the token file \"$ENV{TEST_NGINX_HTML_DIR}/evil-token\" is missing, empty or invalid (see the error log)\n",
 "0\n"]
--- no_error_log
[alert]



=== TEST 9: a NUL or a space inside the token is refused too
--- user_files eval
[["nul-token", "abc\0def\n"], ["space-token", "abc def\n"]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    location /nul/ {
        pprof_token_file $TEST_NGINX_HTML_DIR/nul-token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
    location /space/ {
        pprof_token_file $TEST_NGINX_HTML_DIR/space-token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request eval
["GET /ctl/reset", "GET /nul/cmdline", "GET /space/cmdline", "GET /ctl/count"]
--- error_code eval
[200, 502, 502, 200]
--- response_body_like eval
["\\Aok\\n\\z", "nul-token\" is missing, empty or invalid", "space-token\" is missing, empty or invalid", "\\A0\\n\\z"]
--- no_error_log
[alert]



=== TEST 10: an empty or blank token file: 502, nothing sent
--- user_files eval
[["empty-token", ""], ["blank-token", " \n\t\r\n"]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    location /empty/ {
        pprof_token_file $TEST_NGINX_HTML_DIR/empty-token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /blank/ {
        pprof_token_file $TEST_NGINX_HTML_DIR/blank-token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /empty/heap", "GET /blank/heap", "GET /ctl/count"]
--- error_code eval
[200, 502, 502, 200]
--- response_body eval
["ok\n",
 "no ServiceAccount token: the token file \"$ENV{TEST_NGINX_HTML_DIR}/empty-token\" is missing, empty or invalid (see the error log)\n",
 "no ServiceAccount token: the token file \"$ENV{TEST_NGINX_HTML_DIR}/blank-token\" is missing, empty or invalid (see the error log)\n",
 "0\n"]
--- no_error_log
[alert]



=== TEST 11: a file far too large for a token is refused
--- user_files eval
[["huge-token", "a" x 20000]]
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/huge-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/heap", "GET /ctl/count"]
--- error_code eval
[200, 502, 200]
--- response_body_like eval
["\\Aok\\n\\z", "huge-token\" is missing, empty or invalid", "\\A0\\n\\z"]
--- no_error_log
[alert]



=== TEST 12: a missing token file: 502 naming it, logged, nothing sent
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/no-such-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_body eval
"no ServiceAccount token: the token file \"$ENV{TEST_NGINX_HTML_DIR}/no-such-token\" is missing, empty or invalid (see the error log)\n"
--- error_log eval
qr{\[error\] .*pprof: no ServiceAccount token: the token file ".*/no-such-token"}



=== TEST 13: locations naming different token files use their own tokens
--- user_files
>>> wrong-token
not-the-token-0123456789
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    location /good/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /bad/ {
        pprof_token_file $TEST_NGINX_HTML_DIR/wrong-token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /bad/cmdline", "GET /good/cmdline", "GET /bad/cmdline", "GET /ctl/requests"]
--- error_code eval
[200, 502, 200, 502, 200]
--- response_body_like eval
["\\Aok\\n\\z", "rejected the ServiceAccount token", "fake-apiserver", "rejected the ServiceAccount token",
 "\\AGET /debug/pprof/cmdline auth=invalid\\nGET /debug/pprof/cmdline auth=valid\\nGET /debug/pprof/cmdline auth=invalid\\n\\z"]
--- no_error_log
[alert]
