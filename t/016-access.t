# Who may look.  nginx's access phase in front of pprof_pass: auth_basic,
# auth_request, allow/deny, satisfy any|all, client certificates; allowed
# gets the profile, denied gets 401/403 (400 for a missing client
# certificate, nginx's answer) and the fake APIServer's request counter
# does not move.  The [warn] at start and at "nginx -t" for a pprof_pass
# location without access control, and for pprof_ssl_verify off.
# pprof_allow (a location's profile names), the variables $pprof_profile
# and $pprof_upstream_status (limit_req on CPU captures), and share links
# (pprof_link_secret, pprof_link_ttl): signed, expiring links to one
# stored capture, checked in the access phase, rotated by rewriting the
# secret file.
#
# Upstream requests are counted by the fake APIServer (/ctl/count).
# Run: t/run.sh t/016-access.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;
use Digest::SHA qw(sha256 hmac_sha256_hex);
use MIME::Base64 qw(encode_base64);
use File::Path qw(make_path);

master_on();
keep_error_logs();

our $Dir = "$ENV{TEST_NGINX_RUN_DIR}/access";
make_path($Dir);
chmod 0755, $Dir;

$ENV{TEST_NGINX_CACHE_DIR} = server_root() . '/pprof_cache';
$ENV{TEST_NGINX_ACCESS_DIR} = $Dir;

# a password file (alice:wonderland) and the Authorization header for it
spew("$Dir/htpasswd", "alice:" . crypt('wonderland', '$6$pprofsalt$') . "\n");
our $Alice = "Authorization: Basic " . encode_base64('alice:wonderland', '') . "\r\n";
our $Mallory = "Authorization: Basic " . encode_base64('alice:guess', '') . "\r\n";

# the share links' secrets: a file (rewritten to rotate) and an inline one
our $Secret = 'file-secret-' . join('', map { sprintf '%02x', int rand 256 } 1 .. 16);
our $InlineSecret = 'inline-secret-0123456789abcdef';
spew("$Dir/link-secret", "$Secret\n");

# a free port for the TLS server of the client certificate blocks
sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or die "cannot bind: $!\n";
    my $p = $s->sockport;
    close $s;
    return $p;
}
$ENV{TEST_NGINX_TLS_PORT} = free_port();
$ENV{TEST_NGINX_PORT_B} = free_port();

# GET on the second server of a block
sub get_b {
    my ($path, $headers) = @_;
    my ($status, $head, $body) = http_req($ENV{TEST_NGINX_PORT_B},
        "GET $path HTTP/1.0\r\nHost: localhost\r\n" . ($headers // '') . "\r\n");
    return { status => $status, head => $head, body => $body };
}

# client certificates: a CA nginx trusts, one it does not, a leaf of each
{
    my $ssl = sub { system("openssl @_ >/dev/null 2>&1") == 0 or die "openssl @_ failed\n" };
    my $ext = "$Dir/client.ext";
    spew($ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
               . "extendedKeyUsage=clientAuth\n");
    for my $ca (qw(client-ca stranger-ca)) {
        $ssl->("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $Dir/$ca.key");
        $ssl->("req -x509 -new -key $Dir/$ca.key -out $Dir/$ca.crt -days 30 -subj /CN=$ca"
               . " -addext basicConstraints=critical,CA:TRUE"
               . " -addext keyUsage=critical,keyCertSign,cRLSign");
    }
    for my $p (['client', 'client-ca'], ['stranger', 'stranger-ca']) {
        my ($leaf, $ca) = @$p;
        $ssl->("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $Dir/$leaf.key");
        $ssl->("req -new -key $Dir/$leaf.key -out $Dir/$leaf.csr -subj /CN=$leaf");
        $ssl->("x509 -req -in $Dir/$leaf.csr -CA $Dir/$ca.crt -CAkey $Dir/$ca.key"
               . " -set_serial 0x" . join('', map { sprintf '%02x', int rand 256 } 1 .. 8)
               . " -days 30 -extfile $ext -out $Dir/$leaf.crt");
    }
    chmod 0644, glob "$Dir/*";
}

# valgrind (make valgrind's mode) makes every block slower
add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(timeout => 30) unless defined $block->timeout;
});

our $IdRe = qr/[0-9a-f]{16}/;
our $LinkRe = qr{\A/debug/pprof/heap\?capture=($IdRe)&link=(\1\.(\d+)\.[0-9a-f]{64})\z};
our $Html = "Accept: text/html\r\n";


# ---------------------------------------------------------------------
# helpers

sub get {
    my ($path, $headers) = @_;
    my ($status, $head, $body) = nginx_get($path, $headers);
    return { status => $status, head => $head, body => $body,
             cache => header_value($head, 'X-Pprof-Cache'),
             id => header_value($head, 'X-Pprof-Capture'),
             share => header_value($head, 'X-Pprof-Share-Link') };
}

sub count {
    my ($filter) = @_;
    my $n = ctl("/count?$filter");
    $n =~ s/\s+//g;
    return $n;
}

sub upstream_total { count('prefix=/debug/pprof/') }

