# Past one replica: each nginx keeps its own capture store, so an ID
# names its replica (pprof_cache_path ... replica=NAME: "NAME-HEX"), and
# the router of conf/replicas.conf (map $arg_capture to one upstream per
# replica, "hash $uri consistent" over all of them otherwise) sends every
# capture=ID to the replica that has it.  Here: two replica nginx on
# loopback (pprof-gateway-0 and -1), started by this file, behind the
# block's nginx as the router, configured by conf/replicas.conf itself.
# Each replica reaches the fake APIServer under its own path, so its
# counter says which replica captured.
#
# Run: t/run.sh t/015-replicas.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;
use File::Path qw(make_path remove_tree);

master_on();
keep_error_logs();

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1)
        or die "cannot bind: $!\n";
    my $p = $s->sockport;
    close $s;
    return $p;
}

# ---------------------------------------------------------------------
# the two replicas: their own nginx, directory, store and zone

our %Replica;

sub replica_conf {
    my ($name, $port, $dir) = @_;
    my $module = (split ' ', $ENV{TEST_NGINX_LOAD_MODULES} // '')[0];
    my $load = defined $module && length $module ? "load_module $module;" : '';
    return <<_EOC_;
$load
daemon on;
master_process on;
worker_processes 1;
error_log $dir/error.log info;
pid $dir/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    pprof_cache_path $dir/captures keys_zone=pprof:1m replica=$name;
    server {
        listen 127.0.0.1:$port;
        allow 127.0.0.1;
        deny all;
        location /debug/pprof/ {
            pprof_pass https://127.0.0.1:$ENV{TEST_NGINX_APISERVER_PORT}/api/v1/nodes/via-$name/proxy/debug/pprof/;
            pprof_trusted_certificate $ENV{TEST_NGINX_CERTS_DIR}/ca.crt;
            pprof_token_file $ENV{TEST_NGINX_TOKEN_FILE};
            pprof_cache pprof;
        }
    }
}
_EOC_
}

sub start_replica {
    my ($name) = @_;
    my $dir = "$ENV{TEST_NGINX_RUN_DIR}/replica-$name";
    remove_tree($dir);
    make_path("$dir/captures");
    chmod 0777, "$dir/captures";
    my $port = free_port();
    open my $out, '>', "$dir/nginx.conf" or die "$dir/nginx.conf: $!\n";
    print $out replica_conf($name, $port, $dir);
    close $out;
    system($ENV{TEST_NGINX_BINARY}, '-p', "$dir/", '-c', "$dir/nginx.conf") == 0
        or die "replica $name did not start: " . (-f "$dir/error.log" ? slurp("$dir/error.log") : '') . "\n";
    wait_until(5, sub { (http_req($port, "GET /debug/pprof/cmdline HTTP/1.0\r\n\r\n"))[0] == 200 })
        or die "replica $name does not answer on $port\n";
    $Replica{$name} = { port => $port, dir => $dir };
}

sub stop_replicas {
    for my $name (sort keys %Replica) {
        my $pidfile = "$Replica{$name}{dir}/nginx.pid";
        next unless -s $pidfile;
        my $pid = slurp($pidfile);
        $pid =~ s/\s+//g;
        kill 'QUIT', $pid if $pid =~ /\A\d+\z/;
        wait_until(5, sub { !kill 0, $pid });
    }
    %Replica = ();
}

start_replica($_) for qw(pprof-gateway-0 pprof-gateway-1);
END { stop_replicas() }

