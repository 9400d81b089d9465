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
