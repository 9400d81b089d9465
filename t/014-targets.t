# Targets named by variables: pprof_pass https://APISERVER/api/v1/nodes/
# $node/proxy/debug/pprof/ (a kubelet) and .../namespaces/$ns/pods/
# $pod:$port/proxy/debug/pprof/ (a pod), through the APIServer's proxy.
# Valid names reach their own upstream path (counted at the fake
# APIServer); every value that is not a DNS-1123 name (or, after ":", a
# port 1-65535) is 400 with a one-line reason and a log line, before any
# upstream contact.  The host is always the configured one: a variable in
# it fails the configuration.  In the capture store two nodes are two
# targets: their own captures, history and CPU profile queue.
#
# Run: t/run.sh t/014-targets.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;
use JSON::PP ();
use Time::Local ();

master_on();
keep_error_logs();

our $IdRe = qr/\A[0-9a-f]{16}\z/;

$ENV{TEST_NGINX_CACHE_DIR} = server_root() . '/pprof_cache';

our $HttpConfig = <<'_EOC_';
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
_EOC_

# the locations of conf/in-cluster.conf, on the fake APIServer; and ones
# that let any byte through to the module's checks (loose regexes, an
# argument, which nginx does not decode)
our $Locations = <<'_EOC_';
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_cache pprof;

    location ~ ^/nodes/(?<node>[^/]+)/debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$node/proxy/debug/pprof/;
        if ($arg_x) {
            add_header X-If $node;
        }
    }
    location ~ ^/pods/(?<ns>[^/]+)/(?<pod>[^/]+):(?<port>[^/]+)/debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/namespaces/$ns/pods/$pod:$port/proxy/debug/pprof/;
    }
    location ~ (?s)^/loose/(?<lnode>.*)/debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/${lnode}/proxy/debug/pprof/;
    }
    location /byarg/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$arg_node/proxy/debug/pprof/;
    }
    location /byargpod/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/namespaces/default/pods/$arg_pod:$arg_port/proxy/debug/pprof/;
    }
    location /byarghttps/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/namespaces/default/pods/https:$arg_pod:$arg_port/proxy/debug/pprof/;
    }
    location /echo/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/api/v1/nodes/$arg_node/proxy/debug/pprof/;
        pprof_cache off;
    }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(config => $Locations) unless defined $block->config;
    $block->set_value(http_config => $HttpConfig) unless defined $block->http_config;
    $block->set_value(timeout => 30) unless defined $block->timeout;
});


# ---------------------------------------------------------------------
# helpers

sub get { pprof_get(@_) }
sub count { upstream_count(@_) }

sub node_path { "/api/v1/nodes/$_[0]/proxy/debug/pprof/$_[1]" }

# the fake APIServer's record of each request: { path, query, t (Unix
# seconds, fractional) }
sub upstream_requests {
    my $list = JSON::PP::decode_json(ctl('/requests?format=json'));
    for my $r (@$list) {
        my ($y, $mo, $d, $h, $mi, $s, $f) =
            $r->{time} =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?/;
        my $t = Time::Local::timegm($s, $mi, $h, $d, $mo - 1, $y) + ($f || 0);
        my ($off) = $r->{time} =~ /([+-]\d\d):?(\d\d)$/;
        if (defined $off) {
            my ($oh, $om) = $r->{time} =~ /([+-]\d\d):?(\d\d)$/;
            $t -= ($oh < 0 ? -1 : 1) * (abs($oh) * 3600 + $om * 60);
        }
        $r->{t} = $t;
    }
    return @$list;
}

sub error_lines {
    my ($from, $re) = @_;
    return grep { $_ =~ $re && !/\[debug\]/ } split /\n/, error_log_since($from);
}


# ---------------------------------------------------------------------
# the blocks' scripts

