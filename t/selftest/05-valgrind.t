# TEST_NGINX_USE_VALGRIND: a clean run passes; valgrind errors fail.  The
# failing case uses custom valgrind options (which bypass the built-in
# suppression of nginx core's known ngx_set_environment leak), so stock
# nginx itself produces a "definitely lost" report.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use SubProve;

my $have = grep { -x "$_/valgrind" } split /:/, $ENV{PATH} || '';
plan skip_all => 'valgrind is not installed' unless $have;
plan tests => 6;

my $text = <<'_EOF_';
use Test::Nginx::Socket;
plan tests => repeat_each() * blocks() * 2;
run_tests();
__DATA__
=== TEST 1: under valgrind
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello
_EOF_

my $r = sub_prove($text, TEST_NGINX_USE_VALGRIND => 1);
is($r->{rc}, 0, 'clean run under valgrind passes') or diag($r->{out});
ok(!nginx_left_running($r->{servroot}), 'no nginx left running');

$r = sub_prove($text, TEST_NGINX_USE_VALGRIND => '--tool=memcheck --leak-check=full');
isnt($r->{rc}, 0, 'valgrind errors make the run fail') or diag($r->{out});
like($r->{out}, qr/^not ok \d+ - .*valgrind reported errors/m, 'failure names valgrind');
like($r->{out}, qr/==\d+== .*definitely lost/, 'valgrind report is shown');
ok(!nginx_left_running($r->{servroot}), 'no nginx left running');
