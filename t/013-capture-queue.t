# The capture queue: the Go runtime runs one CPU profile (or trace) at a
# time, so with pprof_cache on the gateway runs the profiles and traces of
# a target one after the other: the others wait, at most
# pprof_capture_queue of them; past that 429 with Retry-After and a line
# naming what runs.  Other names and other targets do not wait.  A client
# that leaves while waiting leaves nothing behind; a capture whose client
# left still completes and is stored.
#
# Requests are sent together over their own connections (http_parallel:
# each with its start time, optionally a time at which the client goes
# away); assertions are on statuses, headers, completion order and the
# fake APIServer's request counts.  Run: t/run.sh t/013-capture-queue.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;
use Digest::MD5 qw(md5_hex);
use Time::HiRes ();

master_on();
keep_error_logs();

our $IdRe = qr/\A[0-9a-f]{16}\z/;

$ENV{TEST_NGINX_CACHE_DIR} = server_root() . '/pprof_cache';

our $HttpConfig = <<'_EOC_';
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
_EOC_

# /debug/pprof/ is the real profiler; /slow/ is another target (its
# profile is a stored one, sent after seconds=), so it never waits for
# /debug/pprof/'s
sub config {
    my ($queue) = @_;
    my $q = defined $queue ? "        pprof_capture_queue $queue;\n" : '';
    return <<"_EOC_";
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:\$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate \$TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file \$TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
$q    }
    location /slow/ {
        pprof_pass https://127.0.0.1:\$TEST_NGINX_APISERVER_PORT/faults/slow/debug/pprof/;
        pprof_trusted_certificate \$TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file \$TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
$q    }
_EOC_
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(config => config()) unless defined $block->config;
    $block->set_value(http_config => $HttpConfig) unless defined $block->http_config;
    $block->set_value(timeout => 20) unless defined $block->timeout;
    $block->set_value(no_error_log => "[alert]\nexited on signal\n")
        unless defined $block->no_error_log;
});


# ---------------------------------------------------------------------
# helpers

sub get { pprof_get(@_) }
sub count { upstream_count(@_) }

sub req { "GET $_[0] HTTP/1.0\r\nHost: localhost\r\n\r\n" }

# requests sent together: [path, at, close_at] each
sub together {
    my ($timeout, @specs) = @_;
    return http_parallel(server_port_for_client(),
                         [map { { req => req($_->[0]), at => $_->[1],
                                  defined $_->[2] ? (close_at => $_->[2]) : () } } @specs],
                         $timeout);
}

sub fmt {
    my ($r) = @_;
    return sprintf("%s (sent %.2f, done %s): %s", $r->{status}, $r->{sent} // -1,
                   defined $r->{done} ? sprintf('%.2f', $r->{done}) : '-',
                   substr($r->{body}, 0, 200) =~ /\A[\x09\x0a\x0d\x20-\x7e]*\z/
                       ? substr($r->{body}, 0, 200) : '(binary)');
}

sub ok200 {
    my ($r, $what) = @_;
    Test::More::is($r->{status}, 200, "$what - 200") or Test::More::diag(fmt($r));
}


# ---------------------------------------------------------------------
# the blocks' scripts

sub t_serialized {
    my $t = 'one CPU profile at a time';
    ctl('/reset');
    my ($long, $short, $heap, $other) = together(15,
        ['/debug/pprof/profile?seconds=3', 0],
        ['/debug/pprof/profile?seconds=1', 0.3],
        ['/debug/pprof/heap', 0.5],
        ['/slow/profile?seconds=1', 0.4]);
    ok200($long, "$t: profile?seconds=3");
    ok200($short, "$t: profile?seconds=1, arriving while it runs");
    Test::More::like($short->{body}, qr/\A\x1f\x8b/, "$t: profile?seconds=1 - a profile (not the runtime's \"already in use\")");
    Test::More::ok(defined $short->{done} && defined $long->{done}
                   && $short->{done} > $long->{done},
                   "$t: the short one finishes after the long one")
        or Test::More::diag(fmt($long) . "\n" . fmt($short));
    Test::More::ok(defined $short->{done} && defined $long->{done}
                   && $short->{done} - $long->{done} >= 0.8,
                   "$t: ... a whole second after it (it ran after it)");
    Test::More::is($short->{head} =~ /^X-Pprof-Cache: (\w+)/mi ? $1 : undef, 'MISS',
                   "$t: the short one - MISS (its own capture)");
    ok200($heap, "$t: heap meanwhile");
    Test::More::ok(defined $heap->{done} && $heap->{done} < 2,
                   "$t: heap does not wait for the CPU profile")
        or Test::More::diag(fmt($heap));
    ok200($other, "$t: another target's profile meanwhile");
    Test::More::ok(defined $other->{done} && $other->{done} < $long->{done},
                   "$t: another target's profile does not wait")
        or Test::More::diag(fmt($other));
    Test::More::is(count('path=/debug/pprof/profile'), 2, "$t: two CPU profiles reached the APIServer");
}

