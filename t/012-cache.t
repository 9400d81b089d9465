# The capture store: pprof_cache_path, pprof_cache, pprof_cache_valid,
# pprof_thread_pool.  A capture has an identity (X-Pprof-Capture, 16
# lowercase hex digits): bare requests within pprof_cache_valid are served
# from the newest one of their key (target, name, seconds/gc/debug; never
# the view arguments), capture=ID serves a given one without the
# APIServer, refresh=1 captures anew.  Concurrent requests of a key make
# one upstream request.  The store survives reloads and restarts, evicts
# by max_size and inactive, shrugs off corrupt files, and never keeps a
# failure.  Rendering runs in a thread pool: the event loop stays free.
#
# Most blocks are driven from --- init (IDs learnt from one response are
# used in the next request); their last request is a plain check, and
# PprofGateway's /live/cmdline check follows it.  Upstream requests are
# counted by the fake APIServer (/ctl/count).  Run: t/run.sh t/012-cache.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;
use Digest::MD5 qw(md5_hex);
use File::Path qw(make_path remove_tree);
use Time::HiRes ();

# a master process: the cache manager needs it, a worker that dies is
# logged ("exited on signal") and replaced, and reloads can be tested
master_on();
keep_error_logs();

our $IdRe = qr/\A[0-9a-f]{16}\z/;

# a fresh store per block (the runner removes servroot/*_cache before each
# block); the restart blocks use one under the run directory instead
$ENV{TEST_NGINX_CACHE_DIR} = server_root() . '/pprof_cache';
$ENV{TEST_NGINX_PERSIST_DIR} = "$ENV{TEST_NGINX_RUN_DIR}/cache-persist";
remove_tree($ENV{TEST_NGINX_PERSIST_DIR});

# a port where nothing listens: bound, then closed
{
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1)
        or die "cannot bind: $!\n";
    $ENV{TEST_NGINX_DEAD_PORT} = $s->sockport;
    close $s;
}

# profiles served by nginx itself (a second server, TLS) for the thread
# pool blocks: profile-gen's -big one (~6 MB gzip, ~0.4 s of CPU for a
# flame graph) and a small one; kept in build/ across runs
{
    my $gen = 'build/profile-gen';
    system('make', '--no-print-directory', '-s', $gen) == 0 && -x $gen
        or die "cannot build $gen\n";
    make_path('build/t-profiles');
    for my $p (['big', '-big'], ['small']) {
        my ($name, @args) = @$p;
        my $file = "build/t-profiles/$name.pb.gz";
        if (!-s $file || -M $file > -M $gen) {
            system($gen, @args, '-o', "$file.tmp") == 0
                or die "$gen @args failed\n";
            rename "$file.tmp", $file or die "rename $file: $!\n";
        }
        $ENV{'TEST_NGINX_' . uc($name) . '_PROFILE'} = File::Spec->rel2abs($file);
    }
}

our $HttpConfig = <<'_EOC_';
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
    pprof_token_refresh 100ms;
    log_format pcache '$request_uri $pprof_cache_status $pprof_capture';
    access_log logs/pcache.log pcache;
_EOC_

our $Location = <<'_EOC_';
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
        add_header X-Vars "$pprof_cache_status/$pprof_capture";
    }
_EOC_

our $PersistLocation = <<'_EOC_';
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache persist;
        pprof_cache_valid 10m;
    }
_EOC_

# the TLS "APIServer" made of nginx, serving the generated profiles
our $FileServer = <<'_EOC_';
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1 ssl;
        ssl_certificate $TEST_NGINX_CERTS_DIR/server.crt;
        ssl_certificate_key $TEST_NGINX_CERTS_DIR/server.key;
        default_type application/octet-stream;
        location = /debug/pprof/heap { alias $TEST_NGINX_BIG_PROFILE; }
        location = /small/debug/pprof/heap { alias $TEST_NGINX_SMALL_PROFILE; }
    }
_EOC_

# code run before a block starts (its nginx not started yet), by title
our %Before;

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(config => $Location) unless defined $block->config;
    $block->set_value(http_config => $HttpConfig) unless defined $block->http_config;
    $block->set_value(timeout => 20) unless defined $block->timeout;
    $block->set_value(no_error_log => "[alert]\nexited on signal\n")
        unless defined $block->no_error_log;
    for my $key (sort keys %Before) {
        $Before{$key}->($block) if index($block->name, $key) >= 0;
    }
});


# ---------------------------------------------------------------------
# helpers

# GET through nginx: { status, head, body, cache (X-Pprof-Cache), id
# (X-Pprof-Capture), md5 }
sub get {
    my ($path, $headers) = @_;
    my ($status, $head, $body) = nginx_get($path, $headers);
    return { status => $status, head => $head, body => $body,
             cache => header_value($head, 'X-Pprof-Cache'),
             id => header_value($head, 'X-Pprof-Capture'),
             md5 => md5_hex($body) };
}

our $Html = "Accept: text/html\r\n";

sub count {
    my ($filter) = @_;
    my $n = ctl("/count?$filter");
    $n =~ s/\s+//g;
    return $n;
}

sub reset_upstream { ctl('/reset') }

