use Test::Nginx::Socket 'no_plan';
use PprofGateway;

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

# once the 502 is out, the rest of a 64 MiB body is not read: the access
# log of the request says how much came from the APIServer
$After{'larger than pprof_max_size (chunked)'} = sub {
    my ($block) = @_;
    my $log = server_root() . '/logs/upstream-bytes.log';
    my $bytes;
    wait_until(3, sub { $bytes = (-s $log) ? slurp($log) : undef; defined $bytes });
    $bytes = 'none' unless defined $bytes;
    chomp $bytes;
    Test::More::ok($bytes =~ /^\d+$/ && $bytes < 16 * 1024 * 1024,
                   $block->name . " - the APIServer's body was abandoned ($bytes bytes read)");
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
--- http_config
    log_format upstream_bytes "$upstream_bytes_received";
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        access_log logs/upstream-bytes.log upstream_bytes;
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
