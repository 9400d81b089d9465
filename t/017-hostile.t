use Test::Nginx::Socket 'no_plan';
use PprofGateway;

# Hostile clients, hostile upstreams, hostile token files.  What t/002
# (dot segments, encoded slashes, methods), t/003 (arguments) and t/004
# (token files) prove is not repeated; this suite adds what they leave:
# NUL, CRLF, absolute URIs, HTTP/1.0, pipelining, overlong requests, a
# pprof_pass at the root where the APIServer's secret path is one segment
# away, bodies that never end or trickle or lie about their length,
# crafted profiles, and token files going bad while a good token is held.
# After every block the worker that served it is still the same process
# and no "exited on signal" was logged.

# TEST 3 has a "location /" of its own
no_root_location();
keep_error_logs();
# a master and its worker: a crash would show as a new worker pid and an
# "exited on signal" alert
master_on();

# raw requests over one connection each, every answer 400/404 (or the
# status given), and afterwards nothing reached the APIServer
sub raw_cases {
    my ($block, @cases) = @_;
    my $name = $block->name;
    for my $c (@cases) {
        my ($what, $req, $want) = @$c;
        $want ||= qr/\A(?:400|404)\z/;
        my ($status, $head, $body) = http_req(main::server_port_for_client(), $req, 5);
        Test::More::like($status, $want, "$name - $what: $status")
            or Test::More::diag("$head\n\n$body");
    }
}

# the worker of the block's first request serves its last one too
our %WorkerOf;
sub vmhwm_kb {
    my ($pid) = @_;
    open my $in, '<', "/proc/$pid/status" or return undef;
    while (<$in>) { return $1 if /^VmHWM:\s+(\d+) kB/ }
    return undef;
}

# under valgrind a worker's command line is valgrind's, not "nginx:
# worker process": there the master's children are its workers (no
# suite block here has a cache manager)
sub workers_now {
    return worker_pids() unless $ENV{TEST_NGINX_USE_VALGRIND};
    my $master = master_pid() or return ();
    my @w;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $in, '<', $stat or next;
        my $line = <$in>;
        close $in;
        push @w, $1 if defined $line && $line =~ /^(\d+) \(.*\) \S+ (\d+)/s && $2 == $master;
    }
    return sort { $a <=> $b } @w;
}

$After{''} = sub {
    my ($block, $idx, $last) = @_;
    my $name = $block->name;
    my @w = workers_now();
    $WorkerOf{$name} = "@w" if $idx == 0;
    return unless $last;
    Test::More::ok(@w == 1 && "@w" eq $WorkerOf{$name},
                   "$name - the same worker process throughout ($WorkerOf{$name}, @w)");
    Test::More::unlike(error_log_since(0), qr/exited on signal|\[alert\]/,
                       "$name - no worker died");
};

