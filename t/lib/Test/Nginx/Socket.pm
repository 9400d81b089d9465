package Test::Nginx::Socket;

# A small, self-contained work-alike of openresty's Test::Nginx::Socket
# (written from its documentation; no code of it is copied).  Test files
# in the Test::Nginx::Socket format run unchanged under this module and
# under the real one.  Core Perl only.
#
#   use Test::Nginx::Socket 'no_plan';          # or: use ...; plan tests => N;
#   repeat_each(2); no_shuffle(); run_tests();
#   __DATA__
#   === TEST 1: title
#   --- config
#       location = /t { return 200 "hi\n"; }
#   --- request
#   GET /t
#   --- response_body
#   hi
#
# HOW MANY TESTS A BLOCK EMITS (so that "plan tests => ..." agrees with
# the real scaffold).  Per request of a block (a block has 1 request, or
# N with "--- request eval [...]"; "--- pipelined_requests" counts each
# pipelined request), unless "--- ignore_response" is given:
#     1  status code (always: error_code / error_code_like, else 200)
#     1  raw_response_headers_like, if given;  1  raw_response_headers_unlike
#     1  per header line of response_headers (a header named twice counts
#        once); only if there is no response_headers: 1 per header line
#        of response_headers_like
#     1  response_body (or response_body_eval), else
#     1  response_body_like, else 1 response_body_unlike
#     +  whatever add_response_body_check() hooks emit
# Error-log checks run after every request but the last, and once more at
# the end of the block (so "× number of requests"), each time on the lines
# logged since the previous check (all lines with check_accum_error_log()):
#     1  per pattern of error_log         (a line of text, or an element of
#     1  per pattern of no_error_log       an eval'ed array: string or qr//)
#     1  grep_error_log/grep_error_log_out pair
#     1  per pattern of access_log / no_access_log (not with ignore_response)
# Every block runs repeat_each() times, so plans look like
#     plan tests => repeat_each() * (blocks() * 3 + 2);
# skip_eval / skip_nginx / skip_nginx2 / todo emit exactly their N.
# must_die blocks: 1 (died as expected) + the error-log checks, per repeat.
# "--- SKIP" blocks are not counted by blocks() and emit nothing.
# Problems add extra FAILING tests (so a plan can never pass by accident):
# client timeout ("ERROR: client socket timed out", unless --- abort),
# connection failure, bad chunked encoding, nginx failing to start (with
# its stderr), "Assertion ... failed" in error.log, valgrind errors.
#
# Sections: config http_config main_config post_main_config server_name
# request (string, or eval: array of requests, each a string or an array
# of packets: strings or {value => ..., delay_before => secs}) raw_request
# pipelined_requests more_headers (string or array per request)
# raw_request_middle_delay shutdown error_code error_code_like
# response_body response_body_eval response_body_like response_body_unlike
# response_body_filters response_headers response_headers_like
# raw_response_headers_like raw_response_headers_unlike error_log
# no_error_log grep_error_log grep_error_log_out access_log no_access_log
# log_level error_log_file timeout abort wait ignore_response http09 init
# user_files must_die skip_eval skip_nginx skip_nginx2 todo ONLY SKIP LAST.
# Silently ignored (documented upstream, not supported here): curl http2
# http3 stap* udp_* tcp_* shutdown_error_log no_check_leak reload_fails.
#
# Environment: TEST_NGINX_BINARY TEST_NGINX_LOAD_MODULES
# TEST_NGINX_SERVER_PORT / TEST_NGINX_PORT (default: a random free port per
# run, where the real one uses 1984) TEST_NGINX_CLIENT_PORT
# TEST_NGINX_SERVER (client address, 127.0.0.1) TEST_NGINX_RANDOMIZE
# TEST_NGINX_SERVROOT TEST_NGINX_NO_CLEAN TEST_NGINX_LOG_LEVEL
# TEST_NGINX_TIMEOUT TEST_NGINX_SLEEP TEST_NGINX_NO_SHUFFLE
# TEST_NGINX_MASTER_PROCESS TEST_NGINX_USE_VALGRIND TEST_NGINX_WORKER_USER
# TEST_NGINX_EVENT_TYPE TEST_NGINX_POSTPONE_OUTPUT TEST_NGINX_REUSE_PORT
# TEST_NGINX_CHECK_ACCUM_ERR_LOG TEST_NGINX_VERBOSE, and $TEST_NGINX_*
# expansion in config, http_config, main_config, post_main_config and
# user_files (like the real one: not in request or more_headers).
# TEST_NGINX_SERVER_PORT and TEST_NGINX_HTML_DIR are set when unset (the
# real one sets only the former: portable files do
# "$ENV{TEST_NGINX_HTML_DIR} ||= html_dir();").
#
# DIFFERENCES FROM THE REAL Test::Nginx::Socket (besides the unsupported
# sections above, HUP reload mode, check-leak/benchmark modes):
#  - no TEST_NGINX_*PORT given: a random free port (probed by binding),
#    not 1984; if nginx then finds it taken, another one is picked.
#  - nginx.conf has its own layout (line numbers differ); load_module
#    lines come first; the *_temp_path directives point into the servroot
#    (unless http_config sets them); "user root;" (when run as root, like
#    the real one) is left out if main_config has a user directive.
#  - nginx failing to start gives one failing test with nginx's stderr
#    and the block is skipped (the real one retries 30 s and bails out).
#  - a no_error_log pattern matching several lines fails once (the real
#    one fails once per matching line), with the lines as diagnostics.
#  - a block without --- config reuses the previous block's config but
#    nginx is still restarted with this block's other sections.
#  - must_die: nginx's stderr is appended to error.log before the checks
#    (nginx reports config errors on stderr, e.g. Debian's build).
#  - string comparisons report "strings begin to differ at char N" with a
#    few lines of context (no Test::LongString / Text::Diff).
#  - TEST_NGINX_USE_VALGRIND: valgrind's reports become a failing test
#    (the real one only prints them); nginx core's known
#    ngx_set_environment leak is suppressed (Test/Nginx/valgrind.suppress).
#  - on Linux the runner makes itself a child subreaper so daemonized
#    nginx processes get reaped; default INT/TERM/HUP handlers are replaced
#    by ones that exit through END, which always stops nginx (unless
#    TEST_NGINX_NO_CLEAN).

use strict;
use warnings;

use Test::More ();
use IO::Socket::INET ();
use IO::Select ();
use List::Util qw(shuffle min);
use POSIX qw(EAGAIN EWOULDBLOCK EINTR);
use Time::HiRes qw(sleep time);
use File::Path qw(remove_tree);

