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

# a port where nothing listens: bound, then closed
{
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1)
        or die "cannot bind: $!\n";
    $ENV{TEST_NGINX_DEAD_PORT} = $s->sockport;
    close $s;
}

# raw through /faults/close/: fewer bytes than the Content-Length said
$After{'closed mid-body, raw'} = sub {
    my ($block) = @_;
    my ($status, $head, $body) = nginx_get('/debug/pprof/heap');
    my ($len) = $head =~ /^Content-Length: (\d+)/mi;
    Test::More::ok($status == 200 && $len && length($body) < $len,
                   $block->name . " - the download is truncated ("
                   . length($body) . " of " . ($len || '?') . " bytes)");
};

run_tests();

__DATA__

=== TEST 1: 403 from the APIServer: 502 quoting its message and naming the RBAC rule
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/forbidden/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_headers
Content-Type: text/plain; charset=utf-8
!Content-Disposition
!X-Go-Pprof
--- response_body
the APIServer denied access (403): forbidden: User "system:serviceaccount:monitoring:pprof-gateway" cannot get path "/debug/pprof/heap"; the ServiceAccount needs a ClusterRole with nonResourceURLs ["/debug/pprof/*"] and verbs ["get"] ("post" for symbol)
--- error_log eval
qr{\[error\] .*pprof: the APIServer denied access \(403\): forbidden: User "system:serviceaccount:monitoring:pprof-gateway" cannot get path "/debug/pprof/heap"}



=== TEST 2: a browser gets the same explanation as an HTML page, escaped
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/forbidden/debug/pprof/;
    }
--- more_headers
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body_like eval
qr{\A\s*(?:<!DOCTYPE html>\s*)?<html.*the APIServer denied access \(403\): forbidden: User (?:&quot;|&#34;|&#x22;)system:serviceaccount:monitoring:pprof-gateway(?:&quot;|&#34;|&#x22;) cannot get path .*nonResourceURLs \[(?:&quot;|&#34;|&#x22;)/debug/pprof/\*}si
--- error_log
pprof: the APIServer denied access (403)



=== TEST 3: ... and no unescaped markup from the APIServer's message
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/forbidden/debug/pprof/;
    }
--- more_headers
Accept: text/html
--- request
GET /debug/pprof/goroutine
--- error_code: 502
--- response_body_unlike: User "system:serviceaccount



=== TEST 4: a 403 for symbol mentions the post verb; non-browsers get one line
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/forbidden/debug/pprof/;
    }
--- more_headers
Accept: application/json
--- request
POST /debug/pprof/symbol
0x401000
--- error_code: 502
--- response_body_like eval
qr{\Athe APIServer denied access \(403\): forbidden: User "[^"\n]+" cannot post path "/debug/pprof/symbol"; [^\n]*\("post" for symbol\)\n\z}



=== TEST 5: connection refused: 502 "cannot connect"
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_DEAD_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_body eval
"cannot connect to the APIServer at 127.0.0.1:$ENV{TEST_NGINX_DEAD_PORT}: refused or unreachable\n"
--- error_log eval
qr{\[error\] .*pprof: cannot connect to the APIServer at 127\.0\.0\.1:\d+: refused or unreachable}



=== TEST 6: no answer within pprof_read_timeout: 504
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_read_timeout 1s;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/slow/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- timeout: 4
--- error_code: 504
--- response_body
the APIServer did not answer within pprof_read_timeout (1000ms)
--- error_log eval
qr{\[error\] .*pprof: the APIServer did not answer within pprof_read_timeout \(1000ms\)}



=== TEST 7: the connection closed mid-body, raw: a truncated download, and the log says so
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/close/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 200
--- response_headers_like
Content-Length: \d+
--- error_log eval
qr{\[error\] .*pprof: the APIServer closed the connection before the response was complete}



=== TEST 8: the connection closed mid-body with a view: a clean 502
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/close/debug/pprof/;
    }
--- request
GET /debug/pprof/heap?format=top
--- error_code: 502
--- response_headers
Content-Type: text/plain; charset=utf-8
!Content-Disposition
--- response_body
the APIServer closed the connection before the response was complete
--- error_log
pprof: the APIServer closed the connection before the response was complete



