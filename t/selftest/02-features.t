# repeat_each, add_block_preprocessor, master_on/workers, shuffling (the
# default), env_to_nginx, per-repeat error-log slicing.
use strict;
use warnings;
use Test::Nginx::Socket;

repeat_each(2);
master_on();
workers(2);
env_to_nginx("SELFTEST_FOO=bar");

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value("request", "GET /t") unless defined $block->request;
    $block->set_value("no_error_log", "[error]") unless defined $block->no_error_log;
});

# every block: status + one body/log check + the no_error_log pattern;
# +1 for the nginx.conf check at the end
plan tests => repeat_each() * (blocks() * 3) + 1;

run_tests();

open my $in, '<', server_root() . '/conf/nginx.conf' or die $!;
my $conf = do { local $/; <$in> };
like($conf, qr/^env SELFTEST_FOO=bar;$/m, "env_to_nginx lands in nginx.conf");

__DATA__

=== TEST 1: two workers under a master; request from the preprocessor
--- config
    location = /t { return 200 "pid=$pid\n"; }
--- response_body_like: ^pid=\d+$



=== TEST 2: user files are rewritten for every repetition
--- user_files
>>> f.txt
x
--- config
    location = /t { alias $TEST_NGINX_HTML_DIR/f.txt; }
--- response_body
x



=== TEST 3: each repetition sees the error-log lines of its own request
--- config
--- request
GET /nope
--- error_code: 404
--- grep_error_log eval
qr/\*\d+ open\(\) "[^"]*nope" failed/
--- grep_error_log_out eval
[qq{*1 open() "$ENV{TEST_NGINX_SERVER_ROOT}/html/nope" failed\n},
 qq{*2 open() "$ENV{TEST_NGINX_SERVER_ROOT}/html/nope" failed\n}]
--- no_error_log
[alert]



=== TEST 4: error_log checked once per repetition
--- config
--- request
GET /missing
--- error_code: 404
--- error_log
open() "
--- no_error_log
[crit]