# HTTPS to the client certificate server with curl: (status, body)
sub tls_get {
    my ($path, @cert) = @_;
    # its listener may come up after the main one (under valgrind)
    wait_until(30, sub {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $ENV{TEST_NGINX_TLS_PORT},
                                      Proto => 'tcp', Timeout => 1);
        close $s if $s;
        $s;
    });
    unlink "$Dir/curl.body";
    my @args = ('curl', '-s', '--max-time', '10', '-o', "$Dir/curl.body",
                '-w', '%{http_code}', '--cacert', "$ENV{TEST_NGINX_CERTS_DIR}/ca.crt");
    push @args, '--cert', "$Dir/$cert[0].crt", '--key', "$Dir/$cert[0].key" if @cert;
    $args[3] = $ENV{TEST_NGINX_USE_VALGRIND} ? '60' : '10';
    push @args, "https://127.0.0.1:$ENV{TEST_NGINX_TLS_PORT}$path";
    open my $c, '-|', @args or die "curl: $!\n";
    local $/;
    my $code = <$c>;
    close $c;
    return ($code + 0, -f "$Dir/curl.body" ? slurp("$Dir/curl.body") : '');
}

# a share link made by the test itself, as ngx_http_pprof_link.c signs:
# HMAC-SHA256 over "pprof-link-v1\n" SHA256(location) ID "\n" EXPIRES
sub make_link {
    my ($secret, $location, $id, $expires) = @_;
    my $sig = hmac_sha256_hex("pprof-link-v1\n" . sha256($location) . "$id\n$expires", $secret);
    return "$id.$expires.$sig";
}

