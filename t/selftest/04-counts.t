# The number of tests each kind of section emits (the rules documented at
# the top of t/lib/Test/Nginx/Socket.pm, which follow the real
# Test::Nginx::Socket), checked per block, with repeat_each 1 and 2.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use SubProve;

my %expect = (
    1  => 3,   # status + 2 no_error_log lines
    2  => 6,   # 2 requests: 2 status + (1 error_log + 1 no_error_log) x 2 checks
    3  => 3,   # status + 2 distinct names in response_headers (one repeated)
    4  => 2,   # response_headers wins over response_headers_like
    5  => 1,   # ignore_response: only the error_log pattern
    6  => 2,   # status + grep_error_log_out
    7  => 9,   # 3 pipelined: 3 x (status + body) + 3 x no_error_log
    8  => 2,   # skip_eval "2: ..." emits 2 skips
    9  => 1,   # todo "1: ..." emits 1 todo_skip
    10 => 2,   # must_die: died + error_log pattern
    11 => 2,   # response_body wins over response_body_like
    12 => 3,   # status (error_code_like) + raw_response_headers_like + _unlike
);

my $text = <<'_EOF_';
use Test::Nginx::Socket 'no_plan';
repeat_each($ENV{SELFTEST_REPEAT});
no_shuffle();
run_tests();
__DATA__

=== TEST 1: no_error_log with two lines
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- no_error_log
[alert]
[emerg]

=== TEST 2: two requests with error-log checks
--- config
    location = /t { return 200 "ok\n"; }
--- request eval
["GET /t", "GET /t"]
--- error_log
GET /t
--- no_error_log
[alert]

=== TEST 3: response_headers
--- config
    location = /t { add_header X-A 1; return 200 "ok\n"; }
--- request
GET /t
--- response_headers
X-A: 1
X-A: 1
!X-B

=== TEST 4: response_headers and response_headers_like
--- config
    location = /t { add_header X-A 1; return 200 "ok\n"; }
--- request
GET /t
--- response_headers
X-A: 1
--- response_headers_like
X-A: \d
Server: .*

=== TEST 5: ignore_response
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- ignore_response
--- error_log
GET /t

=== TEST 6: grep_error_log
--- config
--- request
GET /nope
--- error_code: 404
--- grep_error_log chop
No such file or directory
--- grep_error_log_out
No such file or directory

=== TEST 7: pipelined
--- config
    location = /t { return 200 "ok\n"; }
--- pipelined_requests eval
["GET /t", "GET /t", "GET /t"]
--- response_body eval
["ok\n", "ok\n", "ok\n"]
--- no_error_log
[alert]

=== TEST 8: skip_eval
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- skip_eval: 2: 1

=== TEST 9: todo
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- todo
1: not done yet

=== TEST 10: must_die
--- config
    bogus_directive on;
--- request
GET /t
--- must_die
--- error_log
bogus_directive

=== TEST 11: response_body and response_body_like
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- response_body_like: nope

=== TEST 12: raw response headers
--- config
    location = /t { return 201 "ok\n"; }
--- request
GET /t
--- error_code_like: ^20[01]$
--- raw_response_headers_like: ^HTTP/1\.1 201
--- raw_response_headers_unlike: X-Nope
_EOF_

plan tests => 2 * (2 + keys %expect);

for my $repeat (1, 2) {
    my $r = sub_prove($text, SELFTEST_REPEAT => $repeat);
    is($r->{rc}, 0, "repeat $repeat: all pass") or diag($r->{out});
    my %got;
    for my $line (split /\n/, $r->{out}) {
        $got{$1}++ if $line =~ /^(?:not )?ok \d+ .*?TEST (\d+):/;
    }
    for my $t (sort { $a <=> $b } keys %expect) {
        is($got{$t} || 0, $expect{$t} * $repeat, "repeat $repeat: TEST $t emits "
           . ($expect{$t} * $repeat) . " tests");
    }
    my $total = 0;
    $total += $_ for values %expect;
    like($r->{out}, qr/^1\.\.\Q@{[$total * $repeat]}\E$/m, "repeat $repeat: total");
}