use Test::Nginx::Block;
use Test::Nginx::Util;

our $VERSION = '0.01';

our @EXPORT_FUNCS = qw(
    env_to_nginx is_str run_tests run_test repeat_each config_preamble
    worker_connections master_process_enabled no_long_string workers
    master_on master_off log_level no_shuffle no_root_location use_hup
    server_name server_addr server_root html_dir server_port
    server_port_for_client timeout no_nginx_manager check_accum_error_log
    add_block_preprocessor bail_out add_cleanup_handler
    add_response_body_check
    blocks next_block filters no_diag_on_only no_diff spec_file spec_string
);
our @EXPORT = @EXPORT_FUNCS;

# old-style access: $Test::Nginx::Socket::RepeatEach
*RepeatEach = \$Test::Nginx::Util::RepeatEach;

our @ResponseBodyChecks;
our $PrevConfig;
our $Started;

my ($SpecFile, $SpecString, $NoDiagOnOnly, @ExtraFilters, %SectionFilters);
my $Blocks;
my $NextBlockIdx = 0;

sub import {
    my ($class, @args) = @_;
    my $caller = caller;
    no strict 'refs';

    if (@args && defined $args[0] && $args[0] eq '-Base') {
        # "use Test::Nginx::Socket -Base;" in a subclass package
        shift @args;
        push @{"${caller}::ISA"}, $class unless $caller->isa($class);
    }

    # Test::More's functions (and the plan: 'no_plan', tests => N, ...)
    local $@;
    eval "package $caller; Test::More->import(\@args); 1" or die $@;

    my %seen;
    for my $pkg ($class eq __PACKAGE__ ? (__PACKAGE__) : ($class, __PACKAGE__)) {
        for my $f (@{"${pkg}::EXPORT"}) {
            next if $f =~ /^[\$\@%]/ || $seen{$f}++;
            my $code = $pkg->can($f) or next;
            *{"${caller}::$f"} = $code;
        }
    }
    return;
}

# ---------------------------------------------------------------------
# Test::Base-like data access

sub spec_file   { $SpecFile = shift; undef $Blocks; return }
sub spec_string { $SpecString = shift; undef $Blocks; return }
sub no_diag_on_only { $NoDiagOnOnly = 1; return }
sub no_diff { return }    # diffs are short already

sub filters {
    my @f = @_;
    if (@f == 1 && ref $f[0] eq 'HASH') {
        %SectionFilters = (%SectionFilters, %{ $f[0] });
    } else {
        push @ExtraFilters, @f;
    }
    undef $Blocks;
    return;
}

sub _spec_text {
    return $SpecString if defined $SpecString;
    local $/;
    if (defined $SpecFile) {
        open my $in, '<', $SpecFile or die "Cannot open $SpecFile: $!\n";
        my $t = <$in>;
        close $in;
        return $t;
    }
    no strict 'refs';
    no warnings 'once';
    my $fh = \*{'main::DATA'};
    if (defined fileno $fh) {
        my $t = <$fh>;
        return defined $t ? $t : '';
    }
    # fall back to the test script itself
    open my $in, '<', $0 or return '';
    my $all = <$in>;
    close $in;
    return $all =~ /^__(?:DATA|END)__\r?\n(.*)\z/ms ? $1 : '';
}

sub _load_blocks {
    return $Blocks if $Blocks;
    my $text = _spec_text();
    if (@ExtraFilters || %SectionFilters) {
        # append the global/section filters to every section header
        my $extra = join ' ', @ExtraFilters;
        $text =~ s{^(---[ \t]+(\w+))([ \t]*)(.*)$}{
            my ($head, $sec, $rest) = ($1, $2, $4);
            my $sf = $SectionFilters{$sec};
            $sf = join ' ', @$sf if ref $sf;
            my $add = join ' ', grep { defined && length } $extra, $sf;
            if (!length $add) { "$head $rest" }
            elsif ($rest =~ /^([^:]*?)\s*:(\s.*|)$/) { "$head $add $1:$2" }
            else { "$head $add $rest" }
        }gme;
    }
    $Blocks = [ Test::Nginx::Block->parse_spec($text,
                                               no_diag_on_only => $NoDiagOnOnly) ];
    return $Blocks;
}

sub blocks {
    my @want = @_;
    my $all = _load_blocks();
    my @b = grep {
        my $blk = $_;
        !grep { !$blk->has_section($_) } @want;
    } @$all;
    return @b;
}

sub next_block {
    my $all = _load_blocks();
    return $all->[ $NextBlockIdx++ ];
}

sub add_response_body_check { push @ResponseBodyChecks, shift; return }

# ---------------------------------------------------------------------
# running

sub run_tests {
    Test::Nginx::Util::probe_nginx();

    if ($PortIsRandom || !defined $ENV{TEST_NGINX_SERVER_PORT}) {
        $ENV{TEST_NGINX_SERVER_PORT} = $ServerPort;
    }
    $ENV{TEST_NGINX_HTML_DIR} = $HtmlDir unless defined $ENV{TEST_NGINX_HTML_DIR};

    my @blocks = blocks();
    @blocks = shuffle @blocks unless $Test::Nginx::Util::NoShuffle;

    for my $block (@blocks) {
        $_->($block) for @Test::Nginx::Util::BlockPreprocessors;
        $block->set_value(name => "$0 " . $block->name);
        run_test($block);
    }

    Test::Nginx::Util::cleanup();
    return;
}

sub _version_cond {
    my ($op, $v) = @_;
    my $cur = $Test::Nginx::Util::NginxVersion;
    return $op eq '<'  ? $cur <  $v
         : $op eq '<=' ? $cur <= $v
         : $op eq '>'  ? $cur >  $v
         :               $cur >= $v;
}