# one authenticated heap page of a new stored capture: (page, its link)
sub shared_page {
    my ($t, $headers) = @_;
    my $r = get('/debug/pprof/heap?refresh=1', $Alice . $Html . ($headers // ''));
    Test::More::is($r->{status}, 200, "$t: alice's heap page")
        or Test::More::diag($r->{head} . substr($r->{body}, 0, 400));
    Test::More::like($r->{share} // '', $LinkRe, "$t: X-Pprof-Share-Link is a path with its query")
        or return ($r, undef);
    return ($r, $r->{share});
}

sub is_refused {
    my ($r, $status, $re, $what) = @_;
    my $ok = Test::More::is($r->{status}, $status, "$what - $status");
    $ok &&= Test::More::like($r->{body}, $re, "$what - the page says why");
    Test::More::diag($r->{head} . "\n" . substr($r->{body}, 0, 500)) unless $ok;
    return $ok;
}

# the line of nginx.conf holding $text (1-based), for the warnings
sub conf_line {
    my ($text) = @_;
    my @l = split /\n/, slurp($Test::Nginx::Util::ConfFile);
    for my $i (0 .. $#l) { return $i + 1 if index($l[$i], $text) >= 0 }
    return 0;
}


# ---------------------------------------------------------------------
# the warnings

# [warn] lines naming a location, from nginx's start and from nginx -t
sub warned {
    my ($what) = @_;
    my ($rc, $t) = nginx_config_test();
    Test::More::is($rc, 0, "nginx -t passes ($what)") or Test::More::diag($t);
    return (nginx_stderr(), $t);
}

sub check_warn {
    my ($start, $test, $location, $want, $what) = @_;
    my $conf = $Test::Nginx::Util::ConfFile;
    my $re = qr/\[warn\] .*"pprof_pass" in location "\/\Q$location\E\/" has no access control.*"pprof_allow_unauthenticated on" in (\S+):(\d+)/;
    for my $p (['start', $start], ['nginx -t', $test]) {
        my ($when, $log) = @$p;
        my @m = $log =~ $re;
        if ($want) {
            Test::More::ok(@m, "$what: $location warns at $when") or Test::More::diag($log);
            next unless @m;
            Test::More::is("$m[0]:$m[1]", "$conf:" . conf_line("pprof_pass https://127.0.0.1:$ENV{TEST_NGINX_APISERVER_PORT}/$location"),
                           "$what: $location - the warning names the file and line of its pprof_pass");
        } else {
            Test::More::ok(!@m, "$what: $location does not warn at $when") or Test::More::diag($log);
        }
    }
}

sub t_warn_levels {
    my $what = 'access control seen';
    my ($start, $test) = warned($what);
    check_warn($start, $test, 'open', 1, $what);
    check_warn($start, $test, 'allow-only', 1, $what);
    check_warn($start, $test, 'basic-off', 1, $what);
    check_warn($start, $test, 'optional-cert', 1, $what);
    check_warn($start, $test, $_, 0, $what)
        for qw(basic request deny link unauthenticated server-basic server-deny verified-cert);
    Test::More::ok($start !~ m{location "/live/"}, "$what: the suites' /live/ says pprof_allow_unauthenticated");
}

sub t_warn_http {
    my $what = 'inherited from http{}';
    my ($start, $test) = warned($what);
    check_warn($start, $test, $_, 0, $what) for qw(http-deny http-unauthenticated-server);
    check_warn($start, $test, 'http-reopened', 1, $what);
}

sub t_warn_ssl_verify {
    my $what = 'pprof_ssl_verify off';
    my ($start, $test) = warned($what);
    my $re = qr/\[warn\] .*"pprof_ssl_verify off" in location "\/noverify\/": the APIServer's certificate is not verified.* in \S+:\d+/;
    Test::More::like($start, $re, "$what: warned at start, naming the location");
    Test::More::like($test, $re, "$what: warned by nginx -t");
    Test::More::ok($start !~ /pprof_ssl_verify off" in location "\/verify\/"/,
                   "$what: not for a location that verifies");
    my $sat = qr/\[warn\] .*"pprof_link_secret" in location "\/links-all\/" with "satisfy all"/;
    Test::More::like($start, $sat, "$what: a link secret with satisfy all and auth_basic is warned of");
    Test::More::ok($start !~ /"pprof_link_secret" in location "\/links-any\/"/,
                   "$what: not with satisfy any");
}


# ---------------------------------------------------------------------
# nginx's access modules in front of pprof_pass

sub t_auth_basic {
    my $t = 'auth_basic';
    ctl('/reset');
    is_refused(get('/debug/pprof/cmdline'), 401, qr/401/, "$t: no password");
    is_refused(get('/debug/pprof/cmdline', $Mallory), 401, qr/401/, "$t: a wrong password");
    Test::More::is(upstream_total(), 0, "$t: nothing reached the APIServer");
    my $r = get('/debug/pprof/cmdline', $Alice);
    Test::More::is($r->{status}, 200, "$t: alice - 200");
    Test::More::like($r->{body}, qr/fake-apiserver/, "$t: alice - the profiler's answer");
    Test::More::is(upstream_total(), 1, "$t: one request reached the APIServer");
}

sub t_auth_request {
    my $t = 'auth_request';
    ctl('/reset');
    is_refused(get('/debug/pprof/cmdline'), 401, qr/401/, "$t: no key");
    is_refused(get('/debug/pprof/cmdline', "X-Key: bad\r\n"), 403, qr/403/, "$t: a bad key");
    Test::More::is(upstream_total(), 0, "$t: nothing reached the APIServer");
    my $r = get('/debug/pprof/cmdline', "X-Key: good\r\n");
    Test::More::is($r->{status}, 200, "$t: the good key - 200");
    Test::More::like($r->{body}, qr/fake-apiserver/, "$t: the good key - the profiler's answer");
    Test::More::is(upstream_total(), 1, "$t: one request reached the APIServer");
}

sub t_allow_deny {
    my $t = 'allow/deny';
    ctl('/reset');
    is_refused(get('/debug/pprof/cmdline'), 403, qr/403/, "$t: deny all");
    is_refused(get('/elsewhere/cmdline'), 403, qr/403/, "$t: allow 10.0.0.0/8, deny all");
    Test::More::is(count('prefix=/'), 0, "$t: nothing reached the APIServer");
    my $r = get('/local/cmdline');
    Test::More::is($r->{status}, 200, "$t: allow 127.0.0.1 - 200");
    Test::More::like($r->{body}, qr/fake-apiserver/, "$t: allow 127.0.0.1 - the profiler's answer");
    Test::More::is(count('prefix=/'), 1, "$t: one request reached the APIServer");
}

sub t_satisfy {
    my $t = 'satisfy';
    ctl('/reset');
    # any: 10/8 or alice
    is_refused(get('/any/cmdline'), 401, qr/401/, "$t any: neither address nor password");
    # all: 127.0.0.1 and alice
    is_refused(get('/all/cmdline'), 401, qr/401/, "$t all: the address but no password");
    # all: deny all and alice
    is_refused(get('/all-denied/cmdline', $Alice), 403, qr/403/, "$t all: the password but a denied address");
    Test::More::is(count('prefix=/'), 0, "$t: nothing reached the APIServer");
    Test::More::is(get('/any/cmdline', $Alice)->{status}, 200, "$t any: the password is enough");
    Test::More::is(get('/any-local/cmdline')->{status}, 200, "$t any: the address is enough");
    Test::More::is(get('/all/cmdline', $Alice)->{status}, 200, "$t all: address and password");
    Test::More::is(count('prefix=/'), 3, "$t: three requests reached the APIServer");
}

sub t_client_cert {
    my $t = 'ssl_verify_client on';
    ctl('/reset');
    my ($s, $b) = tls_get('/debug/pprof/cmdline');
    Test::More::is($s, 400, "$t: no certificate - nginx's 400");
    Test::More::like($b, qr/No required SSL certificate was sent/, "$t: no certificate - nginx says so");
    ($s, $b) = tls_get('/debug/pprof/cmdline', 'stranger');
    Test::More::is($s, 400, "$t: a certificate of another CA - 400");
    Test::More::like($b, qr/certificate error/, "$t: another CA - nginx says so");
    Test::More::is(upstream_total(), 0, "$t: nothing reached the APIServer");
    ($s, $b) = tls_get('/debug/pprof/cmdline', 'client');
    Test::More::is($s, 200, "$t: a certificate of the client CA - 200");
    Test::More::like($b, qr/fake-apiserver/, "$t: the profiler's answer");
    Test::More::is(upstream_total(), 1, "$t: one request reached the APIServer");
}


# ---------------------------------------------------------------------
# pprof_allow, the variables, limit_req

sub t_pprof_allow {
    my $t = 'pprof_allow heap goroutine';
    ctl('/reset');
    for my $name (qw(profile trace cmdline allocs)) {
        is_refused(get("/debug/pprof/$name"), 403,
                   qr/the $name profile is not served here: this location serves goroutine, heap, and the index \(pprof_allow\)/,
                   "$t: $name");
    }
    my $page = get("/debug/pprof/profile?seconds=1", $Html);
    is_refused($page, 403, qr/<html.*goroutine, heap, and the index/s, "$t: a browser gets a page");
    Test::More::is(upstream_total(), 0, "$t: nothing reached the APIServer");
    Test::More::is(get('/debug/pprof/heap')->{status}, 200, "$t: heap - 200");
    Test::More::is(get('/debug/pprof/goroutine?debug=1')->{status}, 200, "$t: goroutine - 200");
    Test::More::is(get('/debug/pprof/')->{status}, 200, "$t: the index - 200");
    Test::More::is(upstream_total(), 3, "$t: what is allowed reached the APIServer");
    # inherited from server{}, replaced by a location's own
    is_refused(get_b('/server/goroutine'), 403, qr/this location serves heap, and the index/,
               "$t: server-level pprof_allow heap");
    Test::More::is(get_b('/server/heap')->{status}, 200, "$t: server-level - heap");
    Test::More::is(get_b('/own/cmdline')->{status}, 200, "$t: a location's own pprof_allow cmdline");
    is_refused(get_b('/own/heap'), 403, qr/serves cmdline, and the index/, "$t: ... replaces the server's");
}

sub t_variables {
    my $t = 'variables';
    ctl('/reset');
    my $m = get('/debug/pprof/heap');
    Test::More::is($m->{cache}, 'MISS', "$t: a new capture");
    Test::More::is(header_value($m->{head}, 'X-Profile'), 'heap', "$t: \$pprof_profile");
    Test::More::is(header_value($m->{head}, 'X-Upstream'), '200', "$t: \$pprof_upstream_status of a capture");
    my $h = get('/debug/pprof/heap');
    Test::More::is($h->{cache}, 'HIT', "$t: from the store");
    Test::More::is(header_value($h->{head}, 'X-Upstream'), undef,
                   "$t: \$pprof_upstream_status is empty without the APIServer");
    my $c = get('/debug/pprof/cmdline');
    Test::More::is(header_value($c->{head}, 'X-Profile'), 'cmdline', "$t: cmdline");
    Test::More::is(header_value($c->{head}, 'X-Upstream'), '200', "$t: cmdline's upstream status");
    my $nf = get('/debug/pprof/nosuch');
    Test::More::is($nf->{status}, 404, "$t: not a profile");
    Test::More::is(header_value($nf->{head}, 'X-Profile'), undef, "$t: ... has no \$pprof_profile");
    my @log = grep { length } split /\n/, slurp(server_root() . '/logs/vars.log');
    Test::More::is_deeply([@log[0 .. 3]],
                          ["/debug/pprof/heap heap 200 MISS $m->{id}",
                           "/debug/pprof/heap heap - HIT $m->{id}",
                           "/debug/pprof/cmdline cmdline 200 - -",
                           "/debug/pprof/nosuch - - - -"],
                          "$t: the access log keys on them")
        or Test::More::diag(join "\n", @log);
}

sub t_limit_req {
    my $t = 'limit_req on CPU captures';
    ctl('/reset');
    my $first = get('/debug/pprof/profile?seconds=1');
    Test::More::is($first->{status}, 200, "$t: the first CPU profile - 200");
    is_refused(get('/debug/pprof/profile?seconds=1'), 429, qr/429/, "$t: the second one at once");
    Test::More::is(get('/debug/pprof/heap')->{status}, 200, "$t: heap still works");
    Test::More::is(get('/debug/pprof/heap')->{status}, 200, "$t: and again");
    Test::More::is(count('path=/debug/pprof/profile'), 1, "$t: one CPU profile reached the APIServer");
    Test::More::is(count('path=/debug/pprof/heap'), 2, "$t: both heaps did");
}


# ---------------------------------------------------------------------
# share links

sub t_share {
    my $t = 'share link';
    ctl('/reset');
    is_refused(get('/debug/pprof/heap'), 401, qr/401/, "$t: without a password");

    my ($r, $link) = shared_page($t) or return;
    return unless $link;
    my ($id, $token, $expires) = $link =~ $LinkRe;
    Test::More::is($id, $r->{id}, "$t: the link is to the page's capture");
    Test::More::ok($expires > time + 7000 && $expires <= time + 7201,
                   "$t: it expires in pprof_link_ttl's default 2h") or Test::More::diag($expires - time);
    (my $href = $link) =~ s/&/&amp;/g;
    Test::More::like($r->{body}, qr{<a class="share" href="\Q$href\E"[^>]*>share link</a>},
                     "$t: the page offers the same link");
    Test::More::like($r->{body}, qr{capture again}, "$t: alice's page offers capture again");
    my $n = upstream_total();

    # the link alone: the page, every view, the raw download
    my $s = get($link, $Html);
    Test::More::is($s->{status}, 200, "$t: the link without a password - 200")
        or Test::More::diag($s->{head} . substr($s->{body}, 0, 400));
    Test::More::is($s->{cache}, 'HIT', "$t: from the store");
    Test::More::is($s->{id}, $id, "$t: that capture");
    Test::More::is($s->{share}, undef, "$t: no share link to share on");
    Test::More::unlike($s->{body}, qr/capture again|>history<|share link/,
                       "$t: no capture again, no history, no share link");
    my @views = grep { /^\?/ } hrefs($s->{body});
    Test::More::ok(@views >= 3, "$t: the page links to its views") or Test::More::diag(join "\n", @views);
    my @bad = grep { index($_, "capture=$id&link=$token") < 0 } @views;
    Test::More::is_deeply(\@bad, [], "$t: every link of the page keeps the link's arguments");
    my %seen;
    for my $v (grep { !$seen{$_}++ } @views) {
        my $vr = get("/debug/pprof/heap$v", $Html);
        Test::More::is($vr->{status}, 200, "$t: view $v - 200") or Test::More::diag(substr($vr->{body}, 0, 300));
    }
    my $raw = get("$link&format=raw");
    Test::More::is($raw->{status}, 200, "$t: the raw download - 200");
    Test::More::like($raw->{body}, qr/\A\x1f\x8b/, "$t: the raw download - the profile");
    Test::More::is($raw->{share}, undef, "$t: the raw download - no share link either");
    my $araw = get("/debug/pprof/heap?capture=$id&format=raw", $Alice);
    Test::More::like($araw->{share} // '', qr{\A/debug/pprof/heap\?capture=$id&link=$id\.},
                     "$t: alice's raw download carries X-Pprof-Share-Link too");
    my $again = get("$link&refresh=1");
    Test::More::is($again->{cache}, 'HIT', "$t: refresh=1 with a link is still the stored capture");
    Test::More::is(upstream_total(), $n, "$t: no request through the link reached the APIServer");

    # only that capture, never another profile, never a new capture
    my ($r2, $link2) = shared_page("$t (a second capture)");
    return unless $link2;
    my ($id2) = $link2 =~ $LinkRe;
    $n = upstream_total();
    is_refused(get("/debug/pprof/heap?capture=$id2&link=$token"), 403,
               qr/the share link is for capture $id, not for the one asked for/,
               "$t: replayed on another capture");
    is_refused(get("/debug/pprof/heap?link=$token"), 403, qr/is for capture $id, not/,
               "$t: without its capture");
    my $other = get("/debug/pprof/goroutine?capture=$id&link=$token");
    Test::More::is($other->{status}, 404, "$t: its capture under another profile - 404");
    Test::More::like($other->{body}, qr/capture of another profile/, "$t: ... saying so");
    is_refused(get("/debug/pprof/?view=history&capture=$id&link=$token"), 400, qr/capture/,
               "$t: no history through a link");
    is_refused(get("$link&base=$id2"), 403, qr/"base" names another one/, "$t: base= with a link");
    Test::More::is(upstream_total(), $n, "$t: none of them reached the APIServer");

    # altered, truncated, malformed
    (my $sig = $token) =~ s/(.)\z/$1 eq 'a' ? 'b' : 'a'/e;
    is_refused(get("/debug/pprof/heap?capture=$id&link=$sig"), 403,
               qr/the share link was altered, or signed with a secret replaced since/, "$t: a signature altered");
    my $later = $expires + 86400;
    (my $longer = $token) =~ s/\.\d+\./.$later./;
    is_refused(get("/debug/pprof/heap?capture=$id&link=$longer"), 403, qr/was altered/,
               "$t: the expiry pushed back");
    (my $otherid = $token) =~ s/\A$id/$id2/;
    is_refused(get("/debug/pprof/heap?capture=$id2&link=$otherid"), 403, qr/was altered/,
               "$t: the ID in the link changed");
    is_refused(get("/debug/pprof/heap?capture=$id&link=" . substr($token, 0, length($token) - 5)), 403,
               qr/the share link is truncated/, "$t: truncated");
    is_refused(get("/debug/pprof/heap?capture=$id&link=" . substr($token, 0, 20)), 403,
               qr/the share link is truncated/, "$t: truncated in its expiry");
    is_refused(get("/debug/pprof/heap?capture=$id&link=${token}00"), 403,
               qr/the share link is malformed/, "$t: too long");
    is_refused(get("/debug/pprof/heap?capture=$id&link=%2e%2e%2f"), 403,
               qr/the share link is malformed/, "$t: not a link at all");
    is_refused(get("/debug/pprof/heap?capture=$id&link=" . uc $token), 403,
               qr/the share link is malformed/, "$t: upper case");
    is_refused(get("/debug/pprof/heap?capture=$id&link="), 403,
               qr/the share link is truncated/, "$t: empty");
    # a link the test signs itself, as the gateway does
    my $mine = make_link($Secret, '/debug/pprof/', $id, time + 60);
    Test::More::is(get("/debug/pprof/heap?capture=$id&link=$mine")->{status}, 200,
                   "$t: a link signed by the documented scheme opens the capture");
    is_refused(get("/debug/pprof/heap?capture=$id&link=" . make_link($Secret, '/elsewhere/', $id, time + 60)),
               403, qr/was altered/, "$t: a link signed for another location");
    is_refused(get("/debug/pprof/heap?capture=$id&link=" . make_link($Secret, '/debug/pprof/', $id, time - 5)),
               403, qr/the share link expired \d+ s ago \(pprof_link_ttl 7200 s\)/, "$t: expired");
    Test::More::is(upstream_total(), $n, "$t: no bad link reached the APIServer");

    # alice with a bad link is still refused: a bad link is no way in
    is_refused(get("/debug/pprof/heap?capture=$id&link=$sig", $Alice), 403, qr/altered/,
               "$t: a bad link with a password");

    # the secret is nowhere
    my $all = join '', map { $_->{head} . $_->{body} } $r, $s, $raw, $araw, $r2;
    Test::More::ok(index($all, $Secret) < 0, "$t: the secret is in no response");
    Test::More::ok(index(error_log_since(0), $Secret) < 0, "$t: nor in the error log (debug level)");
    Test::More::ok(index(slurp(server_root() . '/logs/access.log'), $Secret) < 0, "$t: nor in the access log");
}

sub t_share_expiry {
    my $t = 'pprof_link_ttl 1s';
    my ($r, $link) = shared_page($t);
    return unless $link;
    my ($id, $token, $expires) = $link =~ $LinkRe;
    Test::More::ok($expires <= time + 1, "$t: the link expires in a second");
    my $first = get($link);
    my $gone = $first->{status} == 403 ? $first : undef;
    Test::More::ok($first->{status} == 200 || ($first->{status} == 403 && time >= $expires),
                   "$t: valid until it expires") or Test::More::diag($first->{status});
    Test::More::ok(wait_until(4, sub { ($gone = get($link))->{status} == 403 }),
                   "$t: refused once it expired");
    is_refused($gone, 403, qr/the share link expired \d+ s ago \(pprof_link_ttl 1 s\): ask for a new one/,
               "$t: expired");
}

sub t_share_rotation {
    my $t = 'secret rotation';
    my ($r, $link) = shared_page($t);
    return unless $link;
    Test::More::is(get($link)->{status}, 200, "$t: the link works");
    my $pos = error_log_size();
    my $new = "rotated-$Secret";
    spew("$Dir/link-secret", "$new\n");
    Test::More::ok(wait_until(3, sub { get($link)->{status} == 403 }),
                   "$t: links signed with the old secret stop working, without a reload");
    is_refused(get($link), 403, qr/signed with a secret replaced since/, "$t: the old link");
    my ($r2, $link2) = shared_page("$t (after)");
    Test::More::isnt($link2, $link, "$t: a new link");
    Test::More::is(get($link2)->{status}, 200, "$t: the new link works") if $link2;
    my ($id) = $link =~ $LinkRe;
    Test::More::is(get("/debug/pprof/heap?capture=$id&link=" . make_link($new, '/debug/pprof/', $id, time + 60))->{status},
                   200, "$t: signed with the new secret");
    my $log = error_log_since($pos);
    Test::More::like($log, qr/pprof: link secret file "[^"]*link-secret" changed/, "$t: the change is logged");
    Test::More::ok(index($log, $new) < 0 && index($log, $Secret) < 0, "$t: but no secret");

    # an empty secret file: no links offered, none accepted
    spew("$Dir/link-secret", "");
    Test::More::ok(wait_until(3, sub { get($link2)->{status} == 403 }), "$t: emptied - links refused");
    is_refused(get($link2), 403, qr/the link secret file "[^"]*link-secret" holds no secret/,
               "$t: emptied - saying why");
    my $a = get('/debug/pprof/heap?refresh=1', $Alice . $Html);
    Test::More::is($a->{status}, 200, "$t: emptied - alice still gets her page");
    Test::More::is($a->{share}, undef, "$t: emptied - without a share link");
    Test::More::unlike($a->{body}, qr/share link/, "$t: emptied - none on the page");
    spew("$Dir/link-secret", "$Secret\n");
}

sub t_links_only {
    my $t = 'links only';
    ctl('/reset');
    # alice captures in /admin/; /debug/pprof/ (same store) takes links only
    my $a = get('/admin/heap', $Alice);
    Test::More::is($a->{status}, 200, "$t: alice's capture");
    my $id = $a->{id};
    my $n = upstream_total();
    is_refused(get('/debug/pprof/heap'), 403, qr/only share links are served here/, "$t: no link");
    is_refused(get("/debug/pprof/heap?capture=$id"), 403, qr/only share links/, "$t: a capture without link");
    Test::More::is(upstream_total(), $n, "$t: nothing more reached the APIServer");
    my $link = make_link($InlineSecret, '/debug/pprof/', $id, time + 60);
    my $s = get("/debug/pprof/heap?capture=$id&link=$link");
    Test::More::is($s->{status}, 200, "$t: a link - 200");
    Test::More::like($s->{body}, qr/\A\x1f\x8b/, "$t: the stored profile");
    Test::More::ok(index(error_log_since(0), $InlineSecret) < 0, "$t: the inline secret is in no log");
}


run_tests();

__DATA__

=== TEST 1: auth_basic in front of pprof_pass: 401 without the password, nothing upstream; the profile with it
--- config
    location /debug/pprof/ {
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- init
::t_auth_basic()
--- request
GET /debug/pprof/cmdline
--- error_code: 401
--- no_error_log
[alert]



=== TEST 2: auth_request to a local location (204 / 401 / 403)
--- config
    location = /auth {
        internal;
        if ($http_x_key = "good") {
            return 204;
        }
        if ($http_x_key) {
            return 403;
        }
        return 401;
    }
    location /debug/pprof/ {
        auth_request /auth;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- init
::t_auth_request()
--- request
GET /debug/pprof/cmdline
--- error_code: 401
--- no_error_log
[alert]



=== TEST 3: allow/deny
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /elsewhere/ {
        allow 10.0.0.0/8;
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /local/ {
        allow 127.0.0.1;
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::t_allow_deny()
--- request
GET /debug/pprof/cmdline
--- error_code: 403
--- no_error_log
[alert]



=== TEST 4: satisfy any (address or password) and satisfy all (both)
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
    location /any/ {
        satisfy any;
        auth_basic "pprof";
        allow 10.0.0.0/8;
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /any-local/ {
        satisfy any;
        auth_basic "pprof";
        allow 127.0.0.1;
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /all/ {
        satisfy all;
        auth_basic "pprof";
        allow 127.0.0.1;
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /all-denied/ {
        auth_basic "pprof";
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::t_satisfy()
--- request
GET /any/cmdline
--- error_code: 401
--- no_error_log
[alert]



=== TEST 5: client certificates: ssl_verify_client on the server
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        ssl_certificate $TEST_NGINX_CERTS_DIR/server.crt;
        ssl_certificate_key $TEST_NGINX_CERTS_DIR/server.key;
        ssl_client_certificate $TEST_NGINX_ACCESS_DIR/client-ca.crt;
        ssl_verify_client on;
        location /debug/pprof/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
            pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
            pprof_token_file $TEST_NGINX_TOKEN_FILE;
        }
    }
--- config
    # the TLS server is in http_config
--- init
::t_client_cert()
--- request
GET /ctl/count?prefix=/debug/pprof/
--- response_body
1
--- no_error_log
[alert]



=== TEST 6: the [warn] at start and at nginx -t: every pprof_pass location without access control, by file and line
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        ssl_certificate $TEST_NGINX_CERTS_DIR/server.crt;
        ssl_certificate_key $TEST_NGINX_CERTS_DIR/server.key;
        ssl_client_certificate $TEST_NGINX_ACCESS_DIR/client-ca.crt;
        ssl_verify_client on;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        location /verified-cert/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/verified-cert/;
        }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_3 ssl;
        ssl_certificate $TEST_NGINX_CERTS_DIR/server.crt;
        ssl_certificate_key $TEST_NGINX_CERTS_DIR/server.key;
        ssl_client_certificate $TEST_NGINX_ACCESS_DIR/client-ca.crt;
        ssl_verify_client optional;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        location /optional-cert/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/optional-cert/;
        }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        location /server-basic/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/server-basic/;
        }
        location /basic-off/ {
            auth_basic off;
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/basic-off/;
        }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_2;
        deny 192.0.2.1;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        location /server-deny/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/server-deny/;
        }
    }
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location = /auth {
        return 204;
    }
    location /open/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/open/;
    }
    location /allow-only/ {
        allow 127.0.0.1;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/allow-only/;
    }
    location /basic/ {
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/basic/;
    }
    location /request/ {
        auth_request /auth;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/request/;
    }
    location /deny/ {
        allow 127.0.0.1;
        deny all;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/deny/;
    }
    location /link/ {
        pprof_link_secret 0123456789abcdef0123;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/link/;
    }
    location /unauthenticated/ {
        pprof_allow_unauthenticated on;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/unauthenticated/;
    }
--- init
::t_warn_levels()
--- request
GET /live/cmdline
--- response_body_like: fake-apiserver
--- no_error_log
[alert]



=== TEST 7: the [warn], inherited from http{}: a deny rule, pprof_allow_unauthenticated, and a server that turns it off
--- http_config
    deny 192.0.2.1;
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        location /http-deny/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/http-deny/;
        }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_2;
        allow all;
        pprof_allow_unauthenticated on;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        location /http-unauthenticated-server/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/http-unauthenticated-server/;
        }
        location /http-reopened/ {
            pprof_allow_unauthenticated off;
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/http-reopened/;
        }
    }