=== TEST 9: a body that is no profile passes through raw
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/garbage/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- response_headers
Content-Type: application/octet-stream
--- response_body_filters eval
sub { sprintf "%d bytes starting %02x\n", length $_[0], ord $_[0] }
--- response_body
4096 bytes starting 07
--- no_error_log
[error]



=== TEST 10: ... but a view of it is a 502 "not a profile"
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/garbage/debug/pprof/;
    }
--- more_headers
Accept: text/html
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_headers
Content-Type: text/html; charset=utf-8
!Content-Disposition
--- response_body_like: the APIServer sent something that is not a profile
--- error_log eval
qr{\[error\] .*pprof: the APIServer sent something that is not a profile}



=== TEST 11: an invalid status line: 502
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/badheader/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_body
the APIServer did not answer with a valid HTTP status line
--- error_log eval
qr{\[error\] .*pprof: upstream sent no valid HTTP/1\.x status line}



=== TEST 12: an invalid header line: 502
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/badheaderline/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_body
the APIServer sent an invalid response header
--- error_log eval
qr{\[error\] .*pprof: upstream sent an invalid header line}



=== TEST 13: a huge header: 502
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/hugeheader/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_body
the APIServer sent a response header too large to accept
--- error_log eval
qr{\[error\] .*pprof: the APIServer sent a response header too large to accept}



=== TEST 14: a 500 from the profiler: 502 quoting it
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/status/500/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- response_headers
!X-Go-Pprof
--- response_body
the APIServer answered 500: fault 500
--- error_log eval
qr{\[error\] .*pprof: the APIServer answered 500: fault 500}



=== TEST 15: a CPU profile already running: 502 quoting the profiler
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/cpubusy/debug/pprof/;
    }
--- request
GET /debug/pprof/profile?seconds=1
--- error_code: 502
--- response_body
the APIServer answered 500: Could not enable CPU profiling: cpu profiling already in use
--- error_log
pprof: the APIServer answered 500: Could not enable CPU profiling: cpu profiling already in use



=== TEST 16: a 400 from the profiler stays a 400, quoted
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/status/400/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 400
--- response_body
the profiler refused the request (400): fault 400
--- error_log eval
qr{\[info\] .*pprof: the profiler refused the request \(400\): fault 400}



=== TEST 17: a 404 from the APIServer (cmdline is not registered there) stays a 404
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/status/404/debug/pprof/;
    }
--- request
GET /debug/pprof/cmdline
--- error_code: 404
--- response_body
the profiler refused the request (404): fault 404
--- error_log
pprof: the profiler refused the request (404): fault 404



=== TEST 18: larger than pprof_max_size (Content-Length): a view is a 502 naming it
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_size 1m;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/oversized/debug/pprof/;
    }
--- request
GET /debug/pprof/heap?format=top
--- error_code: 502
--- response_body
the profile is 67108864 bytes, more than pprof_max_size (1048576); download it with ?format=raw
--- error_log
pprof: the profile is 67108864 bytes, more than pprof_max_size (1048576)



=== TEST 19: larger than pprof_max_size (chunked): a view is a 502 naming it
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_size 1m;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/oversizedchunked/debug/pprof/;
    }
--- request
GET /debug/pprof/heap?format=top
--- timeout: 5
--- error_code: 502
--- response_body
the profile is larger than pprof_max_size (1048576); download it with ?format=raw
--- error_log
pprof: the profile is larger than pprof_max_size (1048576)



=== TEST 20: ... while raw still streams the whole 64 MiB
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_size 1m;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/oversizedchunked/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- timeout: 10
--- response_body_filters
length
--- response_body chomp
67108864
--- no_error_log
[error]



=== TEST 21: a slow body is not a timeout while it keeps coming in
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_read_timeout 1s;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/slowbody/debug/pprof/;
    }
--- request
GET /debug/pprof/heap?format=top
--- timeout: 5
--- error_code: 504
--- response_body
the APIServer did not answer within pprof_read_timeout (1000ms)
--- error_log
pprof: the APIServer did not answer within pprof_read_timeout (1000ms)



=== TEST 22: text where a profile was expected: a view is a 502
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
    }
--- request
GET /debug/pprof/heap?format=top
--- error_code: 502
--- response_body
the APIServer sent text where a profile was expected
--- error_log eval
qr{\[error\] .*pprof: the APIServer sent text where a profile was expected}