sub run_test {
    my ($block) = @_;
    return if $block->has_section('SKIP');

    Test::Nginx::Util::probe_nginx();
    my $name = $block->name;

    my $raw_config = $block->config;
    if (!defined $raw_config) {
        bail_out("$name - No '--- config' section specified and could not "
                 . "get previous one.") unless defined $PrevConfig;
        $raw_config = $PrevConfig;
    }
    $PrevConfig = $raw_config;

    # skip / todo
    my ($should_skip, $tests_to_skip, $skip_reason, $should_todo, $todo_reason);
    if (defined(my $se = $block->skip_eval)) {
        $se =~ /^\s*(\d+)\s*:\s*(.*)/s
            or bail_out("$name - Invalid --- skip_eval spec: $se");
        $tests_to_skip = $1;
        my $code = $2;
        $skip_reason = 'skip_eval';
        $should_skip = do { package main; no strict; no warnings; eval $code };
        bail_out("$name - skip_eval - failed to eval the Perl code \"$code\": $@")
            if $@;
    }
    if (defined(my $sn = $block->skip_nginx)) {
        $sn =~ /^\s*(\d+)\s*:\s*([<>]=?)\s*(\d+)\.(\d+)\.(\d+)(?:\s*:\s*(.*?))?\s*$/s
            or bail_out("$name - Invalid --- skip_nginx spec: $sn");
        $tests_to_skip = $1;
        $skip_reason = $6 || "nginx version $2 $3.$4.$5";
        $should_skip = 1 if _version_cond($2, canon($3, $4, $5));
    } elsif (defined(my $s2 = $block->skip_nginx2)) {
        $s2 =~ /^\s*(\d+)\s*:\s*([<>]=?)\s*(\d+)\.(\d+)\.(\d+)\s*(or|and)\s*
                ([<>]=?)\s*(\d+)\.(\d+)\.(\d+)(?:\s*:\s*(.*?))?\s*$/xs
            or bail_out("$name - Invalid --- skip_nginx2 spec: $s2");
        $tests_to_skip = $1;
        my $a = _version_cond($2, canon($3, $4, $5));
        my $b = _version_cond($7, canon($8, $9, $10));
        $skip_reason = $11 || "nginx version";
        $should_skip = 1 if $6 eq 'or' ? ($a || $b) : ($a && $b);
    }
    if (defined(my $todo = $block->todo)) {
        $todo =~ /^\s*(\d+)\s*:\s*(.*)/s
            or bail_out("$name - Invalid --- todo spec: $todo");
        ($should_todo, $tests_to_skip, $todo_reason) = (1, $1, $2);
    }
    $skip_reason = 'various reasons' unless defined $skip_reason;
    $todo_reason = 'various reasons' unless defined $todo_reason;

    if (defined $block->must_die) {
        return _run_must_die($block, $raw_config);
    }

    my $rand_ports = {};
    if (!$should_skip) {
        $rand_ports = _start_for_block($block, $raw_config) or return;
    }

    if (defined(my $init = $block->init)) {
        my $ok = do { package main; no strict; no warnings; eval "$init; 1" };
        bail_out("$name - init failed: $@") unless $ok;
    }

    $Test::Nginx::Util::ErrLogFilePos = 0;
    for my $i (0 .. $RepeatEach - 1) {
        write_user_files_again($block, $rand_ports) if $i > 0 && !$should_skip;
        if ($should_skip && defined $tests_to_skip) {
            SKIP: { Test::More::skip("$name - $skip_reason", $tests_to_skip) }
        } elsif ($should_todo) {
            TODO: { Test::More::todo_skip("$name - $todo_reason", $tests_to_skip) }
        } else {
            run_test_helper($block, 0, $i);
        }
    }

    if ($Test::Nginx::Util::UseValgrind && !$should_skip) {
        Test::Nginx::Util::stop_nginx($name);
        _check_valgrind($block);
    }
    return;
}

sub canon { Test::Nginx::Util::canon_version(@_) }

sub write_user_files_again {
    my ($block, $rand_ports) = @_;
    Test::Nginx::Util::write_user_files($block, $rand_ports);
}

# (Re)start nginx with this block's configuration.  On failure emits a
# failing test with nginx's output and returns undef.
sub _start_for_block {
    my ($block, $raw_config) = @_;
    my $name = $block->name;

    Test::Nginx::Util::stop_nginx($name);
    $Started = 1;

    my $waited = 0;
    my $port_changes = 0;
    while (1) {
        my $rand_ports = {};
        my $config = Test::Nginx::Util::expand_env_in_text($raw_config, $name,
                                                           $rand_ports);
        Test::Nginx::Util::setup_server_root();
        Test::Nginx::Util::write_user_files($block, $rand_ports);
        Test::Nginx::Util::write_config_file($block, $config, $rand_ports);

        my ($ok, $msg) = Test::Nginx::Util::start_nginx($name);
        return $rand_ports if $ok;

        if (defined $msg && $msg =~ /Address already in use/) {
            if ($PortIsRandom && $port_changes++ < 5) {
                # somebody took our random port: take another one
                my $p = Test::Nginx::Util::gen_rand_port({ $ServerPort => 1 });
                if ($p) {
                    $ServerPort = $ServerPortForClient = $p;
                    $ENV{TEST_NGINX_SERVER_PORT} = $p;
                    next;
                }
            }
            if ($waited < 5) {      # an older nginx may still be exiting
                sleep 0.2;
                $waited += 0.2;
                next;
            }
        }

        Test::Nginx::Util::stop_nginx($name);
        Test::More::fail("$name - nginx failed to start");
        Test::More::diag("$msg\n--- nginx.conf: $ConfFile");
        return undef;
    }
}

sub _run_must_die {
    my ($block, $raw_config) = @_;
    my $name = $block->name;
    my $must_die = $block->must_die;
    $must_die =~ s/^\s+|\s+$//g if defined $must_die && !ref $must_die;
    $Started = 1;

    for my $i (0 .. $RepeatEach - 1) {
        Test::Nginx::Util::stop_nginx($name);
        my $rand_ports = {};
        my $config = Test::Nginx::Util::expand_env_in_text($raw_config, $name,
                                                           $rand_ports);
        Test::Nginx::Util::setup_server_root();
        Test::Nginx::Util::write_user_files($block, $rand_ports);
        Test::Nginx::Util::write_config_file($block, $config, $rand_ports);
        my ($ok, $msg, $status) = Test::Nginx::Util::start_nginx($name, must_die => 1);
        $status = -1 unless defined $status;

        if ($status == -1) {
            Test::More::fail("$name - failed to execute the nginx command line");
        } elsif ($status & 128) {
            Test::More::fail("$name - nginx core dumped");
        } elsif (length $must_die && $must_die =~ /^\d+$/) {
            Test::More::is($status >> 8, $must_die,
                           "$name - die with the expected exit code");
        } else {
            Test::More::isnt($status, 0, "$name - die as expected");
        }

        # nginx reports configuration errors before it has switched to the
        # configured error log: append its stderr to error.log so that
        # --- error_log can see them whatever the build's default log path
        my $stderr = Test::Nginx::Util::slurp("$Test::Nginx::Util::LogDir/nginx.stderr");
        if (length $stderr) {
            if (open my $out, '>>', $ErrLogFile) {
                print $out $stderr;
                close $out;
            }
        }
        $Test::Nginx::Util::ErrLogFilePos = 0;
        check_error_log($block, undef, 0, $i, 0);

        if ($status == 0) {
            warn "WARNING: $name - nginx must die but it does not; killing it (req $i)\n";
            my $deadline = time + 2;
            sleep 0.01 until -f $PidFile || time > $deadline;
            Test::Nginx::Util::stop_nginx($name);
        }
    }
    return;
}

