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
