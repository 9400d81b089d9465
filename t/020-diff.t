# Diffs of stored captures: heap?capture=B&base=A renders B minus A as
# `go tool pprof -diff_base A B` does, in every view and format; the
# result equals pprof-summary --diff-base on the captures' raw bytes.  Every
# link of a diff page keeps capture=B&base=A.  A base that is gone is a
# 404 page naming it; a base of another profile, of text (debug=N), a
# malformed one, a base without capture, format=raw: 400.  Nothing of it
# reaches the APIServer (counted there).  base_mode=subtract is -base.
# Run: t/run.sh t/020-diff.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;
use File::Temp qw(tempdir);

master_on();
keep_error_logs();

$ENV{TEST_NGINX_CACHE_DIR} = server_root() . '/pprof_cache';

{
    my $s = 'build/pprof-summary';
    system('make', '--no-print-directory', '-s', $s) == 0 && -x $s
        or die "cannot build $s\n";
}

our $IdRe = qr/\A[0-9a-f]{16}\z/;
our $Html = "Accept: text/html\r\n";

our $HttpConfig = <<'_EOC_';
    pprof_cache_path $TEST_NGINX_CACHE_DIR keys_zone=pprof:1m;
_EOC_

our $Location = <<'_EOC_';
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
        pprof_cache_valid 0s;
    }
    location /other/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(config => $Location) unless defined $block->config;
    $block->set_value(http_config => $HttpConfig) unless defined $block->http_config;
    $block->set_value(timeout => 20) unless defined $block->timeout;
});

sub get {
    my ($path, $headers) = @_;
    my ($status, $head, $body) = nginx_get($path, $headers);
    return { status => $status, head => $head, body => $body,
             cache => header_value($head, 'X-Pprof-Cache'),
             id => header_value($head, 'X-Pprof-Capture') };
}

sub count {
    my $n = ctl("/count?$_[0]");
    $n =~ s/\s+//g;
    return $n;
}