sub t_trace {
    my $t = 'a trace waits for the CPU profile';
    ctl('/reset');
    my ($prof, $trace) = together(15,
        ['/debug/pprof/profile?seconds=2', 0],
        ['/debug/pprof/trace?seconds=0.5', 0.3]);
    ok200($prof, "$t: profile?seconds=2");
    ok200($trace, "$t: trace?seconds=0.5");
    Test::More::ok(defined $trace->{done} && defined $prof->{done}
                   && $trace->{done} > $prof->{done},
                   "$t: the trace finishes after the profile")
        or Test::More::diag(fmt($prof) . "\n" . fmt($trace));
    Test::More::like(header_value($trace->{head}, 'X-Pprof-Capture') // '', $IdRe,
                     "$t: the trace is a stored capture");
    my $again = get('/debug/pprof/trace?seconds=0.5');
    Test::More::is($again->{cache}, 'HIT', "$t: the trace again - HIT");
    Test::More::is(count('path=/debug/pprof/trace'), 1, "$t: one trace reached the APIServer");
}

sub t_queue_full {
    my $t = 'pprof_capture_queue 2';
    ctl('/reset');
    my ($run, $w1, $w2, $over, $over2) = together(15,
        ['/debug/pprof/profile?seconds=1', 0],
        ['/debug/pprof/profile?seconds=2', 0.2],
        ['/debug/pprof/profile?seconds=3', 0.3],
        ['/debug/pprof/profile?seconds=4', 0.5],
        ['/debug/pprof/trace?seconds=1', 0.6]);
    ok200($run, "$t: the running one");
    ok200($w1, "$t: the first waiting one");
    ok200($w2, "$t: the second waiting one");
    Test::More::is($over->{status}, 429, "$t: the third waiting one - 429")
        or Test::More::diag(fmt($over));
    my $ra = header_value($over->{head}, 'Retry-After');
    Test::More::like($ra // '', qr/\A\d+\z/, "$t: Retry-After: integer seconds (" . ($ra // 'none') . ")");
    Test::More::ok(defined $ra && $ra =~ /\A\d+\z/ && $ra <= 10, "$t: Retry-After is about when the queue moves");
    Test::More::like($over->{body}, qr/\bprofile\b/, "$t: 429 - the line names the running profile")
        or Test::More::diag($over->{body});
    Test::More::like($over->{body}, qr/seconds=1(?![\d.])|(?<![\d.])1 ?s(?:econds?)?\b/,
                     "$t: 429 - ... and its seconds");
    Test::More::ok(defined $over->{done} && $over->{done} < 1,
                   "$t: 429 at once, not after waiting");
    Test::More::ok(!defined header_value($over->{head}, 'X-Pprof-Cache')
                   || header_value($over->{head}, 'X-Pprof-Cache') ne 'HIT',
                   "$t: 429 is not a HIT");
    Test::More::is($over2->{status}, 429, "$t: a trace past the queue - 429 too")
        or Test::More::diag(fmt($over2));
    Test::More::ok(defined $w2->{done} && defined $w1->{done} && $w1->{done} > $run->{done}
                   && $w2->{done} > $run->{done}, "$t: the waiting ones ran after the running one");
    Test::More::is(count('path=/debug/pprof/profile'), 3, "$t: three CPU profiles reached the APIServer");
    Test::More::is(count('path=/debug/pprof/trace'), 0, "$t: the refused trace did not");
    my $after = get('/debug/pprof/trace?seconds=1');
    Test::More::is($after->{status}, 200, "$t: the refused trace, once the queue is empty - 200");
}

sub t_waiter_leaves {
    my $t = 'a waiting client leaves';
    ctl('/reset');
    my ($run, $gone, $next, $over) = together(15,
        ['/debug/pprof/profile?seconds=2', 0],
        ['/debug/pprof/profile?seconds=1', 0.2, 0.6],
        ['/debug/pprof/profile?seconds=1', 0.9],
        ['/debug/pprof/profile?seconds=3', 1.2]);
    ok200($run, "$t: the running one");
    Test::More::ok($gone->{closed}, "$t: the waiting client went away");
    ok200($next, "$t: the same request after it left (the queue slot is free, no stale lock)");
    Test::More::is(header_value($next->{head}, 'X-Pprof-Cache'), 'MISS',
                   "$t: ... a MISS: the one that left stored nothing");
    Test::More::ok(defined $next->{done} && $next->{done} > $run->{done}
                   && $next->{done} < $run->{done} + 3,
                   "$t: ... run right after the running one")
        or Test::More::diag(fmt($run) . "\n" . fmt($next));
    Test::More::is($over->{status}, 429, "$t: with that one waiting the queue (1) is full again - 429")
        or Test::More::diag(fmt($over));
    Test::More::is(count('path=/debug/pprof/profile'), 2,
                   "$t: the one that left never reached the APIServer");
    my $h = get('/debug/pprof/profile?seconds=1');
    Test::More::is($h->{cache}, 'HIT', "$t: profile?seconds=1 afterwards - HIT");
    Test::More::is($h->{id}, header_value($next->{head}, 'X-Pprof-Capture'),
                   "$t: ... the capture made after the client left");
}

sub t_first_leaves {
    my $t = 'the capturing client leaves';
    my $dir = $ENV{TEST_NGINX_CACHE_DIR};
    ctl('/reset');
    my ($first, $waiter) = together(10,
        ['/debug/pprof/profile?seconds=1', 0, 0.3],
        ['/debug/pprof/profile?seconds=1', 0.5]);
    Test::More::ok($first->{closed}, "$t: the first client went away");
    ok200($waiter, "$t: the one waiting for its capture");
    Test::More::like(header_value($waiter->{head}, 'X-Pprof-Cache') // '', qr/\A(?:UPDATING|HIT)\z/,
                     "$t: ... UPDATING (it waited for that capture)")
        or Test::More::diag($waiter->{head});
    Test::More::like($waiter->{body}, qr/\A\x1f\x8b/, "$t: ... the profile");
    my $id = header_value($waiter->{head}, 'X-Pprof-Capture') // 'none';
    my $later = get('/debug/pprof/profile?seconds=1');
    Test::More::is($later->{cache}, 'HIT', "$t: a later bare request - HIT");
    Test::More::is($later->{id}, $id, "$t: ... the same capture");
    Test::More::is(count('path=/debug/pprof/profile'), 1, "$t: one upstream request");

    # nobody waiting: still completed and stored
    ctl('/reset');
    my ($alone) = together(5, ['/debug/pprof/profile?seconds=2', 0, 0.3]);
    Test::More::ok($alone->{closed}, "$t: alone: the client went away");
    Test::More::ok(wait_until(6, sub { cache_files($dir) >= 2 }),
                   "$t: alone: the capture is stored all the same")
        or Test::More::diag(join ' ', cache_files($dir));
    my $h = get('/debug/pprof/profile?seconds=2');
    Test::More::is($h->{cache}, 'HIT', "$t: alone: a later bare request - HIT")
        or Test::More::diag($h->{head} . substr($h->{body}, 0, 200));
    Test::More::is(count('path=/debug/pprof/profile'), 1, "$t: alone: no new upstream request");
    my $hist = get('/debug/pprof/?view=history', "Accept: text/html\r\n");
    Test::More::like($hist->{body}, qr/\Q$h->{id}\E/, "$t: alone: in the history")
        if defined $h->{id};
}

run_tests();

__DATA__

=== TEST 1: a CPU profile arriving while another runs waits for it; heap and another target do not
--- init
::t_serialized()
--- request
GET /ctl/count?path=/debug/pprof/profile
--- response_body
2
--- no_error_log
[alert]
[error]
exited on signal
--- timeout: 20



=== TEST 2: a trace waits for the CPU profile of the same target
--- init
::t_trace()
--- request
GET /ctl/count?path=/debug/pprof/trace
--- response_body
1
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 3: pprof_capture_queue 2: the third waiting capture gets 429, Retry-After, and what runs
--- config eval: ::config(2)
--- init
::t_queue_full()
--- request
GET /ctl/count?path=/debug/pprof/profile
--- response_body
3
--- timeout: 25



=== TEST 4: a client that leaves while waiting leaves nothing: its slot is free, its key not locked
--- config eval: ::config(1)
--- init
::t_waiter_leaves()
--- request
GET /ctl/count?path=/debug/pprof/profile
--- response_body
2
--- timeout: 20



=== TEST 5: a capture whose client left still completes and is stored, for its waiters and later requests
--- init
::t_first_leaves()
--- request
GET /ctl/count?path=/debug/pprof/profile
--- response_body
1