sub t_reach {
    my $t = 'valid names';
    ctl('/reset');

    for my $x (['/nodes/node-1/debug/pprof/heap', node_path('node-1', 'heap')],
               ['/nodes/ip-10-0-0-1.ec2.internal/debug/pprof/goroutine',
                node_path('ip-10-0-0-1.ec2.internal', 'goroutine')],
               ['/nodes/' . ('a' x 63) . '/debug/pprof/allocs', node_path('a' x 63, 'allocs')],
               ['/nodes/' . join('.', ('b' x 63) x 3, 'c' x 61) . '/debug/pprof/heap',
                node_path(join('.', ('b' x 63) x 3, 'c' x 61), 'heap')],
               ['/pods/kube-system/etcd-0:2381/debug/pprof/heap',
                '/api/v1/namespaces/kube-system/pods/etcd-0:2381/proxy/debug/pprof/heap'],
               ['/pods/default/web.app-1:65535/debug/pprof/mutex',
                '/api/v1/namespaces/default/pods/web.app-1:65535/proxy/debug/pprof/mutex'],
               ['/byarg/block?node=n2', node_path('n2', 'block')],
               ['/byargpod/threadcreate?pod=p&port=1',
                '/api/v1/namespaces/default/pods/p:1/proxy/debug/pprof/threadcreate'],
               ['/byarghttps/heap?pod=web-0&port=6443',
                '/api/v1/namespaces/default/pods/https:web-0:6443/proxy/debug/pprof/heap'])
    {
        my ($uri, $up) = @$x;
        my $r = get($uri);
        Test::More::is($r->{status}, 200, "$t: $uri - 200") or Test::More::diag($r->{body});
        Test::More::like($r->{body}, qr/\A\x1f\x8b/, "$t: $uri - the raw profile");
        Test::More::is($r->{cache}, 'MISS', "$t: $uri - a capture");
        Test::More::is(count("path=$up"), 1, "$t: $uri - one request to $up");
    }
    Test::More::is(count(''), 9, "$t: nothing else reached the APIServer");

    # the views work the same on a proxied target's profile
    my $top = get('/nodes/node-1/debug/pprof/heap?format=top');
    Test::More::is($top->{cache}, 'HIT', "$t: node-1 heap?format=top - from the store");
    Test::More::like($top->{body}, qr/Type: inuse_space/, "$t: node-1 heap?format=top");
    my $page = get('/nodes/node-1/debug/pprof/goroutine?debug=1', "Accept: text/html\r\n");
    Test::More::is($page->{status}, 200, "$t: goroutine?debug=1 page");
    Test::More::like($page->{body}, qr/<html/i, "$t: goroutine?debug=1 - a page");
    my $idx = get('/nodes/node-1/debug/pprof/');
    Test::More::like($idx->{body}, qr/heap\?debug=1/, "$t: the node's index");
    Test::More::is(count('path=' . node_path('node-1', '')), 1, "$t: the index, from the node");

    # the download's name says which node
    my $raw = get('/nodes/node-1/debug/pprof/heap?format=raw');
    Test::More::like(header_value($raw->{head}, 'Content-Disposition') // '',
                     qr/filename="127\.0\.0\.1-node-1-heap-\d{8}T\d{6}Z\.pb\.gz"/,
                     "$t: the file name names the node");
    my $praw = get('/pods/kube-system/etcd-0:2381/debug/pprof/heap?format=raw');
    Test::More::like(header_value($praw->{head}, 'Content-Disposition') // '',
                     qr/filename="127\.0\.0\.1-kube-system-etcd-0-2381-heap-/,
                     "$t: the file name names the pod");
}