# two captures of heap, made one after the other
sub two_heaps {
    my $a = get('/debug/pprof/heap?refresh=1');
    my $b = get('/debug/pprof/heap?refresh=1');
    Test::More::like($a->{id} // '', $IdRe, 'first heap captured');
    Test::More::like($b->{id} // '', $IdRe, 'second heap captured');
    Test::More::isnt($a->{id}, $b->{id}, 'two captures');
    return ($a->{id}, $b->{id});
}

# pprof-summary on the captures' raw bytes, the base given by $flag
# (--diff-base or --base)
sub cli_base {
    my ($flag, $base, $id, @args) = @_;
    my $dir = tempdir(CLEANUP => 1);
    for my $c ([$base, 'a'], [$id, 'b']) {
        my $r = get("/debug/pprof/heap?capture=$c->[0]&format=raw");
        spew("$dir/$c->[1].pb.gz", $r->{body});
    }
    open my $p, '-|', 'build/pprof-summary', @args, $flag,
        "$dir/a.pb.gz", "$dir/b.pb.gz" or die "pprof-summary: $!";
    local $/;
    my $out = <$p>;
    close $p;
    return $out;
}

sub cli { return cli_base('--diff-base', @_) }

sub t_diff_views {
    my $t = 'diff';
    ctl('/reset');
    my ($a, $b) = two_heaps() or return;
    my $n = count('');

    # text and JSON: what the CLI makes of the same two profiles
    for my $f (['top', 'format=top'], ['json', 'format=json'],
               ['collapsed', 'format=collapsed'],
               ['top', 'format=top&sample=alloc_space&sort=cum'])
    {
        my ($cf, $args) = @$f;
        my @extra = $args =~ /sample=(\w+)/ ? ('--sample-type', $1) : ();
        push @extra, '--sort', 'cum' if $args =~ /sort=cum/;
        my $r = get("/debug/pprof/heap?capture=$b&base=$a&$args");
        Test::More::is($r->{status}, 200, "$t: $args - 200");
        my $want = cli($a, $b, '--format', $cf, @extra);
        if ($cf eq 'top') {
            # the header names the file: compare from "Showing nodes" on
            s/\A.*?(?=^Showing nodes)//ms for $want, $r->{body};
        }
        Test::More::ok(length $want && $r->{body} eq $want,
                       "$t: $args - the same as pprof-summary --diff-base")
            or Test::More::diag(substr($r->{body}, 0, 400) . "\n---\n" . substr($want, 0, 400));
    }

    # a diff's total is the base's: pprof's percentages of the base
    my $j = get("/debug/pprof/heap?capture=$b&base=$a&format=json");
    my $ja = get("/debug/pprof/heap?capture=$a&format=json");
    my ($tot) = $j->{body} =~ /"total":\s*(-?\d+)/;
    my ($tota) = $ja->{body} =~ /"total":\s*(-?\d+)/;
    Test::More::is($tot, $tota, "$t: the diff's total is the base's");

    # no Accept, no format: the top text (a diff has no raw bytes)
    my $bare = get("/debug/pprof/heap?capture=$b&base=$a");
    Test::More::is($bare->{status}, 200, "$t: no format - 200");
    Test::More::like($bare->{body}, qr/^Showing nodes accounting for/m,
                     "$t: no format - the top text");

    # pages: every link keeps capture=B&base=A; the page names the base
    for my $args ('view=top', 'view=flame', 'view=flame&search=main',
                  'view=top&sort=cum&nodecount=5') {
        my $p = get("/debug/pprof/heap?capture=$b&base=$a&$args", $Html);
        Test::More::is($p->{status}, 200, "$t: page $args - 200");
        my @rel = grep { /^\?/ } hrefs($p->{body});
        my @bad = grep { !(/(?:^\?|&)capture=\Q$b\E(?:&|$)/ && /&base=\Q$a\E(?:&|$)/)
                         && !/refresh=1/ } @rel;
        Test::More::ok(@rel && !@bad, "$t: page $args - every link carries capture=$b&base=$a")
            or Test::More::diag(join "\n", @bad);
        Test::More::like($p->{body}, qr/\Q$a\E/, "$t: page $args - names the base");
        Test::More::like($p->{body}, qr/<input type="hidden" name="base" value="\Q$a\E"/,
                         "$t: page $args - its forms keep the base")
            if $args =~ /flame/;
    }

    Test::More::is(count(''), $n, "$t: no request reached the APIServer");
}

# base_mode=subtract: go tool pprof -base (the base subtracted, the total
# that of the difference), as pprof-summary --base; base_mode=diff is the
# default, -diff_base
sub t_diff_subtract {
    my $t = 'base_mode';
    ctl('/reset');
    my ($a, $b) = two_heaps() or return;
    my $n = count('');

    for my $f (['top', 'format=top'], ['json', 'format=json'],
               ['top', 'format=top&sample=alloc_space'])
    {
        my ($cf, $args) = @$f;
        my @extra = $args =~ /sample=(\w+)/ ? ('--sample-type', $1) : ();
        my $want = cli_base('--base', $a, $b, '--format', $cf, @extra);
        my $other = cli_base('--diff-base', $a, $b, '--format', $cf, @extra);
        my $r = get("/debug/pprof/heap?capture=$b&base=$a&base_mode=subtract&$args");
        my $d = get("/debug/pprof/heap?capture=$b&base=$a&base_mode=diff&$args");
        Test::More::is($r->{status}, 200, "$t: subtract $args - 200");
        if ($cf eq 'top') {
            s/\A.*?(?=^Showing nodes)//ms for $want, $other, $r->{body}, $d->{body};
        }
        Test::More::isnt($want, $other, "$t: $args - -base and -diff_base differ here");
        Test::More::ok(length $want && $r->{body} eq $want,
                       "$t: subtract $args - the same as pprof-summary --base")
            or Test::More::diag(substr($r->{body}, 0, 400) . "\n---\n" . substr($want, 0, 400));
        Test::More::ok(length $other && $d->{body} eq $other,
                       "$t: diff $args - the same as pprof-summary --diff-base");
    }

    # pages: every link keeps base_mode=subtract, and the forms too
    for my $args ('view=top', 'view=flame') {
        my $p = get("/debug/pprof/heap?capture=$b&base=$a&base_mode=subtract&$args", $Html);
        Test::More::is($p->{status}, 200, "$t: page $args - 200");
        my @rel = grep { /^\?/ && !/refresh=1/ } hrefs($p->{body});
        my @bad = grep { !/&base=\Q$a\E&base_mode=subtract(?:&|$)/ } @rel;
        Test::More::ok(@rel && !@bad, "$t: page $args - every link keeps base_mode=subtract")
            or Test::More::diag(join "\n", @bad);
        Test::More::like($p->{body}, qr/<input type="hidden" name="base_mode" value="subtract"/,
                         "$t: page $args - its forms keep base_mode")
            if $args =~ /flame/;
    }

    for my $c (["capture=$b&base=$a&base_mode=sub&format=top", qr/"base_mode" must be diff(?:,| or) subtract/],
               ["capture=$b&base=$a&base_mode=%3Cscript%3E&format=top", qr/"base_mode" must be/],
               ["capture=$b&base_mode=subtract&format=top", qr/"base_mode" .*needs "base"/])
    {
        my ($args, $re) = @$c;
        my $r = get("/debug/pprof/heap?$args");
        Test::More::is($r->{status}, 400, "$t: $args - 400");
        Test::More::like($r->{body}, $re, "$t: $args - says why")
            or Test::More::diag(substr($r->{body}, 0, 300));
        Test::More::unlike($r->{body}, qr/<script>/, "$t: $args - nothing echoed raw");
    }

    Test::More::is(count(''), $n, "$t: no request reached the APIServer");
}

sub t_diff_bad {
    my $t = 'bad base';
    ctl('/reset');
    my ($a, $b) = two_heaps() or return;
    my $g = get('/debug/pprof/goroutine?refresh=1')->{id};
    my $txt = get('/debug/pprof/heap?debug=1&refresh=1')->{id};
    my $o = get('/other/heap?refresh=1')->{id};
    my $n = count('');
    my $unknown = join '', map { $_ eq $a || $_ eq $b ? () : $_ }
                               ('0123456789abcdef', 'fedcba9876543210');
    $unknown = substr($unknown, 0, 16);

    my @cases = (
        ["capture=$b&base=$unknown", 404, qr/base capture \Q$unknown\E of heap is not in the store/],
        ["capture=$b&base=$unknown&view=flame", 404, qr/base capture \Q$unknown\E/, $Html],
        ["capture=$b&base=$g&format=top", 400, qr/capture of goroutine, not of heap/],
        ["capture=$b&base=$txt&format=top", 400, qr/not debug=N text/],
        ["capture=$txt&base=$b&format=top", 400, qr/not debug=N text/],
        ["capture=$b&base=$o&format=top", 400, qr/another location/],
        ["capture=$b&base=$a&format=raw", 400, qr/not a raw profile/],
        ["base=$a&format=top", 400, qr/"base" must be/],
        ["capture=$b&base=&format=top", 400, qr/"base" must be/],
        ["capture=$b&base=0123456789ABCDEF&format=top", 400, qr/"base" must be/],
        ["capture=$b&base=0123456789abcdef0&format=top", 400, qr/"base" must be/],
        ["capture=$b&base=%3Cscript%3E&format=top", 400, qr/"base" must be/],
        ["capture=$b&base=$a&base=$a&format=top", 200, qr/Showing nodes/],
    );
    for my $c (@cases) {
        my ($args, $status, $re, $hdr) = @$c;
        my $r = get("/debug/pprof/heap?$args", $hdr);
        Test::More::is($r->{status}, $status, "$t: $args - $status")
            or Test::More::diag(substr($r->{body}, 0, 300));
        Test::More::like($r->{body}, $re, "$t: $args - says why");
        Test::More::unlike($r->{body}, qr/<script>/, "$t: $args - nothing echoed raw");
    }
    my $p = get("/debug/pprof/heap?capture=$b&base=$unknown&view=flame", $Html);
    Test::More::like($p->{body}, qr/<html/i, "$t: a gone base, a browser - a page");

    # the base's file removed behind the store's back
    unlink "$ENV{TEST_NGINX_CACHE_DIR}/$a" or Test::More::diag("unlink: $!");
    my $r = get("/debug/pprof/heap?capture=$b&base=$a&format=top");
    Test::More::is($r->{status}, 404, "$t: the base's file gone - 404");
    Test::More::like($r->{body}, qr/base capture \Q$a\E of heap is not in the store: its file cannot be read/,
                     "$t: the base's file gone - says so");
    my $still = get("/debug/pprof/heap?capture=$b&format=top");
    Test::More::is($still->{status}, 200, "$t: the capture itself is still served");

    Test::More::is(count(''), $n, "$t: no request reached the APIServer");
}

run_tests();

__DATA__

=== TEST 1: a diff in every format equals pprof-summary --diff-base on the raw captures; pages keep capture and base in every link; no upstream request
--- init
::t_diff_views()
--- request
GET /debug/pprof/heap?format=top
--- response_body_like: Showing nodes accounting for
--- no_error_log
[alert]
exited on signal



=== TEST 2: bad bases: gone (404 page, naming it), another profile, text, another location, raw, malformed, hostile, no capture (400); no upstream request
--- init
::t_diff_bad()
--- request
GET /debug/pprof/heap?format=top
--- response_body_like: Showing nodes accounting for
--- no_error_log
[alert]
exited on signal



=== TEST 3: base_mode=subtract is go tool pprof -base (pprof-summary --base), base_mode=diff -diff_base; links and forms keep it; a bad one, or one without base, is 400; no upstream request
--- init
::t_diff_subtract()
--- request
GET /debug/pprof/heap?format=top
--- response_body_like: Showing nodes accounting for
--- error_log
"base_mode" must be
--- no_error_log
[alert]
exited on signal
