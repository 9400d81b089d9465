use Test::Nginx::Socket 'no_plan';
use IO::Select ();
use IO::Socket::INET ();
use Time::HiRes ();

# ---- shared by the t/0NN-*.t gateway suites (kept identical in each) ----
#
# Run by t/run.sh, which starts the fake APIServer and exports its ports,
# the certificates and the token files.  The suites share that APIServer's
# request log: run them one file at a time (no prove -j).
#
# Every block but must_die ones gets two more locations:
#   /ctl/   nginx's proxy to the fake APIServer's control API, so that a
#           block can reset the request log, make its requests and read
#           back exactly what reached the APIServer (/ctl/requests,
#           /ctl/count?path=..., /ctl/inflight?...)
#   /live/  a known-good pprof location; after the last request of every
#           block, GET /live/cmdline must still answer 200: the worker
#           survived whatever the block did.

no_shuffle();
workers(1);
log_level('debug');

$ENV{TEST_NGINX_HTML_DIR} ||= html_dir();

sub slurp {
    my ($file) = @_;
    open my $in, '<', $file or die "cannot read $file: $!\n";
    local $/;
    my $s = <$in>;
    close $in;
    return $s;
}

sub spew {    # atomically, as the kubelet swaps a projected token
    my ($file, $data) = @_;
    open my $out, '>', "$file.tmp" or die "cannot write $file.tmp: $!\n";
    print $out $data;
    close $out;
    chmod 0644, "$file.tmp";
    rename "$file.tmp", $file or die "cannot rename to $file: $!\n";
}

# the token the gateway and the fake APIServer share (t/run.sh)
our $Token = slurp($ENV{TEST_NGINX_TOKEN_FILE});
$Token =~ s/^\s+|\s+$//g;

# One request over a fresh connection, at most $timeout seconds:
# (status, head, body); status 0 when no response came.
sub http_req {
    my ($port, $req, $timeout) = @_;
    my $deadline = Time::HiRes::time() + ($timeout || 10);
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or return (0, '', "connect: $!");
    syswrite $s, $req;
    my $raw = '';
    my $sel = IO::Select->new($s);
    while ((my $left = $deadline - Time::HiRes::time()) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $raw .= $buf;
    }
    close $s;
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    $head = '' unless defined $head;
    $body = '' unless defined $body;
    my ($status) = $head =~ m{\AHTTP/\d\.\d (\d{3})};
    return ($status || 0, $head, $body);
}

sub nginx_get {
    my ($path, $headers) = @_;
    return http_req(server_port_for_client(),
                    "GET $path HTTP/1.0\r\nHost: localhost\r\n"
                    . (defined $headers ? $headers : '') . "\r\n");
}

# the fake APIServer's control API, directly
sub ctl {
    my ($path) = @_;
    my (undef, undef, $body) = http_req($ENV{TEST_NGINX_APISERVER_CONTROL_PORT},
                                        "GET $path HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    return $body;
}

# polls $cond every 50 ms until it holds (1) or $secs have passed (0)
sub wait_until {
    my ($secs, $cond) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    while (1) {
        return 1 if $cond->();
        return 0 if Time::HiRes::time() >= $deadline;
        Time::HiRes::sleep(0.05);
    }
}

# error.log lines from byte $from on
sub error_log_since {
    my ($from) = @_;
    my $file = server_root() . '/logs/error.log';
    open my $in, '<', $file or return '';
    seek $in, $from, 0;
    local $/;
    my $s = <$in>;
    close $in;
    return defined $s ? $s : '';
}

sub error_log_size { -s (server_root() . '/logs/error.log') || 0 }

# raw gzip bodies are shown as "GZIP\n" (--- response_body_filters)
sub gz { $_[0] =~ /\A\x1f\x8b/ ? "GZIP\n" : $_[0] }

# code run after a given request of the blocks whose name matches the key:
# $After{'title words'} = sub { my ($block, $req_idx, $last) = @_; ... }
our %After;

add_block_preprocessor(sub {
    my $block = shift;
    my $config = $block->config;
    return if !defined $config || defined eval { $block->must_die };
    $block->set_value(config => $config . <<'_EOC_');
    location /ctl/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/;
    }
    location /live/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_ssl_verify on;
        pprof_ssl_name 127.0.0.1;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
_EOC_
});

add_response_body_check(sub {
    my ($block, $body, $req_idx) = @_;
    my $reqs = $block->request;
    my $last = (ref $reqs eq 'ARRAY' ? @$reqs : 1) - 1;
    for my $key (sort keys %After) {
        $After{$key}->($block, $req_idx, $req_idx == $last)
            if index($block->name, $key) >= 0;
    }
    return unless $req_idx == $last;
    my ($status, undef, $b) = nginx_get('/live/cmdline');
    Test::More::is($status, 200, $block->name . ' - the worker still serves requests')
        or Test::More::diag($b);
});
# ---- end of the shared part ----

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
