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
