package PprofGateway;

# Shared by the t/0NN-*.t gateway suites: "use PprofGateway;" right after
# "use Test::Nginx::Socket ...;" (t/run.sh puts t/inc on @INC; it holds no
# Test::Nginx, so a real one on PERL5LIB is still the one used).
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

use IO::Select ();
use IO::Socket::INET ();
use Time::HiRes ();

main::no_shuffle();
main::workers(1);
main::log_level('debug');

$ENV{TEST_NGINX_HTML_DIR} ||= main::html_dir();

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
    # under valgrind a first request (a TLS handshake) takes seconds
    my $deadline = Time::HiRes::time()
        + ($timeout || ($ENV{TEST_NGINX_USE_VALGRIND} ? 60 : 10));
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
    return http_req(main::server_port_for_client(),
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
    my $file = main::server_root() . '/logs/error.log';
    open my $in, '<', $file or return '';
    seek $in, $from, 0;
    local $/;
    my $s = <$in>;
    close $in;
    return defined $s ? $s : '';
}

sub error_log_size { -s (main::server_root() . '/logs/error.log') || 0 }

# what nginx wrote to stderr when it started for this block: the
# configuration's warnings go there (the error log is not open yet)
sub nginx_stderr {
    my $f = "$Test::Nginx::Util::LogDir/nginx.stderr";
    return -f $f ? slurp($f) : '';
}

# "nginx -t" on this block's configuration: (exit status, its output)
sub nginx_config_test {
    my $out = `$Test::Nginx::Util::NginxBinary -t -p @{[main::server_root()]}/ -c $Test::Nginx::Util::ConfFile 2>&1`;
    return ($? >> 8, $out);
}

# raw gzip bodies are shown as "GZIP\n" (--- response_body_filters)
sub gz { $_[0] =~ /\A\x1f\x8b/ ? "GZIP\n" : $_[0] }

# code run after a given request of the blocks whose name matches the key:
# $After{'title words'} = sub { my ($block, $req_idx, $last) = @_; ... }
our %After;

main::add_block_preprocessor(sub {
    my $block = shift;
    my $config = $block->config;
    return if !defined $config || defined eval { $block->must_die };
    $block->set_value(config => $config . <<'_EOC_');
    location /ctl/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/;
    }
    location /live/ {
        pprof_allow_unauthenticated on;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_ssl_verify on;
        pprof_ssl_name 127.0.0.1;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
_EOC_
});

main::add_response_body_check(sub {
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

our @EXPORT = qw(slurp spew http_req nginx_get ctl wait_until
                 error_log_since error_log_size nginx_stderr
                 nginx_config_test gz $Token %After);

# ---------------------------------------------------------------------
# Helpers of the capture store suites (t/012-cache.t, t/013-capture-queue.t)

# the value of the first header $name in $head, undef when absent
sub header_value {
    my ($head, $name) = @_;
    return $head =~ /^\Q$name\E:[ \t]*([^\r\n]*?)[ \t]*\r?$/mi ? $1 : undef;
}

# the href="..." values of an HTML page, entities of & decoded
sub hrefs {
    my ($html) = @_;
    my @h = $html =~ /\bhref="([^"]*)"/g;
    s/&amp;|&#38;|&#x26;/&/gi for @h;
    return @h;
}