$After{'requests nginx parses'} = sub {
    my ($block, $idx, $last) = @_;
    return unless $idx == 0;
    my $p = $ENV{TEST_NGINX_APISERVER_PORT};
    my $long = 'a' x 9000;
    raw_cases($block,
        ["raw NUL in the path", "GET /debug/pprof/heap\0/../../api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["raw NUL in the arguments", "GET /debug/pprof/heap?debug=1\0 HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["%00 in the path", "GET /debug/pprof/heap%00/../../../api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["%00 in a name", "GET /debug/pprof/heap%00 HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["raw CR in the arguments", "GET /debug/pprof/heap?debug=1\rHost: evil HTTP/1.1\r\nHost: x\r\n\r\n"],
        # a bare LF ends the line: "GET /debug/pprof/nope?x=1" is an
        # HTTP/0.9 request (answered without a status line), the rest junk
        ["raw LF in the request line", "GET /debug/pprof/nope?x=1\n/api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n",
         qr/\A0\z/],
        ["absolute URI of the secret path",
         "GET https://127.0.0.1:$p/api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["absolute URI with dot segments",
         "GET http://localhost/debug/pprof/../../api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["absolute URI with %2e%2e",
         "GET http://localhost/debug/pprof/%2e%2e/%2e%2e/api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["absolute URI, userinfo",
         "GET http://user\@127.0.0.1:$p/api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"],
        ["authority form", "CONNECT 127.0.0.1:$p HTTP/1.1\r\nHost: 127.0.0.1:$p\r\n\r\n",
         qr/\A(?:400|405)\z/],
        ["asterisk form", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", qr/\A(?:400|405)\z/],
        ["HTTP/1.0 without Host, dot segments",
         "GET /debug/pprof/../../api/v1/secrets HTTP/1.0\r\n\r\n"],
        ["HTTP/1.0, //", "GET /debug/pprof//..//..//api/v1/secrets HTTP/1.0\r\n\r\n"],
        ["HTTP/1.0, encoded slash", "GET /debug/pprof/..%2f..%2fapi%2fv1%2fsecrets HTTP/1.0\r\n\r\n"],
        ["HTTP/2.0 request line", "GET /debug/pprof/heap HTTP/2.0\r\nHost: x\r\n\r\n",
         qr/\A(?:400|505)\z/],
        ["an overlong path", "GET /debug/pprof/$long HTTP/1.1\r\nHost: x\r\n\r\n",
         qr/\A(?:400|404|414)\z/],
        ["an overlong argument", "GET /debug/pprof/heap?format=top&focus=$long HTTP/1.1\r\nHost: x\r\n\r\n",
         qr/\A(?:400|414)\z/],
        ["Content-Length with chunked",
         "GET /debug/pprof/heap HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         qr/\A400\z/],
        ["two Host headers", "GET /debug/pprof/heap HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", qr/\A400\z/],
    );
};

# several requests in one write: each is answered on its own, only the
# good one goes upstream, and a request hidden in a GET's body is a body
$After{'pipelined'} = sub {
    my ($block, $idx) = @_;
    return unless $idx == 0;
    my $name = $block->name;
    my $hidden = "GET /debug/pprof/../../api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n";
    my $req = "GET /debug/pprof/cmdline HTTP/1.1\r\nHost: x\r\n\r\n"
            . "GET /debug/pprof/../../api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"
            . "GET /debug/pprof/%2e%2e/%2e%2e/api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n"
            . "GET /debug/pprof/cmdline HTTP/1.1\r\nHost: x\r\nContent-Length: "
            . length($hidden) . "\r\n\r\n$hidden"
            . "GET /debug/pprof/secrets?x=%0d%0a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    my (undef, $head, $body) = http_req(main::server_port_for_client(), $req, 10);
    my $raw = "$head\r\n\r\n$body";
    my @st;
    # responses one after the other: Content-Length or chunked framing
    while ($raw =~ s{\AHTTP/1\.1 (\d{3})[^\r\n]*\r\n(.*?)\r\n\r\n}{}s) {
        push @st, $1;
        my $h = $2;
        if ($h =~ /^Content-Length: (\d+)/mi) {
            substr($raw, 0, $1, '');
        } elsif ($h =~ /^Transfer-Encoding: chunked/mi) {
            while ($raw =~ s/\A([0-9a-f]+)\r\n//i) {
                my $n = hex $1;
                substr($raw, 0, $n + 2, '');
                last if $n == 0;
            }
        }
    }
    Test::More::is("@st", "200 404 404 200 404", "$name - five answers, in order");
};

# a 64 MiB stream that never ends: the worker's peak memory stays far
# below it, and nginx reads no more than pprof_max_size and its buffers
$After{'never ends: a view'} = sub {
    my ($block, $idx, $last) = @_;
    return unless $last;
    my $name = $block->name;
    my $log = server_root() . '/logs/upstream-bytes.log';
    my @bytes;
    wait_until(3, sub { @bytes = (-s $log) ? split(/\n/, slurp($log)) : (); @bytes == 3 });
    Test::More::ok(@bytes == 3 && !grep({ !/^\d+$/ || $_ > 8 * 1024 * 1024 } @bytes),
                   "$name - at most 8 MiB read of each endless body (@bytes)");
    SKIP: {
        Test::More::skip("$name - worker memory: not under valgrind", 1)
            if $ENV{TEST_NGINX_USE_VALGRIND};
        my ($w) = workers_now();
        my $hwm = $w ? vmhwm_kb($w) : undef;
        Test::More::ok(defined $hwm && $hwm < 64 * 1024,
                       "$name - the worker's peak RSS stays under 64 MiB ("
                       . ($hwm // '?') . " kB)");
    }
};

# raw: the client reads 2 MiB of the endless body and hangs up; the
# APIServer's request ends too (nginx stops reading it)
# the trickle's deadline; under valgrind (and a busy machine) nginx can
# miss a byte's second by more than the read timeout: a 504 either way
our $TrickleReason = qr{the APIServer did not send the whole response within pprof_connect_timeout \+ pprof_read_timeout \(4000ms\)};
$TrickleReason = qr{the APIServer did not (?:send the whole response within pprof_connect_timeout \+ pprof_read_timeout \(4000ms\)|answer within pprof_read_timeout \(3000ms\))}
    if $ENV{TEST_NGINX_USE_VALGRIND};

# the trickle's request at the APIServer ended with the 504
$After{'trickles'} = sub {
    my ($block, $idx, $last) = @_;
    return unless $last;
    Test::More::ok(wait_until(3, sub { ctl('/inflight?prefix=/faults/trickle/') eq "0\n" }),
                   $block->name . " - the APIServer's trickling request ended");
};

$After{'never ends, raw'} = sub {
    my ($block, $idx) = @_;
    return unless $idx == 0;
    my $name = $block->name;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => main::server_port_for_client(),
                                  Proto => 'tcp', Timeout => 5)
        or die "connect: $!\n";
    syswrite $s, "GET /debug/pprof/heap HTTP/1.1\r\nHost: x\r\n\r\n";
    my ($got, $head) = (0, '');
    my $sel = IO::Select->new($s);
    while ($got < 2 * 1024 * 1024 && $sel->can_read(5)) {
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $head .= $buf if length $head < 256;
        $got += $n;
    }
    close $s;
    Test::More::ok($head =~ m{\AHTTP/1\.1 200 } && $got >= 2 * 1024 * 1024,
                   "$name - 2 MiB streamed ($got bytes)");
    Test::More::ok(wait_until(5, sub { ctl('/inflight?prefix=/faults/endless/') eq "0\n" }),
                   "$name - the APIServer's request ended within 5 s of the client leaving");
};

# Token files.  An unreadable file: with the workers running as root (the
# test runner's default when run as root) a mode of 000 does not stop a
# read, so a directory stands for it; otherwise a mode-000 file is used.
my $RunDir = $ENV{TEST_NGINX_RUN_DIR};
mkdir "$RunDir/dir-token";
{
    open my $f, '>', "$RunDir/mode000-token" or die;
    print $f "$Token\n";
    close $f;
    chmod 0000, "$RunDir/mode000-token";
}
$ENV{TEST_NGINX_UNREADABLE_TOKEN} = $> == 0 ? "$RunDir/dir-token" : "$RunDir/mode000-token";

# the gateway's token file goes bad in turn (a wrong token, empty,
# oversized, unreadable, gone) and good again between them; each time
# the gateway's notice of the change is waited for, then a request shows
# what the APIServer got: never the old, good token
our $Replaced = "$RunDir/replaced-token";
our @Replacements = (
    ['a wrong token', sub { spew($Replaced, "not-the-token-0123456789\n") },
     qr/pprof: token file "\Q$Replaced\E" changed/],
    ['an empty file', sub { spew($Replaced, "") },
     qr/pprof: token file "\Q$Replaced\E" is empty: requests will be refused/],
    ['an oversized file', sub { spew($Replaced, "a" x 20000) },
     qr/pprof: token file "\Q$Replaced\E" is too large: requests will be refused/],
    ['an unreadable file', sub {
         # a directory swapped in at once, as a kubelet swaps a symlink
         if ($> == 0) {
             unlink "$Replaced.tmp";
             symlink "$RunDir/dir-token", "$Replaced.tmp" or die "symlink: $!";
             rename "$Replaced.tmp", $Replaced or die "rename: $!";
         }
         else { spew($Replaced, "$Token\n"); chmod 0000, $Replaced }
     }, $> == 0 ? qr/pprof: token file "\Q$Replaced\E" is not a regular file/
                : qr/pprof: token file "\Q$Replaced\E" cannot be opened: .*\(13: /],
    ['no file', sub { unlink $Replaced },
     qr/pprof: token file "\Q$Replaced\E" cannot be opened: .*\(2: /],
);

sub restore_replaced {
    unlink $Replaced if -l $Replaced;
    rmdir $Replaced if -d $Replaced;
    spew($Replaced, "$Token\n");
}
restore_replaced();

$After{'replaced'} = sub {
    my ($block, $idx, $last) = @_;
    my $name = $block->name;
    if ($last) {
        # each problem went to the error log once, not on every check
        my $log = error_log_since(0);
        for my $r (@Replacements[1 .. $#Replacements]) {
            my $n = () = $log =~ /$r->[2]/g;
            Test::More::is($n, 1, "$name - $r->[0]: logged once");
        }
        return;
    }
    return if $idx == 0;
    # odd requests had the good token: spoil it; even ones: restore it
    my $pos = error_log_size();
    my ($what, $how, $seen);
    if ($idx % 2) {
        ($what, $how, $seen) = @{$Replacements[($idx - 1) / 2]};
    } else {
        ($what, $how, $seen) = ('the good token again', \&restore_replaced,
                                qr/pprof: token file "\Q$Replaced\E" (?:read|changed)/);
    }
    $how->();
    Test::More::ok(wait_until(3, sub { error_log_since($pos) =~ $seen }),
                   "$name - $what: noticed within 3 s");
};
add_cleanup_handler(\&restore_replaced);

# one [error] line for each refused request, and nothing reached the
# APIServer
our $UnreadablePos;
$After{'unreadable token'} = sub {
    my ($block, $idx, $last) = @_;
    my $name = $block->name;
    if ($idx == 0) { $UnreadablePos = error_log_size(); return }
    my $log = error_log_since($UnreadablePos);
    $UnreadablePos = error_log_size();
    my @err = $log =~ /^.*\[error\].*$/mg;
    Test::More::ok(@err == 1 && $err[0] =~ /pprof: no ServiceAccount token: the token file "[^"]+" is missing, empty or invalid/,
                   "$name - request $idx: one error line") or Test::More::diag($log);
    Test::More::is(ctl('/count'), "0\n", "$name - request $idx: nothing sent") if $last;
};

run_tests();

__DATA__

=== TEST 1: requests nginx parses: NUL, CR, LF, absolute URIs, HTTP/1.0, overlong; nothing upstream
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /ctl/count", "GET /ctl/count?prefix=/api/"]
--- response_body eval
["ok\n", "0\n", "0\n"]
--- no_error_log
[alert]
[crit]



=== TEST 2: pipelined requests are answered one by one; only the good ones go upstream
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /ctl/requests", "GET /ctl/count?prefix=/api/"]
--- response_body eval
["ok\n", "GET /debug/pprof/cmdline auth=valid\nGET /debug/pprof/cmdline auth=valid\n", "0\n"]
--- no_error_log
[alert]
[crit]



=== TEST 3: pprof_pass at the root: the secret path is asked for by name, encoded, and around
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location / {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/debug/pprof/;
    }
--- request eval
["GET /ctl/reset",
 "GET /api/v1/secrets",
 "GET /%61pi/v1/secrets",
 "GET /api%2fv1%2fsecrets",
 "GET /../api/v1/secrets",
 "GET /%2e%2e/api/v1/secrets",
 "GET /heap/../../api/v1/secrets",
 "GET //api/v1/secrets",
 "GET ///api//v1//secrets",
 "GET /./api/./v1/secrets",
 "GET /..%2f..%2fapi/v1/secrets",
 "GET /%252e%252e%252fapi/v1/secrets",
 "GET /heap%00",
 "GET /heap%0d%0aX:%201",
 "GET /heap%20HTTP/1.1%0d%0aHost:%20x%0d%0a%0d%0aGET%20/api/v1/secrets",
 "GET /heap\\..\\..\\api\\v1\\secrets",
 "GET /heap%5c..%5c..%5capi",
 "GET /secrets",
 "GET /Heap",
 "GET /heap.",
 "GET /heap~",
 "GET /\xc0\xae\xc0\xae/api/v1/secrets",
 "GET /%c0%ae%c0%ae/api/v1/secrets",
 "GET /ctl/count",
 "GET /ctl/count?prefix=/api/"]
--- error_code_like eval
["^200\$", ("^(?:400|404)\$") x 22, "^200\$", "^200\$"]
--- response_body_like eval
["\\Aok\\n\\z", (".*") x 22, "\\A0\\n\\z", "\\A0\\n\\z"]
--- no_error_log
[alert]
[crit]



=== TEST 4: CRLF, NUL and junk in every argument: 400 naming it, nothing upstream
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/profile?seconds=5%0d%0aHost:%20evil",
 "GET /debug/pprof/profile?seconds=5%00",
 "GET /debug/pprof/profile?seconds=+5",
 "GET /debug/pprof/profile?seconds=%205",
 "GET /debug/pprof/profile?seconds=0x10",
 "GET /debug/pprof/profile?seconds=5s",
 "GET /debug/pprof/profile?seconds=%d9%a5",
 "GET /debug/pprof/profile?seconds=1/../../api",
 "GET /debug/pprof/trace?seconds=1..5",
 "GET /debug/pprof/trace?seconds=1.5.5",
 "GET /debug/pprof/trace?seconds=1e1",
 "GET /debug/pprof/trace?seconds=-0.5",
 "GET /debug/pprof/trace?seconds=00000000000000001",
 "GET /debug/pprof/heap?debug=1%0d%0aX:%201",
 "GET /debug/pprof/heap?debug=%00",
 "GET /debug/pprof/heap?gc=1%0a",
 "GET /debug/pprof/heap?format=top%0d%0a",
 "GET /debug/pprof/heap?format=../../api",
 "GET /debug/pprof/heap?view=flame%00",
 "GET /debug/pprof/heap?format=top&sort=cum%0d",
 "GET /debug/pprof/heap?format=top&nodecount=1%0d%0a",
 "GET /debug/pprof/heap?format=top&focus=a%0d%0ab",
 "GET /debug/pprof/heap?format=top&ignore=%00",
 "GET /debug/pprof/heap?format=top&sample=%1b[31m",
 "GET /debug/pprof/heap?format=top&search=%7f",
 "GET /debug/pprof/heap?format=top&zoom=a%0ab",
 "GET /debug/pprof/heap?format=top&focus=" . ("%41" x 1025),
 "GET /debug/pprof/heap?format=top&focus=%zz",
 "GET /debug/pprof/heap?format=top&focus=100%",
 "GET /debug/pprof/heap?format=top&search=%4",
 "GET /debug/pprof/heap?refresh=1%0d%0a",
 "GET /debug/pprof/heap?capture=../../api/v1/secrets",
 "GET /ctl/count"]
--- error_code eval
[200, (400) x 32, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 ("\\A\"seconds\" must be a positive number") x 13,
 ("\\A\"debug\" must be 0, 1 or 2\\n\\z") x 2,
 "\\A\"gc\" must be 0 or 1\\n\\z",
 ("\\A\"format\" must be ") x 2,
 "view(?:\"|&quot;) must be ",
 "\\A\"sort\" must be ",
 "\\A\"nodecount\" must be ",
 ("\\Aan argument is longer than 1024 bytes, holds a control character or a malformed %-escape\\n\\z") x 9,
 "\\A\"refresh\" must be 0 or 1\\n\\z",
 "\\A\"capture\" must be the ID",
 "\\A0\\n\\z"]
--- no_error_log
[alert]
[crit]



=== TEST 5: a body that never ends: a view stops at pprof_max_size, 502, the rest unread, memory bounded
--- http_config
    log_format upstream_bytes "$upstream_bytes_received";
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        access_log logs/upstream-bytes.log upstream_bytes;
        pprof_max_size 1m;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/endless/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/heap?format=top", "GET /debug/pprof/goroutine?view=goroutines", "GET /debug/pprof/heap?view=flame"]
--- timeout: 10
--- error_code eval
[502, 502, 502]
--- response_body_like eval
["\\Athe profile is larger than pprof_max_size \\(1048576\\); download it with \\?format=raw\\n\\z",
 "the profile is larger than pprof_max_size", "the profile is larger than pprof_max_size"]
--- error_log
pprof: the profile is larger than pprof_max_size (1048576)



=== TEST 6: a body that never ends, raw: it streams while the client reads, and ends when the client leaves
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_max_size 1m;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/endless/debug/pprof/;
    }
--- request eval
["GET /ctl/reset", "GET /ctl/count?prefix=/faults/endless/"]
--- response_body eval
["ok\n", "1\n"]



=== TEST 7: a body that trickles a byte a second: a view is a 504 when the time is up, not when the body ends
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_connect_timeout 1s;
        pprof_read_timeout 3s;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/trickle/debug/pprof/;
    }
--- request
GET /debug/pprof/heap?format=top
--- timeout: 8
--- error_code: 504
--- response_body_like eval
qr{\A$::TrickleReason\n\z}
--- error_log eval
$::TrickleReason



=== TEST 8: Content-Length larger than the body, connection held open: a view is a 504, raw a truncated download
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_read_timeout 1s;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/shortbody/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/heap?format=top", "GET /debug/pprof/heap"]
--- timeout: 5
--- error_code eval
[504, 200]
--- response_body_like eval
["\\Athe APIServer did not answer within pprof_read_timeout \\(1000ms\\)\\n\\z", ".*"]
--- error_log
pprof: the APIServer did not answer within pprof_read_timeout (1000ms)



=== TEST 9: a gzip member followed by garbage: a view is a 502, not a profile
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/gzipjunk/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/heap?format=top", "GET /debug/pprof/heap?view=flame"]
--- error_code eval
[502, 502]
--- response_body_like eval
["\\Athe APIServer sent something that is not a profile: decompressing profile: garbage after gzip data\\n\\z",
 "not a profile: decompressing profile: garbage after gzip data"]
--- error_log
pprof: the APIServer sent something that is not a profile: decompressing profile: garbage after gzip data



=== TEST 10: crafted profiles: out-of-range indexes, a length of 2^40: 502 naming the fault
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /badindex/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/badindex/debug/pprof/;
    }
    location /hugelength/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/hugelength/debug/pprof/;
    }
--- request eval
["GET /badindex/heap?format=top", "GET /hugelength/heap?format=top", "GET /badindex/heap?view=flame&format=html", "GET /hugelength/heap?view=flame"]
--- error_code eval
[502, 502, 502, 502]
--- response_body_like eval
["\\Athe APIServer sent something that is not a profile: malformed profile: bad sample type\\n\\z",
 "\\Athe APIServer sent something that is not a profile: malformed profile: malformed sample\\n\\z",
 "malformed profile: bad sample type", "malformed profile: malformed sample"]
--- error_log eval
qr{\[error\] .*pprof: the APIServer sent something that is not a profile: malformed profile: (?:bad sample type|malformed sample)}



=== TEST 11: huge counts: two samples of 2^63-1 wrap as in go tool pprof, and the page is drawn
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/hugevalues/debug/pprof/;
    }
--- request eval
["GET /debug/pprof/heap?format=top", "GET /debug/pprof/heap?view=flame"]
--- error_code eval
[200, 200]
--- response_body_like eval
["main\\.crafted", "<b>Total:</b> -2 samples"]
--- no_error_log
[error]



=== TEST 12: an unreadable token file: 502 naming it, one error line per request, nothing sent
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_UNREADABLE_TOKEN;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", "GET /debug/pprof/heap", "GET /debug/pprof/heap?format=top"]
--- error_code eval
[200, 502, 502]
--- response_body eval
["ok\n",
 "no ServiceAccount token: the token file \"$ENV{TEST_NGINX_UNREADABLE_TOKEN}\" is missing, empty or invalid (see the error log)\n",
 "no ServiceAccount token: the token file \"$ENV{TEST_NGINX_UNREADABLE_TOKEN}\" is missing, empty or invalid (see the error log)\n"]
--- no_error_log
[crit]
[alert]



=== TEST 13: a token file replaced by a bad one: the old token is never sent again
--- http_config
    pprof_token_refresh 100ms;
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    location /debug/pprof/ {
        pprof_token_file $TEST_NGINX_RUN_DIR/replaced-token;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request eval
["GET /ctl/reset", ("GET /debug/pprof/cmdline") x 10, "GET /ctl/requests"]
--- error_code eval
[200, (200, 502) x 5, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "fake-apiserver", "\\Athe APIServer rejected the ServiceAccount token",
 ("fake-apiserver", "\\Ano ServiceAccount token: the token file \"[^\"]*replaced-token\" is missing, empty or invalid") x 4,
 "\\AGET /debug/pprof/cmdline auth=valid\\nGET /debug/pprof/cmdline auth=invalid\\n(?:GET /debug/pprof/cmdline auth=valid\\n){4}\\z"]
--- no_error_log
[alert]