sub t_store {
    my $t = 'two nodes';
    ctl('/reset');
    my $a = get('/nodes/n1/debug/pprof/heap');
    my $b = get('/nodes/n2/debug/pprof/heap');
    Test::More::is($a->{cache}, 'MISS', "$t: n1 heap - MISS");
    Test::More::is($b->{cache}, 'MISS', "$t: n2 heap - MISS, not n1's capture");
    Test::More::like($a->{id} // '', $IdRe, "$t: n1 - an ID");
    Test::More::like($b->{id} // '', $IdRe, "$t: n2 - an ID");
    Test::More::isnt($a->{id}, $b->{id}, "$t: two captures");
    my $a2 = get('/nodes/n1/debug/pprof/heap?format=top');
    my $b2 = get('/nodes/n2/debug/pprof/heap?format=top');
    Test::More::is("$a2->{cache} $a2->{id}", "HIT $a->{id}", "$t: n1 again - its own capture");
    Test::More::is("$b2->{cache} $b2->{id}", "HIT $b->{id}", "$t: n2 again - its own capture");
    Test::More::is(count('path=' . node_path('n1', 'heap')), 1, "$t: n1 asked once");
    Test::More::is(count('path=' . node_path('n2', 'heap')), 1, "$t: n2 asked once");

    # one node's capture is not served as another's
    my $x = get("/nodes/n2/debug/pprof/heap?capture=$a->{id}");
    Test::More::is($x->{status}, 404, "$t: n1's capture ID at n2 - 404");
    Test::More::like($x->{body}, qr/another target/, "$t: n1's capture at n2 - says why");
    my $own = get("/nodes/n1/debug/pprof/heap?capture=$a->{id}&format=top");
    Test::More::is("$own->{status} $own->{cache}", '200 HIT', "$t: n1's capture at n1");

    # each node's history is its own
    my $h = get('/nodes/n1/debug/pprof/?view=history', "Accept: text/html\r\n");
    Test::More::is($h->{status}, 200, "$t: n1's history");
    Test::More::ok(index($h->{body}, $a->{id}) >= 0 && index($h->{body}, $b->{id}) < 0,
                   "$t: n1's history lists n1's capture, not n2's");
    Test::More::is(count(''), 2, "$t: nothing else reached the APIServer");
}

sub t_cpu {
    my $t = 'CPU profiles';
    ctl('/reset');
    my $port = server_port_for_client();
    my $req = sub { "GET $_[0] HTTP/1.0\r\nHost: localhost\r\n\r\n" };
    # two nodes at once; a second one on n1 (another key) waits for n1's
    my @r = http_parallel($port, [
        { req => $req->('/nodes/n1/debug/pprof/profile?seconds=2'), at => 0 },
        { req => $req->('/nodes/n2/debug/pprof/profile?seconds=2'), at => 0 },
        { req => $req->('/nodes/n1/debug/pprof/profile?seconds=1'), at => 0.3 },
    ], 20);
    for my $i (0 .. 2) {
        Test::More::is($r[$i]{status}, 200, "$t: request $i - 200")
            or Test::More::diag(substr($r[$i]{body}, 0, 300));
    }
    my %start;
    for my $u (upstream_requests()) {
        $start{"$u->{path}?$u->{query}"} = $u->{t};
    }
    my $n1 = $start{node_path('n1', 'profile') . '?seconds=2'};
    my $n2 = $start{node_path('n2', 'profile') . '?seconds=2'};
    my $n1b = $start{node_path('n1', 'profile') . '?seconds=1'};
    Test::More::ok(defined $n1 && defined $n2 && defined $n1b, "$t: the three reached their nodes")
        or return Test::More::diag(join "\n", sort keys %start);
    Test::More::cmp_ok(abs($n2 - $n1), '<', 1, "$t: n1 and n2 profiled at once");
    Test::More::cmp_ok($n1b - $n1, '>=', 1.9, "$t: n1's second profile started after its first ended");
}

sub t_injection {
    my $t = 'hostile values';
    ctl('/reset');
    my $from = error_log_size();
    my @bad = (
        # via an argument: the raw bytes, not decoded by nginx
        ['/byarg/heap?node=..', 'arg_node'],
        ['/byarg/heap?node=a..b', 'arg_node'],
        ['/byarg/heap?node=a%2fb', 'arg_node'],
        ['/byarg/heap?node=%2e%2e', 'arg_node'],
        ['/byarg/heap?node=%2E%2E%2F', 'arg_node'],
        ['/byarg/heap?node=a/b', 'arg_node'],
        ['/byarg/heap?node=a?b', 'arg_node'],
        ['/byarg/heap?node=a@127.0.0.1', 'arg_node'],
        ['/byarg/heap?node=Node-1', 'arg_node'],
        ['/byarg/heap?node=node_1', 'arg_node'],
        ['/byarg/heap?node=-node', 'arg_node'],
        ['/byarg/heap?node=node-', 'arg_node'],
        ['/byarg/heap?node=.node', 'arg_node'],
        ['/byarg/heap?node=node.', 'arg_node'],
        ['/byarg/heap?node=a%00b', 'arg_node'],
        ['/byarg/heap?node=a%0d%0aHost:%20evil', 'arg_node'],
        ['/byarg/heap?node=a:80', 'arg_node'],
        ['/byarg/heap?node=' . ('a' x 254), 'arg_node'],
        ['/byarg/heap?node=' . ('a' x 64), 'arg_node'],
        ['/byarg/heap?node=', 'arg_node'],
        ['/byarg/heap', 'arg_node'],
        ['/byargpod/heap?pod=p&port=0', 'arg_port'],
        ['/byargpod/heap?pod=p&port=65536', 'arg_port'],
        ['/byargpod/heap?pod=p&port=080', 'arg_port'],
        ['/byargpod/heap?pod=p&port=http', 'arg_port'],
        ['/byargpod/heap?pod=p&port=80/x', 'arg_port'],
        ['/byargpod/heap?pod=p&port=', 'arg_port'],
        ['/byargpod/heap?pod=p', 'arg_port'],
        ['/byargpod/heap?pod=p:80&port=80', 'arg_pod'],
        ['/byargpod/heap?pod=https:p&port=80', 'arg_pod'],
        ['/byarghttps/heap?pod=p&port=0', 'arg_port'],
        ['/byarghttps/heap?pod=80&port=p', 'arg_port'],
        ['/byarghttps/heap?pod=p:1&port=1', 'arg_pod'],
        # via the path: what nginx decoded, matched by a loose regex
        ['/loose/a/b/debug/pprof/heap', 'lnode'],
        ['/loose/a%2fb/debug/pprof/heap', 'lnode'],
        ['/loose/a..b/debug/pprof/heap', 'lnode'],
        ['/loose/a%0d%0ab/debug/pprof/heap', 'lnode'],
        ['/loose/a%23b/debug/pprof/heap', 'lnode'],
        ['/loose/a%3fb/debug/pprof/heap', 'lnode'],
        ['/loose/a%40b/debug/pprof/heap', 'lnode'],
        ['/loose/A/debug/pprof/heap', 'lnode'],
        ['/loose/a%20b/debug/pprof/heap', 'lnode'],
        ['/pods/default/web:0/debug/pprof/heap', 'port'],
        ['/pods/default/web:99999/debug/pprof/heap', 'port'],
        ['/pods/default/web:80:80/debug/pprof/heap', 'pod'],
        ['/pods/Default/web:80/debug/pprof/heap', 'ns'],
    );
    for my $x (@bad) {
        my ($uri, $var) = @$x;
        my $r = get($uri);
        Test::More::is($r->{status}, 400, "$t: $uri - 400") or Test::More::diag($r->{body});
        Test::More::like($r->{body}, qr/\Athe value of "\$\Q$var\E" must be a (?:Kubernetes name|port number)[^\n]*\n\z/,
                         "$t: $uri - one line naming \$$var")
            or Test::More::diag($r->{body});
    }
    Test::More::is(count(''), 0, "$t: none of them reached the APIServer");
    my @lines = error_lines($from, qr/pprof: the value of "\$/);
    Test::More::is(scalar @lines, scalar @bad, "$t: a log line each")
        or Test::More::diag(join "\n", @lines);
    Test::More::ok(!(grep { /[\x00\r]/ || /Host: evil/ } @lines),
                   "$t: the log lines do not quote the values' raw bytes");

    # a browser gets the same reason as a page
    my $p = get('/byarg/heap?node=a%2fb', "Accept: text/html\r\n");
    Test::More::is($p->{status}, 400, "$t: a browser - 400");
    Test::More::like($p->{body}, qr/<html.*must be a Kubernetes name/is, "$t: a browser - a page with the reason");

    # what nginx resolves itself never reaches a target either: dot
    # segments and encoded ones are merged before routing, %00 is refused
    for my $uri ('/nodes/../debug/pprof/heap', '/nodes/%2e%2e/debug/pprof/heap',
                 '/nodes/n1/../../debug/pprof/heap', '/nodes/a%00b/debug/pprof/heap',
                 '/nodes/a%2fb/debug/pprof/heap', '/loose//debug/pprof/heap')
    {
        my $r = get($uri);
        Test::More::isnt($r->{status}, 200, "$t: $uri - not served ($r->{status})");
    }
    Test::More::is(count(''), 0, "$t: still nothing reached the APIServer");
}

sub t_host {
    my $t = 'the host';
    ctl('/reset');
    my $r = get('/echo/heap?node=n1');
    Test::More::is($r->{status}, 200, "$t: echo - 200") or Test::More::diag($r->{body});
    Test::More::like($r->{body}, qr{^path: /faults/echo/api/v1/nodes/n1/proxy/debug/pprof/heap$}m,
                     "$t: the path with the node");
    Test::More::like($r->{body}, qr{^host: 127\.0\.0\.1:$ENV{TEST_NGINX_APISERVER_PORT}$}m,
                     "$t: the Host is the configured APIServer's");
    Test::More::like($r->{body}, qr{^authorization: valid$}m, "$t: the token went there");
    Test::More::is(index($r->{body}, $Token), -1, "$t: the token is not in the answer");
    Test::More::is(index(error_log_since(0), $Token), -1, "$t: nor in the log (debug level)");
    my $e = get('/echo/heap?node=evil.example%3a443');
    Test::More::is($e->{status}, 400, "$t: a host in the value - 400");
    Test::More::is(count('prefix=/faults/echo/'), 1, "$t: only the valid one reached the APIServer");
}

sub t_forbidden {
    my $t = 'RBAC';
    my $r = get('/nodes/forbidden/debug/pprof/heap');
    Test::More::is($r->{status}, 502, "$t: 403 for nodes/proxy - 502");
    Test::More::like($r->{body}, qr/resources \["nodes\/proxy"\] and verbs \["get"\]/,
                     "$t: names the rule to add") or Test::More::diag($r->{body});
    my $p = get('/pods/default/forbidden:80/debug/pprof/heap');
    Test::More::like($p->{body}, qr/resources \["pods\/proxy"\]/, "$t: pods/proxy for a pod")
        or Test::More::diag($p->{body});
}

sub t_blocks {
    my $t = 'upstream{}, map, reload';
    ctl('/reset');
    my $a = get('/up/n5/heap');
    Test::More::is("$a->{status} " . ($a->{cache} // ''), '200 MISS', "$t: through an upstream{} block")
        or Test::More::diag($a->{body});
    Test::More::is(count('path=' . node_path('n5', 'heap')), 1, "$t: upstream{} - the node's path");
    my $m = get('/mapped/heap?target=kubelet-b');
    Test::More::is("$m->{status} " . ($m->{cache} // ''), '200 MISS', "$t: a map's value")
        or Test::More::diag($m->{body});
    Test::More::is(count('path=' . node_path('node-b', 'heap')), 1, "$t: map - its node's path");
    my $u = get('/mapped/heap?target=other');
    Test::More::is($u->{status}, 400, "$t: a map's empty default - 400");
    Test::More::like($u->{body}, qr/\Athe value of "\$mapped_node" must be a Kubernetes name[^\n]*: it is empty\n\z/,
                     "$t: a map's empty default - says so");

    Test::More::ok(nginx_reload(10), "$t: nginx -s reload");
    my $a2 = get('/up/n5/heap?format=top');
    Test::More::is("$a2->{cache} $a2->{id}", "HIT $a->{id}", "$t: after the reload, the node's capture");
    my $m2 = get("/mapped/heap?target=kubelet-b&capture=$m->{id}&format=top");
    Test::More::is("$m2->{status} " . ($m2->{cache} // ''), '200 HIT', "$t: after the reload, by ID");
    Test::More::is(count('prefix=/api/v1/nodes/'), 2, "$t: two requests reached the nodes in all");
    Test::More::is(index(error_log_since(0), $Token), -1, "$t: the token is in no log line (debug level)");
}

run_tests();

__DATA__

=== TEST 1: valid node and pod names reach their own upstream path; views, index and file names
--- init
::t_reach()
--- request
GET /nodes/node-1/debug/pprof/heap?format=top
--- response_body_like: Type: inuse_space
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 2: two nodes are two targets in the store: own captures, capture=ID of another is 404, own history
--- init
::t_store()
--- request
GET /nodes/n1/debug/pprof/?view=history
--- no_error_log
[alert]
exited on signal



=== TEST 3: CPU profiles: two nodes at once, one node one at a time
--- init
::t_cpu()
--- request
GET /nodes/n1/debug/pprof/heap
--- no_error_log
[alert]
[error]
exited on signal



=== TEST 4: every injection attempt is 400 with the reason and a log line, before any upstream contact
--- init
::t_injection()
--- request
GET /byarg/heap?node=a%2fb
--- error_code: 400
--- error_log eval
qr/\[info\] .*pprof: the value of "\$arg_node" must be a Kubernetes name: .* it holds a character not allowed \("%"\)/
--- no_error_log
[alert]
exited on signal



=== TEST 5: the token goes to the configured host alone, whatever the value
--- init
::t_host()
--- request
GET /echo/heap?node=n1
--- no_error_log
[alert]
exited on signal



=== TEST 6: 403 through the proxy names the nodes/proxy or pods/proxy rule
--- init
::t_forbidden()
--- request
GET /nodes/forbidden/debug/pprof/heap
--- error_code: 502
--- no_error_log
[alert]
exited on signal



=== TEST 7: a regex location with named captures and an if: the if block uses the location's target
--- request eval
["GET /ctl/reset",
 "GET /nodes/n3/debug/pprof/heap?x=1&format=top",
 "GET /nodes/n4/debug/pprof/heap?format=top",
 "GET /nodes/N4/debug/pprof/heap?x=1",
 "GET /ctl/requests"]
--- error_code eval
[200, 200, 200, 400, 200]
--- response_headers eval
["", "X-If: n3", "!X-If", "", ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "Type: inuse_space",
 "Type: inuse_space",
 "\\Athe value of \"\\\$node\" must be a Kubernetes name",
 "\\AGET /api/v1/nodes/n3/proxy/debug/pprof/heap auth=valid\\nGET /api/v1/nodes/n4/proxy/debug/pprof/heap auth=valid\\n\\z"]
--- no_error_log
[alert]
exited on signal



=== TEST 8: a variable in the host fails the configuration
--- config
    location /x/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://$arg_host/debug/pprof/;
    }
--- request
GET /x/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_pass" host must be literal: variables may only be in the path, so that the token is sent to the configured APIServer alone, in "https:\/\/\$arg_host\/debug\/pprof\/"/



=== TEST 9: a variable port fails the configuration
--- config
    location /x/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:${arg_port};
    }
--- request
GET /x/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_pass" host must be literal/



=== TEST 10: numbered captures are refused: they are to be named
--- config
    location ~ ^/n/([^/]+)/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$1/proxy/debug/pprof/;
    }
--- request
GET /n/a/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_pass": "\$1": numbered captures are not supported, name them in the location's regex: \(\?<name>\.\.\.\)/



=== TEST 11: an unknown variable, an unclosed ${, a path not ending with / fail the configuration
--- config
    location /x/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$no_such_variable/proxy/debug/pprof/;
    }
--- request
GET /x/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown "no_such_variable" variable/



=== TEST 12: an unclosed ${ fails the configuration
--- config
    location /x/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/${arg_node/proxy/debug/pprof/;
    }
--- request
GET /x/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_pass": the variable name after "\$\{" has no "\}"/



=== TEST 13: a variable at the end of the path fails it: the prefix ends with "/"
--- config
    location /x/ {
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$arg_node;
    }
--- request
GET /x/heap
--- must_die
--- error_log eval
qr/\[emerg\] .*"pprof_pass" prefix "\/api\/v1\/nodes\/\$arg_node" must be a plain path ending with "\/"/



=== TEST 14: an upstream{} block as the host, a map's value as the node, and a reload keeps the targets' captures
--- http_config
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
    upstream apiserver {
        server 127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        keepalive 4;
    }
    map $arg_target $mapped_node {
        default     "";
        kubelet-b   node-b;
    }
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    pprof_cache pprof;
    location ~ ^/up/(?<unode>[^/]+)/ {
        pprof_ssl_name 127.0.0.1;
        pprof_pass https://apiserver/api/v1/nodes/$unode/proxy/debug/pprof/;
    }
    location /mapped/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$mapped_node/proxy/debug/pprof/;
    }
--- init
::t_blocks()
--- request
GET /up/n5/heap?format=top
--- response_body_like: Type: inuse_space
--- no_error_log
[alert]
[error]
exited on signal