sub _check_valgrind {
    my ($block) = @_;
    my $name = $block->name;
    my @errs;
    my $keep = $ENV{TEST_NGINX_VALGRIND_LOG_DIR};
    my ($suite, $n) = ($0, $name =~ /TEST (\w+)/ ? $1 : 'x');
    $suite =~ s{.*/|\.t\z}{}g;
    for my $f (sort glob("$Test::Nginx::Util::LogDir/valgrind.*.log")) {
        open my $in, '<', $f or next;
        my @lines = <$in>;
        close $in;
        push @errs, grep { /^==\d+==/ } @lines;
        # kept for the caller (make valgrind checks them all once more)
        if ($keep && -d $keep && open my $out, '>', "$keep/$suite-$n-" . ($f =~ m{([^/]+)\z})[0]) {
            print $out @lines;
            close $out;
        }
        unlink $f;
    }
    return unless @errs;
    Test::More::fail("$name - valgrind reported errors");
    my @show = @errs > 80 ? (@errs[0 .. 79], "... (" . (@errs - 80) . " more lines)\n") : @errs;
    Test::More::diag(join '', @show);
    return;
}

# ---------------------------------------------------------------------
# one repetition of a block: send the request(s), check everything

sub run_test_helper {
    my ($block, $dry_run, $rep) = @_;
    my $name = $block->name;

    my $reqs = build_requests($block);
    bail_out("$name - request empty") unless @$reqs;

    my $timeout = Test::Nginx::Util::parse_time(scalar $block->timeout);
    $timeout = $Test::Nginx::Util::Timeout unless defined $timeout && length $timeout;
    # under valgrind everything is slower: TEST_NGINX_TIMEOUT is a floor
    $timeout = $Test::Nginx::Util::Timeout
        if $Test::Nginx::Util::UseValgrind && $timeout < $Test::Nginx::Util::Timeout;

    my $pipelined = $block->pipelined_requests;
    my $need_array = $pipelined ? 1 : @$reqs > 1;
    my $ignore = defined $block->ignore_response;

    my $res;
    my $req_idx = 0;
    for my $ri (0 .. $#$reqs) {
        my $req = $reqs->[$ri];
        my $raw = send_request($block, $req, $timeout);
        $raw = '' unless defined $raw;

        my $n = $req->{pipelined} || 1;
        for my $k (1 .. $n) {
            my $left;
            if (!$ignore) {
                if (defined $block->http09) {
                    $res = Test::Nginx::Socket::Response->new(
                        code => 200, content => $raw, raw_headers => '');
                } else {
                    ($res, $left) = parse_response($name, $raw, $req->{head});
                }
            }

            if ($k < $n) {
                $raw = defined $left ? $left : '';
            } elsif (defined $left && length $left) {
                (my $show = $left) =~ s/([\0-\037\177-\377])/sprintf('\x{%02x}', ord $1)/ge;
                warn "WARNING: $name - unexpected extra bytes after the response: \"$show\"\n";
            }

            if (!$ignore) {
                check_error_code($block, $res, $req_idx, $need_array);
                check_raw_response_headers($block, $res, $req_idx, $need_array);
                check_response_headers($block, $res, $req_idx, $need_array);
                transform_response_body($block, $res, $req_idx);
                check_response_body($block, $res, $dry_run, $req_idx, $rep, $need_array);
            }

            if ($k < $n || $ri < $#$reqs) {
                sleep $block->wait if $block->wait;
                check_error_log($block, $res, $dry_run, $rep, $need_array);
                check_access_log($block, $dry_run, $rep) unless $ignore;
            }
            $req_idx++;
        }
    }

    sleep $block->wait if $block->wait;
    check_error_log($block, $res, $dry_run, $rep, $need_array);
    check_access_log($block, $dry_run, $rep) unless $ignore;
    return;
}

# ---------------------------------------------------------------------
# building requests

sub parse_more_headers {
    my ($in) = @_;
    $in = '' unless defined $in;
    my ($out, $chunked) = ('', 0);
    for my $line (split /\n+/, $in) {
        next if $line =~ /^\s*#/;
        next unless length $line;
        my ($k, $v) = split /:\s*/, $line, 2;
        $v = '' unless defined $v;
        $chunked = 1 if lc($k) eq 'transfer-encoding' && $v eq 'chunked';
        $out .= "$k: $v\r\n";
    }
    return ($out, $chunked);
}

