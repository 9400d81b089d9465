# Self-test of t/lib/Test/Nginx/Socket.pm against stock nginx (no module).
# The plan is counted by hand from the rules at the top of Socket.pm, so a
# miscount in the runner fails this file.
use strict;
use warnings;
use Test::Nginx::Socket;

# per-block counts, in order (see each block's "# n" note)
plan tests => repeat_each() * 80;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: return 200 - status + body
# 2
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello



=== TEST 2: static file from user_files + a response header
# 3
--- user_files
>>> foo.txt
foo bar
--- config
--- request
GET /foo.txt
--- response_headers
Content-Length: 8
--- response_body
foo bar



=== TEST 3: add_header, absent header, empty header
# 5
--- config
    location = /h {
        add_header X-Foo bar;
        return 200 "h\n";
    }
--- request
GET /h
--- response_headers
X-Foo: bar
!X-Absent
X-Empty:
--- response_body
h



=== TEST 4: response_headers_like
# 3
--- config
    location = /h {
        add_header X-Num 12345;
        return 204;
    }
--- request
GET /h
--- error_code: 204
--- response_headers_like
Server: nginx.*
X-Num: \d+



=== TEST 5: 404 logs open() failed
# 6
--- config
--- request
GET /does-not-exist.txt
--- error_code: 404
--- response_body_like: 404 Not Found
--- error_log
open() "
failed (2: No such file or directory)
--- no_error_log
[alert]
[crit]



=== TEST 6: array of requests
# 6
--- config
    location = /a { return 200 "a\n"; }
    location = /b { return 201 "b\n"; }
--- request eval
["GET /a", "GET /b"]
--- error_code eval
[200, 201]
--- response_body eval
["a\n", "b\n"]
--- no_error_log
[error]



=== TEST 7: raw_request (HTTP/1.0)
# 2
--- config
    location = /raw { return 200 "raw $server_protocol\n"; }
--- raw_request eval
"GET /raw HTTP/1.0\r\nHost: localhost\r\n\r\n"
--- response_body
raw HTTP/1.0



=== TEST 8: more_headers
# 2
--- config
    location = /mh { return 200 "$http_x_foo $http_x_bar $http_host\n"; }
--- more_headers
X-Foo: hello
X-Bar: world
--- request
GET /mh
--- response_body
hello world localhost



=== TEST 9: POST body gets a Content-Length (body trimmed)
# 2
--- config
    location = /len { return 200 "len=$content_length method=$request_method\n"; }
--- request
POST /len
hello world
--- response_body
len=11 method=POST



=== TEST 10: default root location, response_body_like
# 2
--- config
--- request
GET /
--- response_body_like: ^<html>.*It works!



=== TEST 11: error_log eval with a regex and a string
# 3
--- config
--- request
GET /nope
--- error_code: 404
--- error_log eval
[qr/open\(\) ".*nope" failed/, "No such file"]



=== TEST 12: grep_error_log
# 2
--- config
--- request
GET /missing
--- error_code: 404
--- grep_error_log eval
qr/No such file or directory/
--- grep_error_log_out
No such file or directory



=== TEST 13: client timeout tolerated with abort + ignore_response
# 1
--- config
--- raw_request eval
"GET / HTTP/1.1\r\nHost: localhost\r\n"
--- timeout: 300ms
--- abort
--- ignore_response
--- no_error_log
[alert]



=== TEST 14: $TEST_NGINX_SERVER_PORT in config, $ServerPort in expectations
# 2
--- config
    location = /p { return 200 "port=$TEST_NGINX_SERVER_PORT\n"; }
--- request
GET /p
--- response_body
port=$ServerPort



=== TEST 15: $TEST_NGINX_HTML_DIR in config, user file in a subdirectory
# 2
--- user_files
>>> sub/a.txt
in sub
--- config
    location /al/ { alias $TEST_NGINX_HTML_DIR/sub/; }
--- request
GET /al/a.txt
--- response_body
in sub



=== TEST 16: chunked response (sub_filter drops Content-Length)
# 4
--- user_files
>>> c.txt
foo baz
--- config
    location = /c.txt {
        sub_filter foo bar;
        sub_filter_types text/plain;
    }
--- request
GET /c.txt
--- response_headers
Transfer-Encoding: chunked
!Content-Length
--- response_body
bar baz



=== TEST 17: HEAD request has no body
# 3
--- config
    location = /t { return 200 "hello\n"; }
--- request
HEAD /t
--- response_headers
Content-Length: 6
--- response_body chomp



=== TEST 18: pipelined requests
# 4
--- config
    location = /a { return 200 "a\n"; }
    location = /b { return 200 "b\n"; }
--- pipelined_requests eval
["GET /a", "GET /b"]
--- response_body eval
["a\n", "b\n"]



=== TEST 19: init runs Perl before the requests
# 2
--- config
--- init
open my $f, '>', "$ENV{TEST_NGINX_HTML_DIR}/init.txt" or die $!;
print $f "init ran\n";
close $f;
--- request
GET /init.txt
--- response_body
init ran



=== TEST 20: http_config
# 2
--- http_config
    map $uri $from_http_config {
        default "mapped";
    }
--- config
    location = /m { return 200 "$from_http_config\n"; }
--- request
GET /m
--- response_body
mapped



=== TEST 21: per-block log_level
# 4
--- log_level: warn
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- no_error_log
[debug]
[info]



=== TEST 22: server_name section
# 2
--- server_name: foo.test
--- config
    location = /s { return 200 "$server_name\n"; }
--- request
GET /s
--- response_body
foo.test



=== TEST 23: error_code_like
# 2
--- config
    location = /t { return 202 "accepted\n"; }
--- request
GET /t
--- error_code_like: ^2\d\d$
--- response_body
accepted



=== TEST 24: comment lines before the request
# 2
--- config
    location = /t { return 200 "$args\n"; }
--- request
# the args are
# "a=1&b=2"
GET /t?a=1&b=2
--- response_body
a=1&b=2



=== TEST 25: timeout and wait sections on a normal request
# 2
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- timeout: 2
--- wait: 0.1
--- response_body
ok



=== TEST 26: request split in packets
# 2
--- config
    location = /len { return 200 "len=$content_length\n"; }
--- request eval
[["POST /len\nhel", {value => "lo", delay_before => 0.1}]]
--- response_body
len=5



=== TEST 27: more_headers per request
# 4
--- config
    location = /t { return 200 "$http_x_foo\n"; }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["X-Foo: one", "X-Foo: two"]
--- response_body eval
["one\n", "two\n"]



=== TEST 28: response_body eval giving a regex
# 2
--- config
    location = /t { return 200 "abc 123\n"; }
--- request
GET /t
--- response_body eval
qr/^abc \d+$/m



=== TEST 29: repeated header names are joined
# 2
--- config
    location = /t {
        add_header X-Dup a;
        add_header X-Dup b;
        return 204;
    }
--- request
GET /t
--- error_code: 204
--- response_headers
X-Dup: a, b



=== TEST 30: SKIP blocks are neither run nor counted
--- SKIP
--- config
    this is not valid nginx config;
--- request
GET /t
--- response_body
never