# Requests over their own connections, in flight together.  $specs: a
# list of { req => "GET ... HTTP/1.0\r\n...\r\n\r\n", at => seconds after
# the start, close_at => seconds after the start (the client goes away
# then, unanswered or not) }.  Returns, in the same order, hashes of
# status, head, body, sent, first (first byte), done (all times relative
# to the start; done undef when the client went away or timed out) and
# closed (1 when close_at hit first).
sub http_parallel {
    my ($port, $specs, $timeout) = @_;
    $timeout ||= 30;
    my $t0 = Time::HiRes::time();
    my @st = map { { spec => $_, state => 'pending', raw => '' } } @$specs;
    my $sel = IO::Select->new;
    my %by_fd;
    while (1) {
        my $now = Time::HiRes::time() - $t0;
        my $next = $timeout;
        for my $s (@st) {
            if ($s->{state} eq 'pending') {
                my $at = $s->{spec}{at} || 0;
                if ($at <= $now) {
                    my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                                  PeerPort => $port,
                                                  Proto => 'tcp', Timeout => 5);
                    if (!$c) {
                        $s->{state} = 'failed';
                        $s->{error} = "connect: $!";
                        next;
                    }
                    syswrite $c, $s->{spec}{req};
                    $s->{sock} = $c;
                    $s->{sent} = Time::HiRes::time() - $t0;
                    $s->{state} = 'sent';
                    $sel->add($c);
                    $by_fd{fileno $c} = $s;
                } else {
                    $next = $at if $at < $next;
                }
            }
            if ($s->{state} eq 'sent' && defined $s->{spec}{close_at}) {
                if ($s->{spec}{close_at} <= $now) {
                    $sel->remove($s->{sock});
                    delete $by_fd{fileno $s->{sock}};
                    close $s->{sock};
                    $s->{state} = 'closed';
                    $s->{closed} = 1;
                } elsif ($s->{spec}{close_at} < $next) {
                    $next = $s->{spec}{close_at};
                }
            }
        }
        last unless grep { $_->{state} eq 'pending' || $_->{state} eq 'sent' } @st;
        last if $now >= $timeout;
        my $wait = $next - $now;
        $wait = $timeout - $now if $timeout - $now < $wait;
        $wait = 0.01 if $wait < 0.01;
        $wait = 0.05 if $wait > 0.05 && grep { $_->{state} eq 'pending' } @st;
        for my $c ($sel->can_read($wait)) {
            my $s = $by_fd{fileno $c} or next;
            my $n = sysread $c, my $buf, 65536;
            my $t = Time::HiRes::time() - $t0;
            if ($n) {
                $s->{first} = $t unless defined $s->{first};
                $s->{raw} .= $buf;
            } else {
                $s->{done} = $t;
                $sel->remove($c);
                delete $by_fd{fileno $c};
                close $c;
                $s->{state} = 'done';
            }
        }
    }
    my @out;
    for my $s (@st) {
        if ($s->{state} eq 'sent') { close $s->{sock}; }
        my ($head, $body) = split /\r\n\r\n/, $s->{raw}, 2;
        $head = '' unless defined $head;
        $body = '' unless defined $body;
        my ($status) = $head =~ m{\AHTTP/\d\.\d (\d{3})};
        push @out, { status => $status || 0, head => $head, body => $body,
                     sent => $s->{sent}, first => $s->{first},
                     done => $s->{done}, closed => $s->{closed} || 0,
                     error => $s->{error} };
    }
    return @out;
}

# While $long (a raw request) is in flight, $probe (another) is sent
# again and again, one at a time, $interval seconds after the previous
# answer.  Returns ($long_result, [latency of each probe]); a probe in
# flight when $long ends is waited for and counted.
sub probe_during {
    my ($port, $long, $probe, $interval, $timeout) = @_;
    $timeout ||= 30;
    my $t0 = Time::HiRes::time();
    my $deadline = $t0 + $timeout;
    my $l = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or return ({ status => 0, head => '', body => "connect: $!" }, []);
    syswrite $l, $long;
    my ($lraw, $ldone, $lfirst) = ('', undef, undef);
    my ($p, $psent, $praw) = (undef, 0, '');
    my $pnext = Time::HiRes::time() + $interval;
    my @lat;
    while (Time::HiRes::time() < $deadline) {
        last if defined $ldone && !$p;
        if (!$p && !defined $ldone && Time::HiRes::time() >= $pnext) {
            $p = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                       Proto => 'tcp', Timeout => 5);
            if ($p) {
                syswrite $p, $probe;
                $psent = Time::HiRes::time();
                $praw = '';
            }
        }
        my $sel = IO::Select->new;
        $sel->add($l) unless defined $ldone;
        $sel->add($p) if $p;
        my $wait = $p ? 0.5 : $pnext - Time::HiRes::time();
        $wait = 0.001 if $wait < 0.001;
        for my $c ($sel->can_read($wait)) {
            my $n = sysread $c, my $buf, 65536;
            my $t = Time::HiRes::time();
            if ($p && $c == $p) {
                if ($n) { $praw .= $buf; next }
                push @lat, $t - $psent;
                close $p;
                undef $p;
                $pnext = $t + $interval;
            } else {
                if ($n) { $lfirst = $t - $t0 unless defined $lfirst; $lraw .= $buf; next }
                $ldone = $t - $t0;
                close $l;
            }
        }
    }
    close $l unless defined $ldone;
    my ($head, $body) = split /\r\n\r\n/, $lraw, 2;
    $head = '' unless defined $head;
    $body = '' unless defined $body;
    my ($status) = $head =~ m{\AHTTP/\d\.\d (\d{3})};
    return ({ status => $status || 0, head => $head, body => $body,
              first => $lfirst, done => $ldone }, \@lat);
}