# build_request($name, $more_headers, $conn, [packets]) -> [packets]
# A packet is {value => bytes, delay_before => secs}.  The first line
# ("METHOD [URI [VERSION]]") is rewritten with Host / Connection / more
# headers / Content-Length; the rest is the body (trimmed, with a
# Content-Length added, unless chunked or a Content-Length is given).
sub build_request {
    my ($name, $more, $conn, $packets) = @_;
    my ($hdrs, $chunked) = parse_more_headers($more);

    my $all = join '', map { defined $_->{value} ? $_->{value} : '' } @$packets;
    $all =~ /\A([^\n]*)(\n?)/;
    my ($first, $nl) = ($1, $2);
    my $head_len = length($first) + length($nl);
    bail_out("$name - Request line should be non-empty") unless $first =~ /\S/;
    $first =~ /^\s*(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?\s*$/
        or bail_out("$name - Request line is not valid. Should be "
                    . "'meth [url [version]]' but got \"$first\".");
    my ($meth, $url, $ver) = ($1, defined $2 ? $2 : '/', defined $3 ? $3 : 'HTTP/1.1');

    my $body = substr $all, $head_len;
    my ($lead, $len_hdr) = (0, '');
    if (!$chunked && length $body && $hdrs !~ /(?:^|\n)Content-Length:/) {
        $body =~ /\A(\s*)/;
        $lead = length $1;
        $body =~ s/^\s+|\s+$//gs;
        $len_hdr = "Content-Length: " . length($body) . "\r\n";
    }

    my $h = '';
    $h .= "Host: $ServerName\r\n" if $hdrs !~ /(?:^|\n)Host:/i;
    $h .= "Connection: $conn\r\n" if $hdrs !~ /(?:^|\n)Connection/i;
    my $newhead = "$meth $url $ver\r\n$h$hdrs$len_hdr\r\n";
    my $new = $newhead . $body;

    return [{ value => $new }] if @$packets <= 1;

    # keep the caller's packet boundaries (mapped into the new text)
    my @out;
    my ($orig_off, $new_off) = (0, 0);
    for my $i (0 .. $#$packets) {
        my $p = $packets->[$i];
        my $end;
        if ($i == $#$packets) {
            $end = length $new;
        } else {
            $orig_off += length(defined $p->{value} ? $p->{value} : '');
            if ($orig_off <= $head_len) {
                $end = length $newhead;
            } else {
                my $o = $orig_off - $head_len - $lead;
                $o = 0 if $o < 0;
                $o = length $body if $o > length $body;
                $end = length($newhead) + $o;
            }
        }
        $end = $new_off if $end < $new_off;
        push @out, { %$p, value => substr($new, $new_off, $end - $new_off) };
        $new_off = $end;
    }
    return \@out;
}

sub _packets_of {
    my ($name, $r) = @_;
    return [{ value => $r }] unless ref $r;
    bail_out("$name - Invalid syntax. $r should be a string or an array of packets.")
        unless ref $r eq 'ARRAY';
    my @p;
    for my $x (@$r) {
        if (!ref $x) { push @p, { value => $x } }
        elsif (ref $x eq 'HASH') { push @p, { %$x } }
        else { bail_out("$name - Invalid syntax. $x should be a string or hash with value.") }
    }
    return \@p;
}

sub _is_head {
    my $p = shift;
    my $s = join '', map { defined $_->{value} ? $_->{value} : '' } @$p;
    return $s =~ /^\s*HEAD\s+/ ? 1 : 0;
}

# -> [ {packets => [...], head => bool, pipelined => N}, ... ]
sub build_requests {
    my ($block) = @_;
    my $name = $block->name;
    my @list;

    if (defined(my $raw = $block->raw_request)) {
        my $p = _packets_of($name, $raw);
        return [{ packets => $p, head => _is_head($p) }];
    }

    my $request = $block->request;
    if (defined $request && !ref $request) {
        1 while $request =~ s/^\s*#[^\n]+\s+|^\s+//gs;
    }
    my $more = $block->more_headers;
    $more = '' unless defined $more;

    my $hdr_for = sub {
        my ($i) = @_;
        return $more unless ref $more eq 'ARRAY';
        my $h = $more->[$i];
        bail_out("$name - --- more_headers lacks data for the request #$i")
            unless defined $h;
        return $h;
    };

    if (defined(my $pl = $block->pipelined_requests)) {
        bail_out("$name - invalid entries in --- pipelined_requests")
            unless ref $pl eq 'ARRAY';
        my $all = '';
        for my $i (0 .. $#$pl) {
            my $conn = $i == $#$pl ? 'close' : 'keep-alive';
            my $r = build_request($name, $hdr_for->($i), $conn, [{ value => $pl->[$i] }]);
            $all .= $r->[0]{value};
        }
        my $p = [{ value => $all }];
        return [{ packets => $p, head => _is_head($p), pipelined => scalar @$pl }];
    }

    return [] unless defined $request;

    if (!ref $request) {
        my $p = build_request($name, $hdr_for->(0), 'close', [{ value => $request }]);
        return [{ packets => $p, head => _is_head($p) }];
    }
    bail_out("$name - invalid --- request: MUST be string or array of requests")
        unless ref $request eq 'ARRAY';
    for my $i (0 .. $#$request) {
        my $p = build_request($name, $hdr_for->($i), 'close',
                              _packets_of($name, $request->[$i]));
        push @list, { packets => $p, head => _is_head($p) };
    }
    return \@list;
}

# ---------------------------------------------------------------------
# the client

sub _connect {
    my ($block, $timeout) = @_;
    my $name = $block->name;
    my $addr = $block->server_addr_for_client;
    $addr = $ServerAddr unless defined $addr && length $addr;
    my $port = $ServerPortForClient;

    my $deadline = time + ($Test::Nginx::Util::UseValgrind ? 30 : 5);
    my $wait = 0.01;
    while (1) {
        my $sock = IO::Socket::INET->new(
            PeerAddr => $addr,
            PeerPort => $port,
            Proto    => 'tcp',
            Timeout  => $timeout,
        );
        return $sock if $sock;
        my $err = $!;
        if (time >= $deadline) {
            Test::More::fail("$name - Can't connect to $addr:$port: $err (aborted)");
            return undef;
        }
        sleep $wait;
        $wait *= 2;
        $wait = 0.5 if $wait > 0.5;
    }
}

# Sends one request (its packets in turn) and reads the response until
# the server closes the connection.  $timeout bounds the wait for each
# I/O event (like the real one): on expiry the socket is closed and a
# failing test is emitted unless "--- abort".  Returns the raw bytes.
sub send_request {
    my ($block, $req, $timeout) = @_;
    my $name = $block->name;
    local $SIG{PIPE} = 'IGNORE';

    my $sock = _connect($block, $timeout) or return undef;
    $sock->blocking(0);

    my @packets = @{ $req->{packets} };
    my $middle = $block->raw_request_middle_delay;
    my $wbuf = (shift @packets)->{value};
    $wbuf = '' unless defined $wbuf;
    my $woff = 0;
    my $writing = 1;
    my $resp = '';

    my $advance = sub {
        while ($woff >= length $wbuf) {
            my $next = shift @packets;
            if (!$next) {
                $writing = 0;
                if (defined(my $sd = $block->shutdown)) {
                    $sd = 1 unless length $sd && $sd =~ /^\s*\d\s*$/;
                    shutdown($sock, $sd + 0);
                }
                return;
            }
            my $d = defined $next->{delay_before} ? $next->{delay_before} : $middle;
            sleep $d if $d;
            $wbuf = defined $next->{value} ? $next->{value} : '';
            $woff = 0;
        }
    };
    $advance->();

    my $rsel = IO::Select->new($sock);
    while (1) {
        my $wsel = $writing ? IO::Select->new($sock) : undef;
        my ($r, $w) = IO::Select->select($rsel, $wsel, undef, $timeout);
        if (!defined $r && !defined $w) {
            next if $!{EINTR};
            close $sock;
            if (!defined $block->abort) {
                Test::More::fail("ERROR: client socket timed out - $name");
            } else {
                sleep 0.005;
            }
            return $resp;
        }
        if ($writing && $w && @$w) {
            my $n = syswrite($sock, $wbuf, length($wbuf) - $woff, $woff);
            if (defined $n) {
                $woff += $n;
                $advance->();
            } elsif ($! != EAGAIN && $! != EWOULDBLOCK && $! != EINTR) {
                warn "WARNING: $name - write failed: $!\n";
                $writing = 0;    # but read what the server says
            }
        }
        if ($r && @$r) {
            my $n = sysread($sock, my $buf, 65536);
            if (!defined $n) {
                next if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
                warn "WARNING: $name - HTTP response read failure: $!\n"
                    unless $!{ECONNRESET} && length $resp;
                last;
            }
            last if $n == 0;
            $resp .= $buf;
        }
    }
    close $sock;
    return $resp;
}

# ---------------------------------------------------------------------
# responses

package Test::Nginx::Socket::Response;

sub new {
    my ($class, %a) = @_;
    $a{headers} ||= [];
    return bless {%a}, $class;
}
sub code        { $_[0]{code} }
sub message     { $_[0]{message} }
sub raw_headers { $_[0]{raw_headers} }
sub content     { my $s = shift; $s->{content} = shift if @_; $s->{content} }
sub header {
    my ($s, $name) = @_;
    my @v = map { $_->[1] } grep { lc $_->[0] eq lc $name } @{ $s->{headers} };
    return undef unless @v;
    return join ', ', @v;
}
sub headers { @{ $_[0]{headers} } }

package Test::Nginx::Socket;

# parse_response($name, $raw, $head_req) -> ($res, $leftover)
sub parse_response {
    my ($name, $raw, $head_req) = @_;

    my ($head, $body);
    if ($raw =~ /\A(.*?\r?\n)\r?\n/s) {
        $head = $1;
        $body = substr $raw, length($&);
    } else {
        ($head, $body) = ($raw, '');
    }
    my $raw_headers = $raw =~ /\A(.*?\r\n)\r\n/s ? $1 : '';

    my @lines = split /\r?\n/, $head;
    my $status = shift @lines;
    my ($code, $msg);
    if (defined $status && $status =~ m{^HTTP/\d+(?:\.\d+)?\s+(\d{3})\b\s*(.*)$}) {
        ($code, $msg) = ($1, $2);
    }
    my @headers;
    for my $l (@lines) {
        if ($l =~ /^[ \t]/ && @headers) {        # obsolete line folding
            (my $c = $l) =~ s/^\s+//;
            $headers[-1][1] .= " $c";
            next;
        }
        my ($k, $v) = split /:[ \t]*/, $l, 2;
        next unless defined $k && length $k;
        $v = '' unless defined $v;
        $v =~ s/\s+$//;
        push @headers, [$k, $v];
    }

    my $res = Test::Nginx::Socket::Response->new(
        code => $code, message => $msg, headers => \@headers,
        raw_headers => $raw_headers, content => $body);

    my $left;
    return ($res, $left) if defined $code && ($code == 304 || $code == 101 || $code == 204);
    if ($head_req) {
        $res->content('');
        return ($res, length $body ? $body : undef);
    }

    my $te  = $res->header('Transfer-Encoding');
    my $len = $res->header('Content-Length');
    if (defined $te && $te =~ /\bchunked\b/i) {
        my $decoded = '';
        my $pos = 0;
        while (1) {
            pos($body) = $pos;
            if ($body !~ /\G[ \t]*([0-9A-Fa-f]+)[^\r\n]*\r\n/gc) {
                my $rest = substr $body, $pos;
                Test::More::fail($rest eq ''
                    ? "$name - no last chunk found"
                    : "$name - invalid chunked body received: "
                      . substr($rest, 0, 80));
                $res->content($decoded);
                return ($res, undef);
            }
            my $size = hex $1;
            $pos = pos($body);
            if ($size == 0) {
                # optional trailer fields, then CRLF
                pos($body) = $pos;
                $body =~ /\G(?:[^\r\n]+\r\n)*\r\n/gc
                    or do {
                        Test::More::fail("$name - invalid chunked data received "
                                         . "(bad last chunk)");
                        $res->content($decoded);
                        return ($res, undef);
                    };
                $pos = pos($body);
                $left = substr $body, $pos if $pos < length $body;
                last;
            }
            if (length($body) - $pos < $size + 2) {
                Test::More::fail("$name - invalid chunked data received "
                                 . "(not enough octets for the data section)");
                $res->content($decoded . substr($body, $pos));
                return ($res, undef);
            }
            $decoded .= substr $body, $pos, $size;
            $pos += $size;
            if (substr($body, $pos, 2) ne "\r\n") {
                Test::More::fail("$name - invalid chunked data received (expected CRLF).");
                $res->content($decoded);
                return ($res, undef);
            }
            $pos += 2;
        }
        $res->content($decoded);
    } elsif (defined $len && $len =~ /^\s*(\d+)\s*$/) {
        my $n = $1;
        if (length $body < $n) {
            warn "WARNING: $name - response body truncated: $n expected, but got "
                . length($body) . "\n";
        } elsif (length $body > $n) {
            $left = substr $body, $n;
            $res->content(substr $body, 0, $n);
        }
    }
    return ($res, $left);
}

# ---------------------------------------------------------------------
# checks

sub get_indexed_value {
    my ($name, $value, $idx, $need_array) = @_;
    if ($need_array) {
        return $value->[$idx] if ref $value eq 'ARRAY';
        bail_out("$name - You asked for many requests, the expected results "
                 . "should be arrays as well.");
    }
    return $value->[0] if ref $value eq 'ARRAY';
    return $value;
}

sub check_error_code {
    my ($block, $res, $idx, $need_array) = @_;
    my $name = $block->name;
    my $code = ($res && defined $res->code) ? $res->code : '';
    if (defined $block->error_code_like) {
        my $pat = get_indexed_value($name, scalar($block->error_code_like), $idx, $need_array);
        Test::More::like($code, qr/$pat/sm, "$name - status code ok");
    } elsif (defined $block->error_code) {
        Test::More::is($code, get_indexed_value($name, scalar($block->error_code), $idx,
                                                $need_array),
                       "$name - status code ok");
    } else {
        Test::More::is($code, 200, "$name - status code ok");
    }
}

sub check_raw_response_headers {
    my ($block, $res, $idx, $need_array) = @_;
    my $name = $block->name;
    my $raw = $res ? $res->raw_headers : '';
    $raw = '' unless defined $raw;
    if (defined $block->raw_response_headers_like) {
        my $p = get_indexed_value($name, scalar($block->raw_response_headers_like), $idx, $need_array);
        Test::More::like($raw, qr/$p/s, "$name - raw resp headers like");
    }
    if (defined $block->raw_response_headers_unlike) {
        my $p = get_indexed_value($name, scalar($block->raw_response_headers_unlike), $idx, $need_array);
        Test::More::unlike($raw, qr/$p/s, "$name - raw resp headers unlike");
    }
}

# "Name: value" lines -> [[name, value-or-undef]] ("!Name" -> undef),
# one entry per name (the last one wins), in order.
sub parse_headers {
    my ($s) = @_;
    my (@order, %h);
    for my $line (split /\n/, defined $s ? $s : '') {
        $line =~ s/^\s+|\s+$//g;
        next unless length $line;
        my ($k, $v);
        if ($line =~ s/^!\s*//) {
            ($k, $v) = ($line, undef);
        } else {
            ($k, $v) = split /\s*:\s*/, $line, 2;
            $v = '' unless defined $v;
        }
        push @order, $k unless exists $h{$k};
        $h{$k} = $v;
    }
    return map { [$_, $h{$_}] } @order;
}

sub _subst_port {
    my $v = shift;
    return $v if !defined $v || ref $v;
    $v =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
    $v =~ s/\$ServerPort\b/$ServerPort/g;
    return $v;
}

sub check_response_headers {
    my ($block, $res, $idx, $need_array) = @_;
    my $name = $block->name;
    if (defined $block->response_headers) {
        my $spec = get_indexed_value($name, scalar($block->response_headers), $idx, $need_array);
        for my $kv (parse_headers($spec)) {
            my ($k, $v) = @$kv;
            if (!defined $v) {
                my $raw = $res ? $res->raw_headers : '';
                Test::More::unlike(defined $raw ? $raw : '', qr/^\s*\Q$k\E\s*:/ms,
                                   "$name - header $k not present in the raw headers");
                next;
            }
            my $got = $res ? $res->header($k) : undef;
            Test::More::is(defined $got ? $got : '', _subst_port($v),
                           "$name - header $k ok");
        }
    } elsif (defined $block->response_headers_like) {
        my $spec = get_indexed_value($name, scalar($block->response_headers_like), $idx, $need_array);
        for my $kv (parse_headers($spec)) {
            my ($k, $v) = @$kv;
            $v = '' unless defined $v;
            my $got = $res ? $res->header($k) : undef;
            Test::More::like(defined $got ? $got : '', qr/^$v$/,
                             "$name - header $k like ok");
        }
    }
}

sub _run_body_filter {
    my ($block, $f, $content) = @_;
    my $name = $block->name;
    return $f->($content) if ref $f eq 'CODE';
    bail_out("$name - the --- response_body_filters section only supports "
             . "subroutine references and names") if ref $f;
    require Digest::MD5;
    return $f eq 'md5_hex'  ? Digest::MD5::md5_hex($content)
         : $f eq 'sha1_hex' ? do { require Digest::SHA; Digest::SHA::sha1_hex($content) }
         : $f eq 'uc'       ? uc $content
         : $f eq 'lc'       ? lc $content
         : $f eq 'ucfirst'  ? ucfirst $content
         : $f eq 'lcfirst'  ? lcfirst $content
         : $f eq 'length'   ? length $content
         : bail_out("$name - unknown filter \"$f\" in --- response_body_filters");
}

sub transform_response_body {
    my ($block, $res, $idx) = @_;
    return unless $res && defined $res->content;
    my $filters = $block->response_body_filters;
    return unless defined $filters;
    if (!ref $filters) {
        $filters =~ s/^\s+|\s+$//g;
        $filters = [split /\s+/, $filters];
    } elsif (ref $filters ne 'ARRAY') {
        $filters = [$filters];
    }
    if (@$filters && ref $filters->[0] eq 'ARRAY') {
        $filters = $filters->[$idx];
        bail_out($block->name . " - no response_body_filters for request $idx")
            unless defined $filters;
        $filters = [$filters] unless ref $filters eq 'ARRAY';
    }
    my $c = $res->content;
    $c = _run_body_filter($block, $_, $c) for @$filters;
    $res->content($c);
}

sub check_response_body {
    my ($block, $res, $dry_run, $idx, $rep, $need_array) = @_;
    my $name = $block->name;
    my $content = $res ? $res->content : undef;

    if (defined $block->response_body || defined $block->response_body_eval) {
        my $expected;
        if (defined $block->response_body_eval) {
            $expected = do {
                package main; no strict; no warnings;
                eval get_indexed_value($name, scalar($block->response_body_eval),
                                       $idx, $need_array);
            };
            warn $@ if $@;
        } else {
            $expected = get_indexed_value($name, scalar($block->response_body), $idx, $need_array);
        }
        $expected = _subst_port($expected);
        if (ref $expected) {
            Test::More::like($content, $expected,
                "$name - response_body - like (repeated req $rep, req $idx)");
        } else {
            is_str($content, $expected,
                "$name - response_body - response is expected (repeated req $rep, req $idx)");
        }
    } elsif (defined $block->response_body_like || defined $block->response_body_unlike) {
        my ($type, $pats) = defined $block->response_body_like
            ? ("like", scalar $block->response_body_like)
            : ("unlike", scalar $block->response_body_unlike);
        my $pat = _subst_port(get_indexed_value($name, $pats, $idx, $need_array));
        my $summary = defined $content ? $content : '';
        $summary =~ s/^\s+|\s+$//g;
        $summary =~ s/\s+/ /g;
        $summary = substr($summary, 0, 100) . '...' if length $summary > 100;
        my $desc = "$name - response_body_$type - response is expected ($summary)";
        if ($type eq 'like') {
            Test::More::like($content, qr/$pat/s, $desc);
        } else {
            Test::More::unlike($content, qr/$pat/s, $desc);
        }
    }

    for my $check (@ResponseBodyChecks) {
        $check->($block, $content, $idx, $rep, $dry_run);
    }
}

sub _fmt {
    my $s = shift;
    $s = '' unless defined $s;
    chomp $s;
    $s =~ s/"/\\"/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\n/\\n/g;
    return $s;
}

sub _pattern_list {
    my $pats = shift;
    if (!ref $pats) {
        chomp $pats;
        return [split /\n+/, $pats];
    }
    return [$pats] if ref $pats eq 'Regexp';
    return [@$pats];
}

sub _line_matches {
    my ($line, $pat) = @_;
    return ref $pat ? $line =~ /$pat/ : index($line, $pat) >= 0;
}

sub _mentions {
    my ($val, $s) = @_;
    return 0 unless defined $val;
    return index("$val", $s) >= 0 unless ref $val eq 'ARRAY';
    for (@$val) { return 1 if _mentions($_, $s) }
    return 0;
}

# the "should" / "should not" pattern checks shared by error.log and
# access.log
sub _check_log_patterns {
    my ($name, $which, $lines, $want, $dont, $rep) = @_;

    if (defined $want) {
        my $pats = _pattern_list($want);
        for my $line (@$lines) {
            for my $p (@$pats) {
                next unless defined $p;
                if (_line_matches($line, $p)) {
                    Test::More::pass("$name - pattern \"$p\" matches a line in $which (req $rep)");
                    undef $p;
                }
            }
        }
        for my $p (grep { defined } @$pats) {
            Test::More::fail("$name - pattern \"$p\" should match a line in $which (req $rep)");
        }
    }

    if (defined $dont) {
        my $pats = _pattern_list($dont);
        for my $p (grep { defined } @$pats) {
            my @hits = grep { _line_matches($_, $p) } @$lines;
            my $ps = _fmt($p);
            if (@hits) {
                Test::More::fail("$name - pattern \"$ps\" should not match any line in "
                                 . "$which but matches line \"" . _fmt($hits[0])
                                 . "\" (req $rep)");
                Test::More::diag(join '', @hits[0 .. min($#hits, 9)]);
            } else {
                Test::More::pass("$name - pattern \"$ps\" does not match a line in $which (req $rep)");
            }
        }
    }
}

sub check_error_log {
    my ($block, $res, $dry_run, $rep, $need_array) = @_;
    my $name = $block->name;
    my $lines;

    my $grep_pat = $block->grep_error_log;
    if (defined $grep_pat) {
        $grep_pat = $grep_pat->[$rep] if ref $grep_pat eq 'ARRAY';
        my $expected = $block->grep_error_log_out;
        bail_out("$name - No --- grep_error_log_out defined but --- grep_error_log is defined")
            unless defined $expected;
        $expected = $expected->[$rep] if ref $expected eq 'ARRAY';
        $lines ||= error_log_data();
        my $matched = '';
        for my $line (@$lines) {
            my $m;
            if (ref $grep_pat) {
                $m = $& if $line =~ /$grep_pat/;
            } elsif (index($line, $grep_pat) >= 0) {
                $m = $grep_pat;
            }
            $matched .= "$m\n" if defined $m && $m !~ /\n/;
        }
        if (ref $expected eq 'Regexp') {
            Test::More::like($matched, $expected, "$name - grep_error_log_out (req $rep)");
        } else {
            is_str($matched, $expected, "$name - grep_error_log_out (req $rep)");
        }
    } elsif (defined $block->grep_error_log_out) {
        bail_out("$name - No --- grep_error_log defined but --- grep_error_log_out is defined");
    }

    my ($want, $dont) = (scalar $block->error_log, scalar $block->no_error_log);
    if (defined $want || defined $dont) {
        $lines ||= error_log_data();
        _check_log_patterns($name, 'error.log', $lines, $want, $dont, $rep);
    }

    $lines ||= error_log_data();
    for my $level (qw(alert crit emerg)) {
        next if _mentions($want, "[$level") || _mentions($dont, "[$level");
        for my $line (grep { /\[$level\]/ } @$lines) {
            warn "WARNING: $name - " . _fmt($line) . "\n";
        }
    }
    for my $line (@$lines) {
        if ($line =~ /\bAssertion .*?failed\b/) {
            chomp(my $l = $line);
            Test::More::fail("$name - $l");
        }
    }
}

sub check_access_log {
    my ($block, $dry_run, $rep) = @_;
    my ($want, $dont) = (scalar $block->access_log, scalar $block->no_access_log);
    return unless defined $want || defined $dont;
    _check_log_patterns($block->name, 'access.log', access_log_data(),
                        $want, $dont, $rep);
}

# is_str($got, $expected, $name): like() for a qr// expectation, is()
# after no_long_string(), else an eq test whose failure report shows
# where the strings start to differ.
sub is_str {
    my ($got, $exp, $desc) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return Test::More::like($got, $exp, $desc) if ref $exp eq 'Regexp';
    return Test::More::is($got, $exp, $desc)
        if $NoLongString || !defined $got || !defined $exp;
    return Test::More::pass($desc) if $got eq $exp;

    Test::More::fail($desc);
    my $i = 0;
    if (($got ^ $exp) =~ /^(\0*)/) { $i = length $1 }
    $i = min($i, length $got, length $exp);
    my $before = substr($exp, 0, $i);
    my $line = 1 + ($before =~ tr/\n//);
    my $col = $i - (rindex($before, "\n") + 1) + 1;
    my $from = $i > 20 ? $i - 20 : 0;
    my $esc = sub {
        my $s = shift;
        $s =~ s/\\/\\\\/g;
        $s =~ s/\n/\\n/g; $s =~ s/\r/\\r/g; $s =~ s/\t/\\t/g;
        $s =~ s/([\0-\037\177-\377])/sprintf('\\x%02x', ord $1)/ge;
        return $s;
    };
    my $msg = sprintf("         got: \"%s\"...\n    length: %d\n    expected: \"%s\"...\n"
                      . "    length: %d\n    strings begin to differ at char %d "
                      . "(line %d column %d)\n",
                      $esc->(substr($got, $from, 70)), length $got,
                      $esc->(substr($exp, $from, 70)), length $exp,
                      $i + 1, $line, $col);
    if (length($got) + length($exp) < 4000) {
        my @g = split /^/m, $got;
        my @e = split /^/m, $exp;
        my $l0 = $line - 1;
        my $last = min($l0 + 5, (@g > @e ? $#g : $#e));
        $msg .= "    lines from $line (- expected, + got):\n";
        for my $n ($l0 .. $last) {
            my ($eg, $ee) = ($g[$n], $e[$n]);
            next if defined $eg && defined $ee && $eg eq $ee;
            $msg .= "    - " . $esc->($ee) . "\n" if defined $ee;
            $msg .= "    + " . $esc->($eg) . "\n" if defined $eg;
        }
    }
    Test::More::diag($msg);
    return 0;
}

# ---------------------------------------------------------------------
# always stop nginx at the end

for my $sig (qw(INT TERM HUP)) {
    if (!defined $SIG{$sig} || $SIG{$sig} eq '' || $SIG{$sig} eq 'DEFAULT') {
        $SIG{$sig} = sub { warn "caught SIG$sig, stopping nginx\n"; exit 1 };
    }
}

END {
    return if $Test::Nginx::Util::InSubprocess;
    local $?;
    Test::Nginx::Util::cleanup();
    return unless $Started;
    if (!$ENV{TEST_NGINX_NO_CLEAN} || $Test::Nginx::Util::UseValgrind) {
        Test::Nginx::Util::stop_nginx('END');
    }
    if ($Test::Nginx::Util::Randomize && !$ENV{TEST_NGINX_NO_CLEAN}
        && $ServRoot =~ m{/t/servroot_\d+$} && -d $ServRoot)
    {
        remove_tree($ServRoot);
    }
}

1;
