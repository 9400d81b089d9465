# Wrong expectations must FAIL: each case runs a tiny test file in a child
# `prove` and checks that prove reports failure (and why), that it does
# not hang, and that no nginx is left running.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use SubProve;

my $head = "use Test::Nginx::Socket 'no_plan';\nrun_tests();\n__DATA__\n";

my @cases = (
    {
        name => 'wrong response_body',
        text => <<'_EOF_',
=== TEST 1: body
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hellx
_EOF_
        like => [qr/^not ok \d+ - .*TEST 1: body - response_body/m,
                 qr/strings begin to differ at char 5/],
    },
    {
        name => 'wrong status code',
        text => <<'_EOF_',
=== TEST 1: status
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- error_code: 404
_EOF_
        like => [qr/^not ok \d+ - .*TEST 1: status - status code ok/m],
    },
    {
        name => 'unexpected 404 (error_code defaults to 200)',
        text => <<'_EOF_',
=== TEST 1: default 200
--- config
--- request
GET /no-such-file
_EOF_
        like => [qr/^not ok \d+ - .*status code ok/m],
    },
    {
        name => 'error_log pattern never logged',
        text => <<'_EOF_',
=== TEST 1: error_log
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- error_log
this text is never logged
_EOF_
        like => [qr/^not ok \d+ - .*"this text is never logged" should match a line in error\.log/m],
    },
    {
        name => 'no_error_log pattern logged',
        text => <<'_EOF_',
=== TEST 1: no_error_log
--- config
--- request
GET /no-such-file
--- error_code: 404
--- no_error_log
[error]
_EOF_
        like => [qr/^not ok \d+ - .*"\[error\]" should not match any line in error\.log/m],
    },
    {
        name => 'wrong and unexpected headers',
        text => <<'_EOF_',
=== TEST 1: headers
--- config
    location = /t { add_header X-Foo bar; return 200 "hello\n"; }
--- request
GET /t
--- response_headers
X-Foo: baz
!Server
_EOF_
        like => [qr/^not ok \d+ - .*header X-Foo ok/m,
                 qr/^not ok \d+ - .*header Server not present/m],
    },
    {
        name => 'response_body_like mismatch',
        text => <<'_EOF_',
=== TEST 1: like
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body_like: ^bye
_EOF_
        like => [qr/^not ok \d+ - .*response_body_like/m],
    },
    {
        name => 'array of requests: second one wrong',
        text => <<'_EOF_',
=== TEST 1: two requests
--- config
    location = /a { return 200 "a\n"; }
--- request eval
["GET /a", "GET /a"]
--- response_body eval
["a\n", "b\n"]
_EOF_
        like => [qr/^ok \d+ - .*req 0\)/m, qr/^not ok \d+ - .*req 1\)/m],
    },
    {
        name => 'client timeout (request never completes)',
        text => <<'_EOF_',
=== TEST 1: hang
--- config
--- raw_request eval
"GET / HTTP/1.1\r\nHost: localhost\r\n"
--- timeout: 1
_EOF_
        like => [qr/^not ok \d+ - ERROR: client socket timed out - .*TEST 1: hang/m],
        max_secs => 30,
    },
    {
        name => 'bad nginx config',
        text => <<'_EOF_',
=== TEST 1: bad config
--- config
    bogus_directive on;
--- request
GET /t
_EOF_
        like => [qr/^not ok \d+ - .*nginx failed to start/m,
                 qr/unknown directive "bogus_directive"/],
    },
    {
        name => 'TEST_NGINX_LOAD_MODULES with a missing module',
        env  => { TEST_NGINX_LOAD_MODULES => '/nonexistent/ngx_fake_module.so' },
        text => <<'_EOF_',
=== TEST 1: load module
--- config
--- request
GET /
_EOF_
        like => [qr/^not ok \d+ - .*nginx failed to start/m,
                 qr{ngx_fake_module\.so}],
        conf_like => qr/\A(?:#[^\n]*\n)*load_module \/nonexistent\/ngx_fake_module\.so;\n/,
    },
    {
        name => 'plan that does not match the tests run',
        head => "use Test::Nginx::Socket;\nplan tests => 3;\nrun_tests();\n__DATA__\n",
        text => <<'_EOF_',
=== TEST 1: two tests, three planned
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello
_EOF_
        like => [qr/planned 3 tests but ran 2/],
    },
    {
        name => 'undefined $TEST_NGINX_ variable aborts the run',
        text => <<'_EOF_',
=== TEST 1: env
--- config
    location = /t { return 200 "$TEST_NGINX_SELFTEST_UNDEFINED_VAR"; }
--- request
GET /t
_EOF_
        like => [qr/Bail ?out.*No environment TEST_NGINX_SELFTEST_UNDEFINED_VAR defined/],
    },
    # positive controls: the harness must not fail everything
    {
        name => 'positive control',
        pass => 1,
        head => "use Test::Nginx::Socket;\nplan tests => repeat_each() * blocks() * 3;\nrun_tests();\n__DATA__\n",
        text => <<'_EOF_',
=== TEST 1: right
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello
--- no_error_log
[error]
_EOF_
        like => [qr/^ok 3 - /m],
    },
    {
        name => 'must_die passes for a bad config',
        pass => 1,
        text => <<'_EOF_',
=== TEST 1: must die
--- config
    bogus_directive on;
--- request
GET /t
--- must_die
--- error_log
unknown directive "bogus_directive"
_EOF_
        like => [qr/^ok \d+ - .*die as expected/m],
    },
);

plan tests => 3 * @cases
    + (grep { $_->{max_secs} } @cases)
    + (grep { $_->{conf_like} } @cases)
    + (map { @{ $_->{like} } } @cases);

for my $c (@cases) {
    my $r = sub_prove(($c->{head} || $head) . $c->{text}, %{ $c->{env} || {} });
    my $n = $c->{name};
    if ($c->{pass}) {
        is($r->{rc}, 0, "$n: prove passes") or diag($r->{out});
        unlike($r->{out}, qr/^not ok/m, "$n: no failing test");
    } else {
        isnt($r->{rc}, 0, "$n: prove reports failure") or diag($r->{out});
        like($r->{out}, qr/^Result: FAIL/m, "$n: Result: FAIL");
    }
    for my $re (@{ $c->{like} }) {
        like($r->{out}, $re, "$n: output matches $re");
    }
    if ($c->{max_secs}) {
        cmp_ok($r->{secs}, '<', $c->{max_secs}, "$n: finished in $c->{max_secs}s");
    }
    if ($c->{conf_like}) {
        open my $in, '<', "$r->{servroot}/conf/nginx.conf";
        my $conf = $in ? do { local $/; <$in> } : '';
        like($conf, $c->{conf_like}, "$n: nginx.conf layout");
    }
    my @left = nginx_left_running($r->{servroot});
    ok(!@left, "$n: no nginx left running") or diag("left: @left");
}