# the router: conf/replicas.conf itself, its replicas' addresses replaced
# by the loopback ones; its upstream{} blocks and map go in http{}, its
# location in the block's server{} (and an X-Replica-Addr header)
our ($RouterHttp, $RouterLocation);
{
    my $conf = slurp('conf/replicas.conf');
    for my $i (0, 1) {
        my $port = $Replica{"pprof-gateway-$i"}{port};
        $conf =~ s/pprof-gateway-$i\.pprof-gateway-headless:8080/127.0.0.1:$port/g;
    }
    ($RouterHttp) = $conf =~ /^http \{\n(.*?)^    server \{/ms
        or die "conf/replicas.conf: no http{} before server{}\n";
    ($RouterLocation) = $conf =~ /^(        location \/ \{\n.*?^        \}\n)/ms
        or die "conf/replicas.conf: no location /\n";
    # the test scaffold has its own "location /"
    $RouterLocation =~ s/^        location \/ \{\n/        location \/debug\/pprof\/ {\n        add_header X-Replica-Addr \$upstream_addr always;\n/m;
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config => $RouterHttp) unless defined $block->http_config;
    $block->set_value(config => $RouterLocation) unless defined $block->config;
    $block->set_value(timeout => 30) unless defined $block->timeout;
});


# ---------------------------------------------------------------------
# helpers

# pprof_get, and which replica the router chose (X-Replica-Addr)
sub get_via {
    my ($port, $path, $headers) = @_;
    my $r = pprof_get($path, $headers, $port);
    $r->{addr} = header_value($r->{head}, 'X-Replica-Addr');
    return $r;
}

sub get { get_via(undef, @_) }

sub count { upstream_count(@_) }

# requests replica $name made to the APIServer
sub made_by { count("prefix=/api/v1/nodes/via-$_[0]/") }

our $Html = "Accept: text/html\r\n";


# ---------------------------------------------------------------------
# the blocks' scripts

sub t_links {
    my $t = 'links through the router';
    ctl('/reset');
    my %seen;
    for my $name (qw(heap goroutine allocs block mutex threadcreate)) {
        my $m = get("/debug/pprof/$name");
        Test::More::is($m->{status}, 200, "$t: $name - 200") or next;
        Test::More::is($m->{cache}, 'MISS', "$t: $name - captured");
        my ($rep) = ($m->{id} // '') =~ /\A(pprof-gateway-[01])-[0-9a-f]{16}\z/;
        Test::More::ok($rep, "$t: $name - the ID names its replica ($m->{id})") or next;
        $seen{$rep}++;
        Test::More::is($m->{addr}, "127.0.0.1:$Replica{$rep}{port}",
                       "$t: $name - it came from $rep");
        my $id = $m->{id};
        my %before = map { ($_ => made_by($_)) } keys %Replica;

        # its page, and every link of it that names the capture
        my $page = get("/debug/pprof/$name?capture=$id&view=top", $Html);
        Test::More::is("$page->{status} " . ($page->{cache} // ''), '200 HIT',
                       "$t: $name page by ID - a HIT");
        my @links = grep { /(?:^|[?&])capture=\Q$id\E(?:&|$)/ } hrefs($page->{body});
        Test::More::ok(scalar @links >= 3, "$t: $name page - links carry capture=$id (" . scalar(@links) . ")");
        for my $l (@links) {
            my $path = $l =~ m{^\?} ? "/debug/pprof/$name$l"
                     : $l =~ m{^/} ? $l : "/debug/pprof/$l";
            my $r = get($path, $Html);
            Test::More::ok($r->{status} == 200 && ($r->{cache} // '') eq 'HIT'
                           && ($r->{id} // '') eq $id
                           && $r->{addr} eq "127.0.0.1:$Replica{$rep}{port}",
                           "$t: $name link $l - 200 HIT of $id from $rep")
                or Test::More::diag("$r->{status} $r->{head}\n" . substr($r->{body}, 0, 300));
        }
        my $raw = get("/debug/pprof/$name?capture=$id&format=raw");
        Test::More::is("$raw->{status} " . ($raw->{cache} // ''), '200 HIT', "$t: $name raw by ID");
        for my $x (sort keys %Replica) {
            Test::More::is(made_by($x), $before{$x}, "$t: $name - $x asked the APIServer nothing more");
        }
    }
    Test::More::diag("captures by replica: " . join ' ', map { "$_=" . ($seen{$_} // 0) } sort keys %Replica);
}

sub t_each {
    my $t = 'a capture on each replica';
    ctl('/reset');
    my ($r0, $r1) = sort keys %Replica;
    for my $rep ($r0, $r1) {
        my $other = $rep eq $r0 ? $r1 : $r0;
        # made at the replica itself, whatever the router's hash says
        my $m = get_via($Replica{$rep}{port}, '/debug/pprof/heap?gc=1');
        Test::More::like($m->{id} // '', qr/\A\Q$rep\E-[0-9a-f]{16}\z/, "$t: $rep's ID") or next;
        my $id = $m->{id};
        Test::More::is(made_by($rep), 1, "$t: $rep captured it");
        my $n = made_by($other);
        for my $args ('format=top', 'view=flame', 'format=raw', 'format=json') {
            my $r = get("/debug/pprof/heap?capture=$id&$args", $Html);
            Test::More::is("$r->{status} " . ($r->{cache} // '') . ' ' . ($r->{id} // ''),
                           "200 HIT $id", "$t: via the router, $args - $rep's capture")
                or Test::More::diag(substr($r->{body}, 0, 300));
            Test::More::is($r->{addr}, "127.0.0.1:$Replica{$rep}{port}", "$t: $args - from $rep");
        }
        Test::More::is(made_by($other), $n, "$t: $other made no capture meanwhile");

        # the other replica, asked directly, says whose it is
        my $w = get_via($Replica{$other}{port}, "/debug/pprof/heap?capture=$id");
        Test::More::is($w->{status}, 404, "$t: $id at $other - 404");
        Test::More::like($w->{body}, qr/\Acapture \Q$id\E of heap is not in the store: it was made by the replica "\Q$rep\E", this is "\Q$other\E"/,
                         "$t: $id at $other - names both replicas") or Test::More::diag($w->{body});

        # the hex part alone still serves it on its replica
        (my $hex = $id) =~ s/\A.*-//;
        my $h = get_via($Replica{$rep}{port}, "/debug/pprof/heap?capture=$hex&format=top");
        Test::More::is("$h->{status} " . ($h->{cache} // ''), '200 HIT', "$t: capture=HEX at $rep");
    }

    # the history of a replica names its own IDs
    my $h = get_via($Replica{$r0}{port}, '/debug/pprof/?view=history', $Html);
    my @ids = $h->{body} =~ /capture=([a-z0-9.-]+-[0-9a-f]{16})/g;
    Test::More::ok(@ids && !(grep { !/\A\Q$r0\E-/ } @ids), "$t: $r0's history links $r0 IDs only")
        or Test::More::diag(join ' ', @ids);
}

sub t_hostile {
    my $t = 'hostile capture= at the router';
    ctl('/reset');
    my %addrs = map { ("127.0.0.1:$Replica{$_}{port}" => 1) } keys %Replica;
    my $g = 'pprof-gateway-0';
    for my $v ('evil.example-0123456789abcdef', "$g-0123456789ABCDEF",
               "$g-0123456789abcdef0", "$g.evil-0123456789abcdef", "$g--0123456789abcdef",
               '-0123456789abcdef', 'Pprof-gateway-0-0123456789abcdef', "$g%2d0123456789abcdef",
               '..-0123456789abcdef', "$g-0123456789abcdef%0d%0aX:y", 'pprof-gateway-2-0123456789abcdef',
               "$g-0123456789abcdef&capture=x", "x$g-0123456789abcdef")
    {
        my $r = get("/debug/pprof/heap?capture=$v");
        Test::More::ok($r->{status} == 400 || $r->{status} == 404,
                       "$t: capture=$v - $r->{status}") or Test::More::diag($r->{body});
        Test::More::ok($r->{addr} && $addrs{$r->{addr}}, "$t: capture=$v - went to a configured replica ($r->{addr})");
    }
    Test::More::is(count(''), 0, "$t: none of them reached the APIServer");
}

run_tests();

__DATA__

=== TEST 1: every link of a capture's page, fetched through the router, reaches the replica that holds it
--- init
::t_links()
--- request
GET /debug/pprof/cmdline
--- no_error_log
[alert]
[error]



=== TEST 2: a capture made on either replica is served through the router, never by the other; the hex alone works on its replica
--- init
::t_each()
--- request
GET /debug/pprof/cmdline
--- no_error_log
[alert]
[error]



=== TEST 3: hostile capture= values go to a configured replica, which refuses them
--- init
::t_hostile()
--- request
GET /debug/pprof/cmdline
--- no_error_log
[alert]



=== TEST 4: replica= must be a Kubernetes name
--- http_config
    pprof_cache_path $TEST_NGINX_RUN_DIR/bad keys_zone=bad:1m replica=Pod_0;
--- config
--- request
GET /
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_cache_path" replica "Pod_0" must be a Kubernetes name \(lowercase letters, digits, "-" and "\."\): it holds an uppercase letter/



=== TEST 5: replica=$hostname: the host's name in every ID
--- http_config eval
"pprof_cache_path $ENV{TEST_NGINX_RUN_DIR}/host-captures keys_zone=host:1m replica=\$hostname;"
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache host;
    }
--- request
GET /debug/pprof/heap
--- response_headers_like eval
"X-Pprof-Capture: \Q" . lc(`hostname` =~ s/\s+//gr) . "\E-[0-9a-f]{16}"
--- no_error_log
[alert]
[error]
