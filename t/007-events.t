use Test::Nginx::Socket 'no_plan';
use PprofGateway;

master_on();

# --- init of TEST 1: a 30 s CPU capture through nginx, from a socket of
# our own, running (the APIServer says so) before the block's requests
our $Capture;
sub start_capture {
    $Capture = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => server_port_for_client(),
                                     Proto => 'tcp', Timeout => 5)
        or die "cannot connect to nginx: $!\n";
    syswrite $Capture, "GET /debug/pprof/profile?seconds=30 HTTP/1.0\r\n"
                       . "Host: localhost\r\n\r\n";
    my $ok = wait_until(10, sub {
        ctl('/inflight?path=/debug/pprof/profile') eq "1\n"
    });
    Test::More::ok($ok, "init: the 30 s capture is running at the APIServer");
}

# ... and after the last request: end it, and wait until the APIServer has
$After{'does not delay'} = sub {
    my ($block, $idx, $last) = @_;
    return unless $last && $Capture;
    close $Capture;
    undef $Capture;
    my $ok = wait_until(10, sub {
        ctl('/inflight?path=/debug/pprof/profile') eq "0\n"
    });
    Test::More::ok($ok, $block->name . " - the capture ended with its client");
};

run_tests();

__DATA__

=== TEST 1: a running CPU capture does not delay other requests on the one worker
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::start_capture();
--- request eval
["GET /debug/pprof/heap", "GET /debug/pprof/goroutine?debug=1", "GET /ctl/inflight?path=/debug/pprof/profile"]
--- timeout: 3
--- response_body_filters eval
\&::gz
--- response_body_like eval
["\\AGZIP\\n\\z", "\\Agoroutine profile: total ", "\\A1\\n\\z"]
--- no_error_log
[error]



=== TEST 2: the default pprof_read_timeout outlasts a capture of pprof_max_seconds
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_seconds 2;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/profile?seconds=2
--- timeout: 6
--- response_body_filters eval
\&::gz
--- response_body
GZIP
--- no_error_log
[error]



=== TEST 3: the same holds through the slow fault (headers after the whole wait)
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_seconds 2;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/slow/debug/pprof/;
    }
--- request
GET /debug/pprof/heap?seconds=2
--- timeout: 6
--- response_body_filters eval
\&::gz
--- response_body
GZIP
--- no_error_log
[error]



=== TEST 4: a location's own pprof_max_seconds sets its default read timeout (max + 60 s)
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_seconds 300;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/cmdline
--- response_body_like: fake-apiserver
--- error_log eval
qr/event timer add: \d+: 360000:/
--- no_error_log
[warn]



=== TEST 5: an explicit pprof_read_timeout is inherited as it is
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_read_timeout 97s;
    location /debug/pprof/ {
        pprof_max_seconds 2;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/cmdline
--- response_body_like: fake-apiserver
--- error_log eval
qr/event timer add: \d+: 97000:/