# the nginx master's pid (servroot/logs/nginx.pid) and its workers' pids
sub master_pid {
    my $f = main::server_root() . '/logs/nginx.pid';
    return undef unless -s $f;
    my $pid = slurp($f);
    $pid =~ s/\s+//g;
    return $pid;
}

sub worker_pids {
    my $master = master_pid() or return ();
    my @w;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $in, '<', $stat or next;
        my $line = <$in>;
        close $in;
        next unless defined $line && $line =~ /^(\d+) \((.*)\) \S+ (\d+)/s;
        my ($pid, $ppid) = ($1, $3);
        next unless $ppid == $master;
        my $cmd = '';
        if (open my $c, '<', "/proc/$pid/cmdline") { local $/; $cmd = <$c> // ''; close $c }
        push @w, $pid if $cmd =~ /worker process/;
    }
    return sort { $a <=> $b } @w;
}

# nginx -s reload: HUP to the master, then waits until every worker is a
# new one and /live/cmdline answers.  1 on success.
sub nginx_reload {
    my ($timeout) = @_;
    $timeout ||= 10;
    my $master = master_pid() or return 0;
    my %old = map { $_ => 1 } worker_pids();
    kill 'HUP', $master or return 0;
    wait_until($timeout, sub {
        my @w = worker_pids();
        @w && !grep { $old{$_} } @w;
    }) or return 0;
    return wait_until($timeout, sub { (nginx_get('/live/cmdline'))[0] == 200 });
}

# the capture files of a cache directory (16 lowercase hex digits), sorted;
# cache_tmp_files: the temporary ones (*.tmp)
sub cache_files {
    my ($dir) = @_;
    opendir my $d, $dir or return ();
    my @f = sort grep { /\A[0-9a-f]{16}\z/ && -f "$dir/$_" } readdir $d;
    closedir $d;
    return @f;
}

sub cache_tmp_files {
    my ($dir) = @_;
    opendir my $d, $dir or return ();
    my @f = sort grep { /\.tmp\z/ } readdir $d;
    closedir $d;
    return @f;
}

# a GET through nginx (or to another $port): { status, head, body, cache
# (X-Pprof-Cache), id (X-Pprof-Capture) }
sub pprof_get {
    my ($path, $headers, $port) = @_;
    my ($status, $head, $body) = http_req($port // main::server_port_for_client(),
        "GET $path HTTP/1.0\r\nHost: localhost\r\n" . ($headers // '') . "\r\n");
    return { status => $status, head => $head, body => $body,
             cache => header_value($head, 'X-Pprof-Cache'),
             id => header_value($head, 'X-Pprof-Capture') };
}

# how many requests the fake APIServer recorded matching $filter (the
# arguments of its /count)
sub upstream_count {
    my ($filter) = @_;
    my $n = ctl("/count?$filter");
    $n =~ s/\s+//g;
    return $n;
}

push @EXPORT, qw(header_value hrefs http_parallel probe_during master_pid
                 worker_pids nginx_reload cache_files cache_tmp_files
                 pprof_get upstream_count);

# keep_error_logs(): each block's error.log is copied, before the next
# block starts (and at the end), to $TEST_NGINX_RUN_DIR/error-logs/
# <suite>-<block number>.log, where t/run.sh keeps it after a failing run
our $KeptLogBlock;
sub keep_error_logs {
    my $save = sub {
        return unless defined $KeptLogBlock && $ENV{TEST_NGINX_RUN_DIR};
        my $log = main::server_root() . '/logs/error.log';
        return unless -f $log;
        my $dir = "$ENV{TEST_NGINX_RUN_DIR}/error-logs";
        mkdir $dir unless -d $dir;
        (my $suite = $0) =~ s{.*/|\.t\z}{}g;
        my ($n) = $KeptLogBlock =~ /TEST (\d+)/;
        $n = 'x' unless defined $n;
        open my $out, '>', "$dir/$suite-$n.log" or return;
        print $out slurp($log);
        close $out;
    };
    main::add_block_preprocessor(sub {
        $save->();
        $KeptLogBlock = $_[0]->name;
    });
    main::add_cleanup_handler($save) if defined &main::add_cleanup_handler;
}

push @EXPORT, qw(keep_error_logs);

sub import {
    my $pkg = caller;
    no strict 'refs';
    for my $name (@EXPORT) {
        my ($sigil, $sym) = $name =~ /^([\$%]?)(\w+)$/;
        *{"${pkg}::$sym"} = $sigil eq '$' ? \${"PprofGateway::$sym"}
                          : $sigil eq '%' ? \%{"PprofGateway::$sym"}
                          : \&{"PprofGateway::$sym"};
    }
}

1;