# a response's status, X-Pprof-Cache and a valid X-Pprof-Capture
sub is_capture {
    my ($r, $status, $cache, $what) = @_;
    my $ok = Test::More::is($r->{status}, $status, "$what - status $status");
    $ok &&= Test::More::is($r->{cache}, $cache, "$what - X-Pprof-Cache: $cache");
    $ok &&= Test::More::like($r->{id} // '', $IdRe, "$what - X-Pprof-Capture is an ID");
    Test::More::diag("$r->{head}\n" . substr($r->{body}, 0, 300)) unless $ok;
    return $ok;
}

sub no_capture_headers {
    my ($r, $what) = @_;
    Test::More::ok(!defined $r->{cache} && !defined $r->{id},
                   "$what - no X-Pprof-Cache, no X-Pprof-Capture")
        or Test::More::diag($r->{head});
}

sub log_lines {
    my ($file) = @_;
    my $path = server_root() . "/logs/$file";
    return () unless -f $path;
    return split /\n/, slurp($path);
}

# the error log lines (from byte 0 of this block's log) matching $re
sub error_lines {
    my ($re) = @_;
    return grep { $_ =~ $re && !/\[debug\]/ } split /\n/, error_log_since(0);
}


# ---------------------------------------------------------------------
# the blocks' scripts

sub t_miss_hit {
    my $t = 'MISS then HIT';
    my $dir = $ENV{TEST_NGINX_CACHE_DIR};
    reset_upstream();

    my $m = get('/debug/pprof/heap');
    is_capture($m, 200, 'MISS', "$t: first heap") or return;
    Test::More::like($m->{body}, qr/\A\x1f\x8b/, "$t: first heap - the raw profile");
    Test::More::is(header_value($m->{head}, 'X-Vars'), "MISS/$m->{id}",
                   "$t: \$pprof_cache_status/\$pprof_capture in add_header");
    my $id = $m->{id};
    Test::More::ok(wait_until(3, sub { grep { $_ eq $id } cache_files($dir) }),
                   "$t: a file named $id in the cache directory")
        or Test::More::diag(join ' ', glob "$dir/*");
    Test::More::ok(wait_until(3, sub { !cache_tmp_files($dir) }),
                   "$t: no *.tmp file left");

    my $h = get('/debug/pprof/heap');
    is_capture($h, 200, 'HIT', "$t: second heap");
    Test::More::is($h->{id}, $id, "$t: second heap - the same capture");
    Test::More::is($h->{md5}, $m->{md5}, "$t: second heap - byte for byte the same body");
    Test::More::is(header_value($h->{head}, 'X-Vars'), "HIT/$id",
                   "$t: second heap - the variables");

    # view arguments: the same key, so the same capture
    for my $v (['format=top', '', qr/Type: inuse_space/],
               ['format=json', '', qr/"sample_type"/],
               ['format=collapsed&sample=alloc_space', '', qr/\A([^\n]+ -?\d+\n)+\z/],
               ['view=flame&sample=alloc_space', $Html, qr/<!DOCTYPE html>/i],
               ['view=top&sort=cum&nodecount=5&focus=main&ignore=xyz', $Html, qr/<!DOCTYPE html>/i],
               ['format=raw', '', qr/\A\x1f\x8b/])
    {
        my ($args, $hdr, $re) = @$v;
        my $r = get("/debug/pprof/heap?$args", $hdr);
        is_capture($r, 200, 'HIT', "$t: heap?$args");
        Test::More::is($r->{id}, $id, "$t: heap?$args - the same capture");
        Test::More::like($r->{body}, $re, "$t: heap?$args - its body");
    }
    Test::More::is(count('path=/debug/pprof/heap'), 1,
                   "$t: one upstream request for all of them");

    # capture arguments are part of the key
    my %ids = ($id => 'heap');
    for my $args ('gc=1', 'debug=1', 'seconds=1') {
        my $r = get("/debug/pprof/heap?$args");
        is_capture($r, 200, 'MISS', "$t: heap?$args is another key");
        Test::More::ok(defined $r->{id} && !$ids{$r->{id}},
                       "$t: heap?$args - a new capture");
        $ids{$r->{id} // ''} = $args;
        my $again = get("/debug/pprof/heap?$args");
        is_capture($again, 200, 'HIT', "$t: heap?$args again");
        Test::More::is($again->{id}, $r->{id}, "$t: heap?$args again - the same capture");
    }
    my $dbg = get('/debug/pprof/heap?debug=1', $Html);
    Test::More::is($dbg->{cache}, 'HIT', "$t: heap?debug=1 as a page - HIT");
    Test::More::is(count('path=/debug/pprof/heap'), 4, "$t: four heap keys, four upstream requests");

    # debug=2 of goroutine: text, cached, its own key
    my $g2 = get('/debug/pprof/goroutine?debug=2');
    is_capture($g2, 200, 'MISS', "$t: goroutine?debug=2");
    Test::More::like($g2->{body}, qr/\Agoroutine \d+ \[/, "$t: goroutine?debug=2 - the text dump");
    my $g2h = get('/debug/pprof/goroutine?debug=2');
    is_capture($g2h, 200, 'HIT', "$t: goroutine?debug=2 again");
    Test::More::is($g2h->{body}, $g2->{body}, "$t: goroutine?debug=2 again - the same text");

    # every cached name
    for my $name (qw(goroutine allocs block mutex threadcreate)) {
        my $r = get("/debug/pprof/$name");
        is_capture($r, 200, 'MISS', "$t: $name");
        my $again = get("/debug/pprof/$name?format=top");
        is_capture($again, 200, 'HIT', "$t: $name?format=top");
        Test::More::is($again->{id}, $r->{id}, "$t: $name - the same capture");
        Test::More::is(count("path=/debug/pprof/$name"), $name eq 'goroutine' ? 2 : 1,
                       "$t: $name - one upstream request (goroutine: and debug=2's)");
    }

    # the variables in log_format: one line per request above
    my @log = log_lines('pcache.log');
    Test::More::ok((grep { $_ eq "/debug/pprof/heap MISS $id" } @log)
                   && (grep { $_ eq "/debug/pprof/heap?format=top HIT $id" } @log),
                   "$t: log_format with \$pprof_cache_status and \$pprof_capture")
        or Test::More::diag(join "\n", @log);
}

sub t_capture_id {
    my $t = 'capture=ID';
    reset_upstream();

    my $first = get('/debug/pprof/heap');
    is_capture($first, 200, 'MISS', "$t: first heap") or return;
    my $id1 = $first->{id};
    my $second = get('/debug/pprof/heap?refresh=1');
    is_capture($second, 200, 'BYPASS', "$t: refresh=1");
    my $id2 = $second->{id} // '';
    Test::More::isnt($id2, $id1, "$t: refresh=1 - a new capture");
    my $bare = get('/debug/pprof/heap');
    is_capture($bare, 200, 'HIT', "$t: bare after refresh=1");
    Test::More::is($bare->{id}, $id2, "$t: bare after refresh=1 - the newest capture");
    Test::More::is($bare->{md5}, $second->{md5}, "$t: bare after refresh=1 - its bytes");
    Test::More::is(count('path=/debug/pprof/heap'), 2, "$t: two upstream requests so far");

    # the older capture, every way
    my $raw = get("/debug/pprof/heap?capture=$id1&format=raw");
    is_capture($raw, 200, 'HIT', "$t: capture=ID&format=raw");
    Test::More::is($raw->{id}, $id1, "$t: capture=ID&format=raw - that capture");
    Test::More::is($raw->{md5}, $first->{md5},
                   "$t: capture=ID&format=raw - byte-identical to what the APIServer sent");
    Test::More::like(header_value($raw->{head}, 'Content-Type') // '',
                     qr{^application/octet-stream}, "$t: format=raw - a download");

    my $noaccept = get("/debug/pprof/heap?capture=$id1");
    Test::More::is($noaccept->{md5}, $first->{md5}, "$t: capture=ID without Accept - the raw bytes");

    for my $v (['view=flame', $Html, qr/(?s)<!DOCTYPE html>.*<\/html>/i],
               ['format=top', '', qr/Type: inuse_space/],
               ['format=top&sample=alloc_space', '', qr/Type: alloc_space/],
               ['format=json', '', qr/"sample_type": *"inuse_space"/],
               ['format=json&sample=alloc_space', '', qr/"sample_type": *"alloc_space"/],
               ['format=flamegraph', '', qr/<!DOCTYPE html>/i],
               ['view=top&sort=cum', $Html, qr/cum%/])
    {
        my ($args, $hdr, $re) = @$v;
        my $r = get("/debug/pprof/heap?capture=$id1&$args", $hdr);
        is_capture($r, 200, 'HIT', "$t: capture=ID&$args");
        Test::More::is($r->{id}, $id1, "$t: capture=ID&$args - that capture");
        Test::More::like($r->{body}, $re, "$t: capture=ID&$args - its body")
            or Test::More::diag(substr($r->{body}, 0, 300));
    }
    # the same view of both captures is of their own data: the views of
    # the newest are not the older one's
    my $top1 = get("/debug/pprof/heap?capture=$id1&format=top");
    my $top1b = get("/debug/pprof/heap?capture=$id1&format=top");
    Test::More::is($top1b->{md5}, $top1->{md5}, "$t: the same view of a capture twice - the same bytes");

    # every link of its pages keeps capture=ID; a link captures again
    for my $args ('view=top', 'view=flame', 'view=top&sample=alloc_space&sort=cum') {
        my $page = get("/debug/pprof/heap?capture=$id1&$args", $Html);
        my @rel = grep { /^\?/ } hrefs($page->{body});
        Test::More::ok(@rel > 0, "$t: page $args - has view links (href=\"?...\")");
        my @bad = grep { !/(?:^\?|&)capture=\Q$id1\E(?:&|$)/ && !/refresh=1/ } @rel;
        Test::More::ok(!@bad, "$t: page $args - every href=\"?...\" link carries capture=$id1")
            or Test::More::diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
        Test::More::ok((grep { /refresh=1/ } hrefs($page->{body})),
                       "$t: page $args - a \"capture again\" link with refresh=1");
    }
    # the form of the page (if any) keeps the capture too
    my $page = get("/debug/pprof/heap?capture=$id1&view=top", $Html);
    if ($page->{body} =~ /<form\b/i) {
        Test::More::like($page->{body}, qr/<input[^>]*name="capture"[^>]*value="\Q$id1\E"|<input[^>]*value="\Q$id1\E"[^>]*name="capture"/,
                         "$t: the page's form carries capture=$id1");
    }

    # pprof_cache_valid does not matter, nor refresh-less bare keys: no upstream
    Test::More::is(count('path=/debug/pprof/heap'), 2,
                   "$t: capture=ID never contacted the APIServer");
    Test::More::is(count(''), 2, "$t: nothing else reached the APIServer");
}

sub t_capture_gone {
    my $t = 'capture=ID gone or malformed';
    reset_upstream();
    my $m = get('/debug/pprof/heap');
    is_capture($m, 200, 'MISS', "$t: heap") or return;
    my $id = $m->{id};
    my $unknown = $id eq '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef';

    my $r = get("/debug/pprof/heap?capture=$unknown");
    Test::More::is($r->{status}, 404, "$t: an unknown ID - 404");
    Test::More::like($r->{body}, qr/\Q$unknown\E/, "$t: an unknown ID - the line names it");
    Test::More::like($r->{body}, qr/not in the store|gone|expired|evicted|no longer|unknown|not found/i,
                     "$t: an unknown ID - the line says the capture is gone")
        or Test::More::diag($r->{body});
    Test::More::ok(!defined $r->{cache} || $r->{cache} ne 'HIT', "$t: an unknown ID - no HIT");

    my $p = get("/debug/pprof/heap?capture=$unknown&view=flame", $Html);
    Test::More::is($p->{status}, 404, "$t: an unknown ID, a browser - 404");
    Test::More::like($p->{body}, qr/<html/i, "$t: an unknown ID, a browser - a page");
    my @again = grep { /refresh=1/ && !/capture=/ } hrefs($p->{body});
    Test::More::ok(@again && (grep { /^\?|^heap\?|\/debug\/pprof\/heap\?/ } @again),
                   "$t: an unknown ID, a browser - a link to capture anew (refresh=1, the bare profile)")
        or Test::More::diag(join "\n", hrefs($p->{body}));

    # all zeros is 16 lowercase hex digits too: well-formed, unknown
    my $zero = get('/debug/pprof/heap?capture=0000000000000000');
    Test::More::is($zero->{status}, 404, "$t: capture=0000000000000000 (well-formed, unknown) - 404")
        or Test::More::diag($zero->{body});

    my $other = get("/debug/pprof/goroutine?capture=$id");
    Test::More::is($other->{status}, 404, "$t: another profile's capture - 404");
    Test::More::ok(!defined $other->{cache} || $other->{cache} ne 'HIT',
                   "$t: another profile's capture - not served");

    for my $bad ('0123456789ABCDEF', '0123456789abcde', '0123456789abcdef0',
                 'zzzzzzzzzzzzzzzz', '', '0x23456789abcdef') {
        my $b = get("/debug/pprof/heap?capture=$bad");
        Test::More::is($b->{status}, 400, "$t: capture=$bad (malformed) - 400")
            or Test::More::diag($b->{body});
    }
    Test::More::is(count(''), 1, "$t: none of them reached the APIServer");
    my $still = get("/debug/pprof/heap?capture=$id&format=top");
    is_capture($still, 200, 'HIT', "$t: the real capture is still there");
}

sub t_valid {
    my $t = 'pprof_cache_valid';
    reset_upstream();
    my $m = get('/debug/pprof/heap');
    is_capture($m, 200, 'MISS', "$t: heap") or return;
    my $id1 = $m->{id};
    my $h = get('/debug/pprof/heap?format=top');
    is_capture($h, 200, 'HIT', "$t: heap within pprof_cache_valid");
    Test::More::is($h->{id}, $id1, "$t: within pprof_cache_valid - the same capture");

    # pprof_cache_valid 2s: ages may be whole seconds (a capture made at
    # x.99 is 1 s old 10 ms later), so neither 1 s nor an age of 2 s is
    # used: right after a capture it is 0 or 1 s old, 3.1 s later 3 or 4
    Time::HiRes::sleep(3.1);
    my $e = get('/debug/pprof/heap');
    is_capture($e, 200, 'EXPIRED', "$t: heap after pprof_cache_valid");
    my $id2 = $e->{id} // '';
    Test::More::isnt($id2, $id1, "$t: after pprof_cache_valid - a new capture");
    my $n = get('/debug/pprof/heap?format=json');
    is_capture($n, 200, 'HIT', "$t: then the new one is served");
    Test::More::is($n->{id}, $id2, "$t: then the new one is served - its ID");

    my $old = get("/debug/pprof/heap?capture=$id1&format=top");
    is_capture($old, 200, 'HIT', "$t: the old capture, by ID, whatever pprof_cache_valid says");
    Test::More::is($old->{id}, $id1, "$t: the old capture - its ID");
    Test::More::is(count('path=/debug/pprof/heap'), 2, "$t: two upstream requests");
}

sub t_failures {
    my $t = 'failures are not stored';
    my $dir = $ENV{TEST_NGINX_CACHE_DIR};
    my $token = "$ENV{TEST_NGINX_HTML_DIR}/token";
    reset_upstream();

    for my $i (1, 2) {
        my $r = get('/forbidden/heap');
        Test::More::is($r->{status}, 502, "$t: 403 from the APIServer ($i) - 502");
        Test::More::isnt($r->{cache} // '', 'HIT', "$t: 403 ($i) - not a HIT");
        my $c = get('/dead/heap');
        Test::More::is($c->{status}, 502, "$t: connection refused ($i) - 502");
        Test::More::isnt($c->{cache} // '', 'HIT', "$t: refused ($i) - not a HIT");
    }
    Test::More::is(count('path=/forbidden/debug/pprof/heap'), 2,
                   "$t: the 403 was asked for twice");

    my $u = get('/token/heap');
    Test::More::is($u->{status}, 502, "$t: 401 (a wrong token) - 502");
    Test::More::is(count('path=/debug/pprof/heap&auth=invalid'), 1, "$t: 401 - it reached the APIServer");
    Test::More::ok(!cache_files($dir), "$t: no capture file after the failures")
        or Test::More::diag(join ' ', cache_files($dir));

    # the token fixed: the next request captures (nothing was stored)
    spew($token, "$Token\n");
    Time::HiRes::sleep(0.5);    # pprof_token_refresh 100ms
    my $ok = get('/token/heap');
    is_capture($ok, 200, 'MISS', "$t: the token fixed - a MISS, not the stored failure");
    my $again = get('/token/heap');
    is_capture($again, 200, 'HIT', "$t: then a HIT");
    Test::More::is($again->{id}, $ok->{id}, "$t: then a HIT - the same capture");
    Test::More::ok(wait_until(3, sub { cache_files($dir) == 1 }), "$t: one file: the good capture");
}

sub t_collapse_cpu {
    my $t = 'collapsing profile?seconds=2';
    reset_upstream();
    my $req = "GET /debug/pprof/profile?seconds=2 HTTP/1.0\r\nHost: localhost\r\n\r\n";
    my @r = http_parallel(server_port_for_client(), [map { { req => $req, at => 0 } } 1 .. 20], 20);
    my @ok = grep { $_->{status} == 200 } @r;
    Test::More::is(scalar @ok, 20, "$t: 20 x 200")
        or Test::More::diag(join ', ', map { "$_->{status}" . ($_->{status} != 200 ? " " . substr($_->{body}, 0, 200) : '') } @r);
    my %ids = map { (header_value($_->{head}, 'X-Pprof-Capture') // 'none') => 1 } @r;
    Test::More::is(scalar keys %ids, 1, "$t: one X-Pprof-Capture")
        or Test::More::diag(join ' ', keys %ids);
    Test::More::like((keys %ids)[0], $IdRe, "$t: ... an ID");
    my %st;
    $st{header_value($_->{head}, 'X-Pprof-Cache') // 'none'}++ for @r;
    Test::More::is($st{MISS} // 0, 1, "$t: one MISS")
        or Test::More::diag(join ' ', map { "$_=$st{$_}" } sort keys %st);
    Test::More::is(($st{UPDATING} // 0) + ($st{HIT} // 0), 19, "$t: 19 UPDATING or HIT");
    my %md5 = map { md5_hex($_->{body}) => 1 } @r;
    Test::More::is(scalar keys %md5, 1, "$t: 20 identical bodies");
    Test::More::like($r[0]{body}, qr/\A\x1f\x8b/, "$t: ... a profile");
    Test::More::is(count('path=/debug/pprof/profile'), 1, "$t: one upstream request");
}

sub t_collapse_slow {
    my $t = 'collapsing heap, slow APIServer';
    reset_upstream();
    my $req = "GET /slow/heap?seconds=1 HTTP/1.0\r\nHost: localhost\r\n$Html\r\n";
    my @r = http_parallel(server_port_for_client(),
                          [map { { req => $req, at => 0.02 * $_ } } 0 .. 9], 15);
    Test::More::is(scalar(grep { $_->{status} == 200 } @r), 10, "$t: 10 x 200")
        or Test::More::diag(join ', ', map { $_->{status} } @r);
    my %ids = map { (header_value($_->{head}, 'X-Pprof-Capture') // 'none') => 1 } @r;
    Test::More::is(scalar keys %ids, 1, "$t: one X-Pprof-Capture");
    my %st;
    $st{header_value($_->{head}, 'X-Pprof-Cache') // 'none'}++ for @r;
    Test::More::is($st{MISS} // 0, 1, "$t: one MISS")
        or Test::More::diag(join ' ', map { "$_=$st{$_}" } sort keys %st);
    Test::More::is($st{UPDATING} // 0, 9, "$t: 9 UPDATING (they waited for it)");
    Test::More::like($r[5]{body}, qr/<!DOCTYPE html>/i, "$t: pages for a browser");
    Test::More::is(count('path=/faults/slow/debug/pprof/heap'), 1, "$t: one upstream request");
}

sub t_history {
    my $t = 'history';
    reset_upstream();
    my $a = get('/debug/pprof/heap');
    is_capture($a, 200, 'MISS', "$t: heap") or return;
    Time::HiRes::sleep(1.1);    # distinct times, whatever the resolution
    my $b = get('/debug/pprof/goroutine');
    is_capture($b, 200, 'MISS', "$t: goroutine");
    Time::HiRes::sleep(1.1);
    my $c = get('/debug/pprof/heap?gc=1');
    is_capture($c, 200, 'MISS', "$t: heap?gc=1");
    my $o = get('/other/heap?seconds=1');
    is_capture($o, 200, 'MISS', "$t: another location's capture");
    my ($ida, $idb, $idc, $ido) = map { $_->{id} // 'x' } $a, $b, $c, $o;

    my $h = get('/debug/pprof/?view=history', $Html);
    Test::More::is($h->{status}, 200, "$t: 200");
    Test::More::like(header_value($h->{head}, 'Content-Type') // '', qr{^text/html},
                     "$t: a page");
    my $body = $h->{body};
    # the rows, by where each ID is shown as a capture (<code>ID</code>), not
    # where a link to it (a diff's base) first names it
    my @pos = map { my $i = index($body, "<code>$_</code>");
                    $i >= 0 ? $i : index($body, $_) } $idc, $idb, $ida;
    Test::More::ok($pos[0] >= 0 && $pos[1] >= 0 && $pos[2] >= 0,
                   "$t: lists the three captures") or Test::More::diag(substr($body, 0, 3000));
    Test::More::ok($pos[0] < $pos[1] && $pos[1] < $pos[2], "$t: newest first")
        or Test::More::diag("positions: @pos");
    Test::More::is(index($body, $ido), -1, "$t: not another location's capture");
    Test::More::like($body, qr/goroutine/, "$t: shows the profile names");
    Test::More::like($body, qr/gc=1/, "$t: shows the capture arguments");
    Test::More::like($body, qr/\d\d:\d\d(?::\d\d)?/, "$t: shows the times");
    Test::More::like($body, qr/\d(?:\.\d+)?\s*(?:B|bytes|[kKMG]i?B)\b/, "$t: shows the sizes");

    my @h = hrefs($body);
    for my $x ([$ida, 'heap'], [$idb, 'goroutine'], [$idc, 'heap']) {
        my ($id, $name) = @$x;
        Test::More::ok((grep { /^(?:\.\/)?\Q$name\E\?(?:[^"]*&)?capture=\Q$id\E(?:&|$)/ } @h),
                       "$t: a relative link $name?capture=$id")
            or Test::More::diag(join "\n", @h);
        Test::More::ok((grep { /capture=\Q$id\E(?:&|$)/ && /format=raw/ } @h),
                       "$t: a raw download link of $id");
    }
    Test::More::ok((grep { /capture=(?:\Q$idc\E|\Q$ida\E)/ && /base=(?:\Q$ida\E|\Q$idc\E)/ } @h),
                   "$t: a diff link between the two heap captures (capture= and base=)")
        or Test::More::diag(join "\n", grep { /base=/ } @h);
    Test::More::ok(!(grep { /^\// || /^https?:/ } grep { /capture=/ } @h),
                   "$t: the links are relative");

    # the links work
    my $view = get("/debug/pprof/heap?capture=$ida&format=top");
    is_capture($view, 200, 'HIT', "$t: the first heap by its link");
    Test::More::is(count('path=/debug/pprof/heap'), 2, "$t: the history page asked the APIServer nothing");
}

sub t_reload {
    my $t = 'reload';
    reset_upstream();
    my $m = get('/debug/pprof/heap');
    is_capture($m, 200, 'MISS', "$t: heap") or return;
    my $id = $m->{id};
    my @before = worker_pids();
    Test::More::ok(nginx_reload(10), "$t: nginx -s reload, new workers answer");
    my @after = worker_pids();
    Test::More::ok(@after && "@after" ne "@before", "$t: new worker pids (@before -> @after)");

    my $h = get('/debug/pprof/heap');
    is_capture($h, 200, 'HIT', "$t: bare heap after the reload");
    Test::More::is($h->{id}, $id, "$t: bare heap after the reload - the same capture");
    my $raw = get("/debug/pprof/heap?capture=$id&format=raw");
    Test::More::is($raw->{md5}, $m->{md5}, "$t: capture=ID after the reload - the same bytes");
    my $hist = get('/debug/pprof/?view=history', $Html);
    Test::More::like($hist->{body}, qr/\Q$id\E/, "$t: history after the reload lists it");
    my $g = get('/debug/pprof/goroutine');
    is_capture($g, 200, 'MISS', "$t: a new capture after the reload");
    Test::More::is(count('path=/debug/pprof/heap'), 1, "$t: one heap upstream request");
}

our %Persist;

sub t_persist_store {
    my $t = 'restart (1/3)';
    my $dir = $ENV{TEST_NGINX_PERSIST_DIR};
    reset_upstream();
    my $h = get('/debug/pprof/heap');
    is_capture($h, 200, 'MISS', "$t: heap") or return;
    Time::HiRes::sleep(1.1);
    my $g = get('/debug/pprof/goroutine');
    is_capture($g, 200, 'MISS', "$t: goroutine");
    %Persist = (heap => $h->{id}, heap_md5 => $h->{md5}, goroutine => $g->{id});
    Test::More::ok(wait_until(3, sub { cache_files($dir) == 2 }),
                   "$t: two files in $dir") or Test::More::diag(join ' ', cache_files($dir));
}

sub t_persist_load {
    my $t = 'restart (2/3)';
    my ($heap, $gor) = @Persist{qw(heap goroutine)};
    return Test::More::fail("$t: no captures from the block before") unless $heap && $gor;
    reset_upstream();

    my $raw = get("/debug/pprof/heap?capture=$heap&format=raw");
    is_capture($raw, 200, 'HIT', "$t: capture=ID after a restart");
    Test::More::is($raw->{md5}, $Persist{heap_md5}, "$t: capture=ID after a restart - the same bytes");
    my $bare = get('/debug/pprof/heap?format=top');
    is_capture($bare, 200, 'HIT', "$t: bare heap after a restart (within pprof_cache_valid)");
    Test::More::is($bare->{id}, $heap, "$t: bare heap after a restart - the stored capture");
    my $g = get('/debug/pprof/goroutine');
    Test::More::is($g->{id}, $gor, "$t: bare goroutine after a restart - the stored capture");
    my $hist = get('/debug/pprof/?view=history', $Html);
    my ($pg, $ph) = (index($hist->{body}, $gor), index($hist->{body}, $heap));
    Test::More::ok($pg >= 0 && $ph > $pg, "$t: history lists both, newest first")
        or Test::More::diag("positions $pg $ph");
    Test::More::is(count(''), 0, "$t: nothing reached the APIServer");
}

# before the third restart block: bad files next to the good ones
our %Bad = (garbage => 'deadbeefdeadbeef', truncated => 'feedfacefeedface',
            empty => '00000000000000a1', foreign => 'README');

$Before{'restart (3/3)'} = sub {
    my $dir = $ENV{TEST_NGINX_PERSIST_DIR};
    my $good = $Persist{heap} ? "$dir/$Persist{heap}" : undef;
    spew("$dir/$Bad{garbage}", join '', map { chr int rand 256 } 1 .. 4096);
    my $copy = $good && -s $good ? slurp($good) : 'x' x 1000;
    spew("$dir/$Bad{truncated}", substr($copy, 0, int(length($copy) / 2)));
    spew("$dir/$Bad{empty}", '');
    spew("$dir/$Bad{foreign}", "not a capture\n");
};

sub t_persist_corrupt {
    my $t = 'restart (3/3)';
    my $heap = $Persist{heap};
    return Test::More::fail("$t: no captures from the block before") unless $heap;
    reset_upstream();

    # the loader ran before the workers started; the manager ticks every
    # second: each bad file is mentioned, once
    Time::HiRes::sleep(1.5);
    for my $what (sort keys %Bad) {
        my $name = $Bad{$what};
        my @l = error_lines(qr/\Q$name\E/);
        if ($what eq 'foreign') {
            Test::More::ok(@l <= 1, "$t: the foreign file $name - logged at most once")
                or Test::More::diag(join "\n", @l);
        } else {
            Test::More::is(scalar @l, 1, "$t: the $what file $name - logged once")
                or Test::More::diag(join "\n", @l);
        }
    }

    my $raw = get("/debug/pprof/heap?capture=$heap&format=raw");
    is_capture($raw, 200, 'HIT', "$t: the good capture is still served");
    Test::More::is($raw->{md5}, $Persist{heap_md5}, "$t: the good capture - its bytes");
    for my $what (qw(garbage truncated empty)) {
        my $r = get("/debug/pprof/heap?capture=$Bad{$what}&format=raw");
        Test::More::is($r->{status}, 404, "$t: the $what file's ID - 404");
        my $top = get("/debug/pprof/heap?capture=$Bad{$what}&format=top");
        Test::More::is($top->{status}, 404, "$t: the $what file's ID, a view - 404");
    }
    my $hist = get('/debug/pprof/?view=history', $Html);
    Test::More::is($hist->{status}, 200, "$t: history - 200");
    my @listed = grep { $hist->{body} =~ /\Q$Bad{$_}\E/ } qw(garbage truncated empty);
    Test::More::ok($hist->{body} =~ /\Q$heap\E/ && !@listed,
                   "$t: history lists the good capture, not the bad files")
        or Test::More::diag("listed: @listed");
    my $new = get('/debug/pprof/allocs');
    is_capture($new, 200, 'MISS', "$t: a new capture next to the bad files");
    Test::More::is(count(''), 1, "$t: one upstream request");
}

sub t_max_size {
    my $t = 'max_size';
    my $dir = $ENV{TEST_NGINX_CACHE_DIR};
    reset_upstream();
    my @ids;
    for my $name (qw(heap goroutine allocs)) {
        my $r = get("/debug/pprof/$name");
        is_capture($r, 200, 'MISS', "$t: $name");
        push @ids, $r->{id} // 'none';
        Time::HiRes::sleep(0.3);
    }
    my ($old1, $old2, $new) = @ids;
    Test::More::ok(wait_until(4, sub { my @f = cache_files($dir); @f == 1 && $f[0] eq $new }),
                   "$t: only the newest capture's file is left")
        or Test::More::diag(join ' ', cache_files($dir));
    for my $x ([$old1, 'heap'], [$old2, 'goroutine']) {
        my $r = get("/debug/pprof/$x->[1]?capture=$x->[0]");
        Test::More::is($r->{status}, 404, "$t: the evicted $x->[1] capture - 404");
    }
    my $n = get("/debug/pprof/allocs?capture=$new&format=top");
    is_capture($n, 200, 'HIT', "$t: the newest capture - HIT");
    my $h = get('/debug/pprof/heap');
    is_capture($h, 200, 'MISS', "$t: bare heap, its capture evicted - a MISS");
}

sub t_inactive {
    my $t = 'inactive';
    my $dir = $ENV{TEST_NGINX_CACHE_DIR};
    reset_upstream();
    my $a = get('/debug/pprof/heap');
    is_capture($a, 200, 'MISS', "$t: heap") or return;
    my $b = get('/debug/pprof/goroutine');
    is_capture($b, 200, 'MISS', "$t: goroutine");
    my ($ida, $idb) = ($a->{id}, $b->{id} // 'none');
    my $t0 = Time::HiRes::time();
    Test::More::ok(wait_until(2, sub { my %f = map { $_ => 1 } cache_files($dir); $f{$ida} && $f{$idb} }),
                   "$t: both files are there");

    # goroutine's capture is used all the time, heap's never: only heap's goes
    my $gone = wait_until(8, sub {
        get("/debug/pprof/goroutine?capture=$idb&format=top");
        !grep { $_ eq $ida } cache_files($dir);
    });
    my $after = Time::HiRes::time() - $t0;
    Test::More::ok($gone, sprintf("%s: the unused capture's file is removed (after %.1fs)", $t, $after));
    # (in whole seconds, 2s may be 1.1s of real time)
    Test::More::ok($after >= 1.0, sprintf("%s: ... not long before inactive=2s (%.1fs)", $t, $after));
    my $r = get("/debug/pprof/heap?capture=$ida");
    Test::More::is($r->{status}, 404, "$t: the removed capture - 404");
    Test::More::ok((grep { $_ eq $idb } cache_files($dir)), "$t: the used capture's file stays");
    my $u = get("/debug/pprof/goroutine?capture=$idb&format=top");
    is_capture($u, 200, 'HIT', "$t: the used capture - HIT");
}

sub t_unwritable {
    my $t = 'unwritable';
    my $dir = $ENV{TEST_NGINX_CACHE_DIR};
    # nginx made the directory at start: now a regular file stands in its
    # place, so nothing can be written under it (even by root)
    remove_tree($dir);
    spew($dir, "a file, not a directory\n");
    reset_upstream();

    my $r = get('/debug/pprof/heap');
    Test::More::is($r->{status}, 200, "$t: the capture is served");
    Test::More::like($r->{cache} // '', qr/\A(?:MISS|BYPASS)\z/, "$t: X-Pprof-Cache MISS");
    Test::More::like($r->{body}, qr/\A\x1f\x8b/, "$t: the profile");
    my $top = get('/debug/pprof/heap?format=top');
    Test::More::is($top->{status}, 200, "$t: a view - 200");
    Test::More::like($top->{body}, qr/Type: inuse_space/, "$t: a view - the top table");
    Test::More::isnt($top->{cache} // '', 'HIT', "$t: a view - not a HIT (nothing was stored)");
    Test::More::is(count('path=/debug/pprof/heap'), 2, "$t: nothing stored: two upstream requests");
    if (defined $r->{id}) {
        my $by = get("/debug/pprof/heap?capture=$r->{id}");
        Test::More::is($by->{status}, 404, "$t: its ID - 404");
    }
    my @why = error_lines(qr/pprof:.*Not a directory/);
    Test::More::ok(@why >= 1, "$t: the error log says why it was not stored")
        or Test::More::diag(error_log_since(0));
    Test::More::ok(-f $dir, "$t: (the file is still a file)");
}

our $Bound = 0.1;    # seconds: a trivial request while a big profile renders

sub t_event_loop {
    my ($t, $pool) = @_;
    my $port = server_port_for_client();
    my $ping = "GET /ping HTTP/1.0\r\nHost: localhost\r\n\r\n";
    my @ids;
    # the first request captures (MISS), the second renders the stored file
    for my $i (0, 1) {
        my $q = $i ? "capture=" . ($ids[0] // 'none') . "&view=flame" : "view=flame";
        my ($long, $lat) = probe_during($port,
            "GET /big/heap?$q HTTP/1.0\r\nHost: localhost\r\n$Html\r\n",
            $ping, 0.01, 30);
        my $what = $i ? 'the stored capture' : 'a new capture';
        Test::More::is($long->{status}, 200, "$t: flame graph of $what - 200")
            or Test::More::diag(substr($long->{body}, 0, 300));
        Test::More::like($long->{body}, qr/<!DOCTYPE html>/i, "$t: flame graph of $what - a page");
        push @ids, header_value($long->{head}, 'X-Pprof-Capture');
        my $max = 0;
        $max = $_ > $max ? $_ : $max for @$lat;
        Test::More::ok(@$lat >= ($pool ? 3 : 1),
                       "$t: $what - /ping answered " . scalar(@$lat) . " times meanwhile");
        Test::More::ok(($long->{done} // 0) > $Bound,
                       sprintf("%s: flame graph of %s takes longer than %.0f ms (%.0f ms)",
                               $t, $what, 1000 * $Bound, 1000 * ($long->{done} // 0)));
        if ($pool) {
            # a blocked loop holds /ping about as long as the render: the
            # bound grows with the render's time on a loaded machine, and
            # stays well under it
            my $bound = ($long->{done} // 0) / 3;
            $bound = $Bound if $bound < $Bound;
            Test::More::ok($max < $bound,
                           sprintf("%s: %s - /ping within %.0f ms while it renders for %.0f ms (max %.1f ms)",
                                   $t, $what, 1000 * $bound, 1000 * ($long->{done} // 0), 1000 * $max));
        } else {
            Test::More::ok($max > $Bound,
                           sprintf("%s: %s - /ping waits more than %.0f ms while it renders on the worker (max %.1f ms)",
                                   $t, $what, 1000 * $Bound, 1000 * $max));
        }
    }
    Test::More::like($ids[1] // '', $IdRe, "$t: the second one was from the store");
}

sub t_same_bodies {
    my $t = 'thread pool on and off';
    for my $args ('format=top', 'format=json', 'format=collapsed',
                  'format=top&sort=cum&nodecount=7') {
        my $on = get("/on/heap?$args");
        my $off = get("/off/heap?$args");
        Test::More::is($on->{status}, 200, "$t: $args, thread pool - 200");
        Test::More::is($off->{status}, 200, "$t: $args, off - 200");
        Test::More::ok(length $on->{body} > 0 && $on->{body} eq $off->{body},
                       "$t: $args - the same body on and off")
            or Test::More::diag(substr($on->{body}, 0, 200) . "\n---\n" . substr($off->{body}, 0, 200));
        my $m = get("/offc/heap?$args&refresh=1");
        Test::More::is($m->{body}, $on->{body}, "$t: $args, off, stored - the same body");
        my $h = get("/offc/heap?$args");
        Test::More::is($h->{cache}, 'HIT', "$t: $args, off, stored - HIT");
        Test::More::is($h->{body}, $on->{body}, "$t: $args, off, from the store - the same body");
        my $hc = get("/onc/heap?capture=" . ($h->{id} // 'none') . "&$args");
        Test::More::is($hc->{body}, $on->{body}, "$t: $args, thread pool, from the store - the same body")
            if defined $hc->{cache} && $hc->{cache} eq 'HIT';
    }
    my $raw = get('/offc/heap?format=raw');
    Test::More::is($raw->{md5}, md5_hex(slurp($ENV{TEST_NGINX_SMALL_PROFILE})),
                   "$t: format=raw of a stored capture - the file the APIServer sent");
}

run_tests();

__DATA__

=== TEST 1: pprof_cache off (the default): no X-Pprof headers, every request reaches the APIServer
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/heap",
 "GET /debug/pprof/heap",
 "GET /debug/pprof/heap?format=top",
 "GET /debug/pprof/profile?seconds=1",
 "GET /ctl/count"]
--- response_body_filters eval
\&::gz
--- error_code eval
[200, 200, 200, 200, 200, 200]
--- response_headers eval
["",
 "!X-Pprof-Cache\n!X-Pprof-Capture\nContent-Type: application/octet-stream",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 ""]
--- response_body_like eval
["\\Aok\\n\\z", "\\AGZIP\\n\\z", "\\AGZIP\\n\\z", "Type: inuse_space", "\\AGZIP\\n\\z", "\\A4\\n\\z"]
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 2: MISS then HIT; view arguments share the capture, capture arguments (gc, debug, seconds) do not; the variables
--- init
::t_miss_hit()
--- request
GET /debug/pprof/heap?format=top
--- response_headers
X-Pprof-Cache: HIT
--- response_body_like: Type: inuse_space
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 3: never cached: the index, cmdline, symbol
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/",
 "GET /debug/pprof/",
 "GET /debug/pprof/cmdline",
 "GET /debug/pprof/cmdline",
 "GET /debug/pprof/symbol",
 "POST /debug/pprof/symbol\n0x401000",
 "GET /ctl/count"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200]
--- response_headers eval
["",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 "!X-Pprof-Cache\n!X-Pprof-Capture",
 ""]
--- response_body_like eval
["\\Aok\\n\\z", "/debug/pprof/", "/debug/pprof/", "fake-apiserver", "fake-apiserver",
 "\\Anum_symbols: ", "\\Anum_symbols: ", "\\A6\\n\\z"]
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 4: capture=ID serves that capture, raw byte for byte and every view, without the APIServer; refresh=1 is BYPASS
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
--- init
::t_capture_id()
--- request
GET /ctl/count
--- response_body
2
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 5: capture=ID unknown or of another profile: 404 with a way to capture anew; malformed: 400
--- init
::t_capture_gone()
--- request
GET /debug/pprof/heap?capture=0123456789abcdef
--- error_code: 404
--- response_body_like: 0123456789abcdef



=== TEST 6: pprof_cache_valid 2s: EXPIRED after it, then HIT; the old capture still served by ID
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
        pprof_cache_valid 2s;
    }
--- init
::t_valid()
--- request
GET /ctl/count
--- response_body
2
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 7: failures are not stored: 403, connection refused, 401 (then the token fixed: a MISS)
--- config
    location /forbidden/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/forbidden/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
    location /dead/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_DEAD_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
    location /token/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_HTML_DIR/token;
        pprof_cache pprof;
    }
--- user_files
>>> token
not-the-token
--- init
::t_failures()
--- request
GET /token/heap?format=top
--- response_headers
X-Pprof-Cache: HIT
--- response_body_like: Type: inuse_space



=== TEST 8: collapsing: 20 concurrent profile?seconds=2, one upstream request, one capture
--- init
::t_collapse_cpu()
--- request
GET /debug/pprof/profile?seconds=2&format=top
--- response_headers
X-Pprof-Cache: HIT
--- response_body_like: Type: (?:cpu|samples)
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 9: collapsing: 10 concurrent heap?seconds=1 from a slow APIServer, the others UPDATING
--- config
    location /slow/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/slow/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
--- init
::t_collapse_slow()
--- request
GET /ctl/count
--- response_body
1
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 10: history: the location's captures newest first, with links to views, raw and a diff
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
    location /other/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/slow/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
--- init
::t_history()
--- request
GET /debug/pprof/?view=history
--- more_headers
Accept: text/html
--- response_headers_like
Content-Type: text/html.*
--- response_body_like: (?s)heap\?[^"]*capture=[0-9a-f]{16}
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 11: captures survive nginx -s reload
--- init
::t_reload()
--- request
GET /debug/pprof/heap?format=top
--- response_headers
X-Pprof-Cache: HIT
--- response_body_like: Type: inuse_space
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 12: restart (1/3): captures stored in a directory that outlives the block
--- http_config
    pprof_cache_path $TEST_NGINX_PERSIST_DIR keys_zone=persist:1m;
--- config eval: $::PersistLocation
--- init
::t_persist_store()
--- request
GET /ctl/count
--- response_body
2
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 13: restart (2/3): a new nginx serves and lists them, the APIServer untouched
--- http_config
    pprof_cache_path $TEST_NGINX_PERSIST_DIR keys_zone=persist:1m;
--- config eval: $::PersistLocation
--- init
::t_persist_load()
--- request
GET /ctl/count
--- response_body
0
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 14: restart (3/3): garbage, a truncated copy, an empty file and a README in the directory: logged once each, 404, the rest works
--- http_config
    pprof_cache_path $TEST_NGINX_PERSIST_DIR keys_zone=persist:1m;
--- config eval: $::PersistLocation
--- init
::t_persist_corrupt()
--- request
GET /ctl/count
--- response_body
1



=== TEST 15: max_size: only the newest capture survives, on disk and in the index
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m max_size=1;
--- init
::t_max_size()
--- request
GET /ctl/count
--- response_body
4



=== TEST 16: inactive=2s: a capture not used is removed, one in use stays
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m inactive=2s;
--- init
::t_inactive()
--- request
GET /ctl/count
--- response_body
2
--- no_error_log
[alert]
exited on signal



=== TEST 17: a cache directory that cannot be written: the capture is served, not stored, and the log says why
--- init
::t_unwritable()
--- request
GET /ctl/count
--- response_body
2



=== TEST 18: the thread pool: /ping answers at once while a big profile's flame graph renders
--- http_config eval
$::FileServer . <<'_EOC_';
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:16m;
_EOC_
--- config
    location = /ping { return 200 "ok\n"; }
    location /big/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_RAND_PORT_1/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
        pprof_thread_pool default;
    }
--- init
::t_event_loop('thread pool', 1)
--- request
GET /ping
--- response_body
ok
--- timeout: 30



=== TEST 19: pprof_thread_pool off: /ping waits while the flame graph renders on the worker (the bound can fail)
--- http_config eval
$::FileServer . <<'_EOC_';
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:16m;
_EOC_
--- config
    location = /ping { return 200 "ok\n"; }
    location /big/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_RAND_PORT_1/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
        pprof_thread_pool off;
    }
--- init
::t_event_loop('thread pool off', 0)
--- request
GET /ping
--- response_body
ok
--- timeout: 30



=== TEST 20: thread pool on and off: the same bodies, captured and from the store
--- http_config eval
$::FileServer . <<'_EOC_';
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
_EOC_
--- config
    location /on/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_RAND_PORT_1/small/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
    location /off/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_RAND_PORT_1/small/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_thread_pool off;
    }
    location /offc/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_RAND_PORT_1/small/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
        pprof_thread_pool off;
    }
    location /onc/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_RAND_PORT_1/small/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
--- init
::t_same_bodies()
--- request
GET /off/heap?format=top
--- response_body_like: Showing nodes accounting for
--- no_error_log
[alert]
[error]
exited on signal