--- config
    # the servers are in http_config
--- init
::t_warn_http()
--- request
GET /live/cmdline
--- response_body_like: fake-apiserver
--- no_error_log
[alert]



=== TEST 8: pprof_ssl_verify off is warned of, naming the location; a link secret with satisfy all too
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_allow_unauthenticated on;
    location /noverify/ {
        pprof_ssl_verify off;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /verify/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /links-all/ {
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_link_secret 0123456789abcdef0123;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /links-any/ {
        satisfy any;
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_link_secret 0123456789abcdef0123;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::t_warn_ssl_verify()
--- request
GET /noverify/cmdline
--- response_body_like: fake-apiserver
--- no_error_log
[alert]



=== TEST 9: pprof_allow: other profiles get 403 naming the allowed ones, before any upstream contact; inherited from server{}
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_PORT_B;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_allow_unauthenticated on;
        pprof_allow heap;
        location /server/ {
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        }
        location /own/ {
            pprof_allow cmdline;
            pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        }
    }
--- config
    location /debug/pprof/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_allow_unauthenticated on;
        pprof_allow heap goroutine;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::t_pprof_allow()
--- request
GET /debug/pprof/trace?seconds=1
--- error_code: 403
--- response_body_like: this location serves goroutine, heap, and the index
--- no_error_log
[alert]



=== TEST 10: pprof_allow with a name that is not a profile fails the configuration
--- config
    location /debug/pprof/ {
        pprof_allow heap nosuch;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_allow": "nosuch" is not a profile: the names are allocs, block, .*trace, and the index/



=== TEST 11: $pprof_profile and $pprof_upstream_status next to $pprof_cache_status and $pprof_capture
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
    log_format pvars '$request_uri $pprof_profile $pprof_upstream_status $pprof_cache_status $pprof_capture';
--- config
    location /debug/pprof/ {
        pprof_allow_unauthenticated on;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
        access_log logs/vars.log pvars;
        add_header X-Profile $pprof_profile always;
        add_header X-Upstream $pprof_upstream_status always;
    }
--- init
::t_variables()
--- request
GET /debug/pprof/cmdline
--- response_headers
X-Profile: cmdline
--- no_error_log
[alert]



=== TEST 12: limit_req keyed on a map of $pprof_profile: one CPU profile a minute per client, heap unlimited
--- http_config
    map $pprof_profile $pprof_cpu_client {
        profile  $binary_remote_addr;
        trace    $binary_remote_addr;
        default  "";
    }
    limit_req_zone $pprof_cpu_client zone=pprof_cpu:1m rate=1r/m;
--- config
    location /debug/pprof/ {
        pprof_allow_unauthenticated on;
        limit_req zone=pprof_cpu;
        limit_req_status 429;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- init
::t_limit_req()
--- request
GET /debug/pprof/trace?seconds=1
--- error_code: 429
--- no_error_log
[alert]



=== TEST 13: share links: an authenticated page offers one; the link opens that capture's views and download only; bad links get 403 saying which
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
    pprof_token_refresh 100ms;
--- config
    location /debug/pprof/ {
        satisfy any;
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_link_secret file:$TEST_NGINX_ACCESS_DIR/link-secret;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
--- init
::t_share()
--- request
GET /debug/pprof/heap
--- error_code: 401
--- no_error_log
[alert]
[crit]



=== TEST 14: pprof_link_ttl: an expired link is refused, saying so
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
--- config
    location /debug/pprof/ {
        satisfy any;
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_link_secret file:$TEST_NGINX_ACCESS_DIR/link-secret;
        pprof_link_ttl 1s;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
--- init
::t_share_expiry()
--- request
GET /debug/pprof/heap
--- error_code: 401
--- no_error_log
[alert]



=== TEST 15: rotation: rewriting the secret file (no reload) ends the old links; an empty one ends them all
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
    pprof_token_refresh 100ms;
--- config
    location /debug/pprof/ {
        satisfy any;
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_link_secret file:$TEST_NGINX_ACCESS_DIR/link-secret;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
--- init
::t_share_rotation()
--- request
GET /debug/pprof/heap
--- error_code: 401
--- no_error_log
[alert]



=== TEST 16: a link secret and no other access control: only links are served there (an inline secret)
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_cache pprof;
    location /admin/ {
        auth_basic "pprof";
        auth_basic_user_file $TEST_NGINX_ACCESS_DIR/htpasswd;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /debug/pprof/ {
        pprof_link_secret inline-secret-0123456789abcdef;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- init
::t_links_only()
--- request
GET /debug/pprof/cmdline
--- error_code: 403
--- response_body_like: only share links are served here
--- no_error_log
[alert]



=== TEST 17: a link secret shorter than 16 characters fails the configuration, and is not shown
--- config
    location /debug/pprof/ {
        pprof_link_secret short-secret;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
--- request
GET /debug/pprof/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_link_secret" directive must be at least 16 characters long/
--- no_error_log
short-secret
