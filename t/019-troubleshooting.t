# docs/troubleshooting.md says what users see: each of its cases is
# reproduced here against the fake APIServer, and the log line the page
# quotes must appear in the error log as written there.  Only addresses,
# ports, paths, timings and the worker's numbers stand for the test's:
# the rest of the line is compared literally, so a message changed in the
# module fails this suite until the page says the new one.
# Run: t/run.sh t/019-troubleshooting.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;

our %Case;

# the page's log line of each case, as a pattern: "<!-- case: NAME -->"
# then a fenced block whose first line is the log line
{
    my $page = slurp('docs/troubleshooting.md');
    while ($page =~ /<!-- case: (\w+) -->\s*```\n([^\n]+)\n/g) {
        my ($name, $line) = ($1, $2);
        my $re = quotemeta $line;
        # the worker's pid, tid and connection number
        $re =~ s/\\\[(\w+)\\\]\\ \d+\\#\d+\\:\\ \\\*\d+\\ /\\[$1\\] \\d+#\\d+: \\*\\d+ /;
        # the APIServer's address: the fake one's
        $re =~ s/10\\\.96\\\.0\\\.1\\:443/127\\.0\\.0\\.1:\\d+/g;
        # the token file: the test's
        $re =~ s{\\"\\/var\\/run\\/secrets\\/kubernetes\\\.io\\/serviceaccount\\/token\\"}{"[^"]+"}g;
        # timings
        $re =~ s/\\\((\d+)ms\\\)/\\(\\d+ms\\)/g;
        $re =~ s/seconds\\=\d+/seconds=\\d+/g;
        $re =~ s/in\\ \d+\\ s\\ /in \\d+ s /g;
        $Case{$name} = qr/$re/;
    }
}

# every case of the page is reproduced below, and nothing else
my @cases = qw(401 403 tls refused cpubusy queue timeout notoken toolarge);
Test::More::is(join(' ', sort keys %Case), join(' ', sort @cases),
               'docs/troubleshooting.md has the cases this suite checks');

# a port where nothing listens: bound, then closed
{
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1)
        or die "cannot bind: $!\n";
    $ENV{TEST_NGINX_DEAD_PORT} = $s->sockport;
    close $s;
}

$ENV{TEST_NGINX_CACHE_DIR} = server_root() . '/pprof_cache';

# two CPU captures together with pprof_capture_queue 0: the second is 429
$After{'too many CPU captures waiting'} = sub {
    my ($block) = @_;
    my $pos = error_log_size();
    my @r = http_parallel(server_port_for_client(), [
        { req => "GET /debug/pprof/profile?seconds=2 HTTP/1.0\r\n\r\n",
          at => 0 },
        { req => "GET /debug/pprof/profile?seconds=1 HTTP/1.0\r\n\r\n",
          at => 0.5 }], 15);
    Test::More::is($r[0]{status}, 200, $block->name . ' - the first runs');
    Test::More::is($r[1]{status}, 429, $block->name . ' - the second is 429');
    Test::More::like(error_log_since($pos), $Case{queue},
                     $block->name . ' - the log line of the page');
};

run_tests();

__DATA__

=== TEST 1: 401: the token expired, or it is the wrong file
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
--- error_log eval
$::Case{401}



=== TEST 2: 403: the ServiceAccount may not read the profiler
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/forbidden/debug/pprof/;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- error_log eval
$::Case{403}



=== TEST 3: TLS verification failed
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_SELFSIGNED_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- error_log eval
$::Case{tls}



=== TEST 4: the connection is refused
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_DEAD_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- error_log eval
$::Case{refused}



=== TEST 5: CPU profiling already in use
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/cpubusy/debug/pprof/;
    }
--- request
GET /debug/pprof/profile?seconds=1
--- error_code: 502
--- error_log eval
$::Case{cpubusy}



=== TEST 6: too many CPU captures waiting
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_cache pprof;
        pprof_capture_queue 0;
    }
--- request
GET /ctl/reset
--- timeout: 20
--- error_code: 200



=== TEST 7: timeouts
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
--- error_log eval
$::Case{timeout}



=== TEST 8: no token at all
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_HTML_DIR/no-such-token;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- error_code: 502
--- error_log eval
$::Case{notoken}



=== TEST 9: the profile is too large
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
--- error_log eval
$::Case{toolarge}
