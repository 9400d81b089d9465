# Views: content negotiation, every format, raw downloads, and go tool
# pprof itself through the gateway.  Profiles come from the fake
# APIServer's real Go runtime.

use Test::Nginx::Socket 'no_plan';
use File::Temp qw(tempfile);
use JSON::PP;

workers(1);
no_shuffle();
no_long_string();

our $Location = <<'_EOC_';
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }

    location /garbage/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/garbage/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }

    location /gzipgarbage/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/gzipgarbage/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }

    # the fake APIServer's control API: /ctl/reset, /ctl/count
    location /ctl/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/;
    }
_EOC_

# the line main.workPark parks on in the fake APIServer's source: its
# row at granularity=lines
our $ParkLine;
{
    open my $in, '<', 't/apiserver/workload.go' or die "workload.go: $!";
    my $in_park;
    while (<$in>) {
        $in_park = 1 if /^func workPark\(/;
        if ($in_park && /^\t<-stop$/) { $ParkLine = $.; last }
    }
    close $in;
    die "no <-stop in workPark" unless $ParkLine;
}

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value(config => $Location) unless defined $block->config;
    $block->set_value(timeout => 20) unless defined $block->timeout;
});


# go tool pprof is the reference reader: what the gateway passes through
# must be a profile it accepts, and its -top of the gateway's URL must work

sub go_tool_top {
    my ($what) = @_;
    # go tool pprof saves what it fetches under PPROF_TMPDIR
    local $ENV{PPROF_TMPDIR} = File::Temp::tempdir(CLEANUP => 1);
    my $out = `go tool pprof -top $what 2>&1`;
    return ($? == 0, $out);
}

add_response_body_check(sub {
    my ($block, $body, $req_idx, $rep, $dry_run) = @_;

    if (defined $block->go_tool_reads_body) {
        my ($fh, $file) = tempfile(SUFFIX => '.pb.gz', UNLINK => 1);
        binmode $fh;
        print $fh $body;
        close $fh;

        my ($ok, $out) = go_tool_top($file);
        SKIP: {
            skip "dry run", 1 if $dry_run;
            ok($ok && $out =~ /Showing nodes accounting for/,
               $block->name . " - go tool pprof reads the body")
                or diag($out);
        }
    }

    if (defined $block->go_tool_reads_url) {
        my $url = "http://127.0.0.1:" . server_port() . $block->go_tool_reads_url;
        my ($ok, $out) = go_tool_top($url);
        SKIP: {
            skip "dry run", 1 if $dry_run;
            ok($ok && $out =~ /Type: inuse_space/
                   && $out =~ /Showing nodes accounting for/,
               $block->name . " - go tool pprof -top $url")
                or diag($out);
        }
    }

    # Test::Nginx checks response_body_unlike only when there is no
    # response_body_like: body_unlike is checked with it (one pattern, or
    # an eval'ed array of one per request)
    if (defined $block->body_unlike) {
        my $pats = $block->body_unlike;
        my $pat = ref $pats eq 'ARRAY' ? $pats->[$req_idx] : $pats;
        chomp $pat;
        SKIP: {
            skip "dry run", 1 if $dry_run;
            unlike($body, qr/$pat/s, $block->name . " - body_unlike: $pat");
        }
    }

    if (defined $block->keeps_options) {
        my @opts = split /\n/, $block->keeps_options;
        my @bad = options_lost($body, @opts);
        SKIP: {
            skip "dry run", 1 if $dry_run;
            ok(!@bad, $block->name . " - every link and form keeps @opts")
                or diag(join "\n", @bad);
        }
    }

    # patterns (one a line) the error log has once the last request is done
    my $reqs = $block->request;
    if (defined $block->logged
        && $req_idx == (ref $reqs eq 'ARRAY' ? @$reqs : 1) - 1)
    {
        my $log = '';
        if (open my $in, '<', $Test::Nginx::Util::ErrLogFile) {
            local $/;
            $log = <$in>;
            close $in;
        }
        for my $pat (split /\n/, $block->logged) {
            SKIP: {
                skip "dry run", 1 if $dry_run;
                ok(index($log, $pat) >= 0,
                   $block->name . " - logged: $pat");
            }
        }
    }

    # a pair of requests: the raw capture, then a view of the same capture
    # (a HIT), or several (as_cli eval: the args of each by index); the
    # view must be what pprof-summary ARGS makes of the raw
    # bytes (text from its filters or "Showing nodes" on: the header
    # names the file)
    if (defined $block->as_cli) {
        if ($req_idx == 0) {
            $main::CliRaw = $body;

        } else {
            my $a = $block->as_cli;
            my @args = split ' ', ref $a eq 'ARRAY' ? $a->[$req_idx] : $a;
            my ($fh, $file) = tempfile(SUFFIX => '.pb.gz', UNLINK => 1);
            binmode $fh;
            print $fh $main::CliRaw;
            close $fh;
            system('make', '--no-print-directory', '-s',
                   'build/pprof-summary') == 0
                or die "cannot build build/pprof-summary\n";
            open my $p, '-|', 'build/pprof-summary', @args, $file
                or die "pprof-summary: $!";
            my $want = do { local $/; <$p> };
            my $ok = close $p;
            my $got = $body;
            if ("@args" =~ /--format top/) {
                s/\A.*?(?=^(?:Active filters:|Showing nodes))//ms
                    for $want, $got;
            }
            SKIP: {
                skip "dry run", 1 if $dry_run;
                ok($ok && length $want && $got eq $want,
                   $block->name . " - pprof-summary @args")
                    or diag("want:\n" . substr($want, 0, 2000)
                            . "\ngot:\n" . substr($got, 0, 2000));
            }
        }
    }

    if (defined $block->json_check) {
        my $json = eval { decode_json($body) };
        my $expect = $block->json_check;
        chomp $expect;
        SKIP: {
            skip "dry run", 1 if $dry_run;
            ok($json && json_ok($json, $expect),
               $block->name . " - JSON: $expect") or diag(substr($body, 0, 500));
        }
    }
});


# The refine options (name=value, decoded) a page lost: every relative
# link but the raw download (untouched, so without options) and the
# refine form's "clear" must carry each, every form must hold each as an
# input (a select for granularity), and "link to this view" must exist.

sub query_of {
    my ($href) = @_;
    my %q;
    (my $query = $href) =~ s/^\?//;
    for my $kv (split /&/, $query) {
        my ($k, $v) = split /=/, $kv, 2;
        $v = '' unless defined $v;
        $v =~ s/\+/ /g;
        $v =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge;
        $q{$k} = $v unless exists $q{$k};
    }
    return %q;
}

sub html_attr {
    my ($s) = @_;
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    return $s;
}

sub options_lost {
    my ($body, @opts) = @_;
    my (@bad, $links, $this_view);

    while ($body =~ /<a\b[^>]*?\bhref="(\?[^"]*)"[^>]*>(.*?)<\/a>/gs) {
        my ($href, $text) = ($1, $2);
        $href =~ s/&amp;/&/g;
        next if $href eq '?format=raw' || $text eq 'clear';
        $links++;
        $this_view++ if $text eq 'link to this view';
        my %q = query_of($href);
        for my $o (@opts) {
            my ($k, $v) = split /=/, $o, 2;
            push @bad, "link \"$text\" ($href) lost $o"
                unless defined $q{$k} && $q{$k} eq $v;
        }
    }

    push @bad, "no links" unless $links;
    push @bad, "no \"link to this view\"" unless $this_view;

    my $forms = 0;
    while ($body =~ /<form\b(.*?)<\/form>/gs) {
        my $form = $1;
        $forms++;
        for my $o (@opts) {
            my ($k, $v) = split /=/, $o, 2;
            my $a = html_attr($v);
            push @bad, "form $forms lost $o"
                unless $form =~ /<input\b[^>]*\bname="\Q$k\E"[^>]*\bvalue="\Q$a\E"/
                       || $form =~ /<select\b[^>]*\bname="\Q$k\E".*?<option selected>\Q$a\E<\/option>/s;
        }
    }

    push @bad, "no forms" unless $forms;

    return @bad;
}


# the checks a JSON report must pass, by name

sub json_ok {
    my ($j, $what) = @_;

    return 0 unless ref $j->{sample_types} eq 'ARRAY'
                    && ref $j->{functions} eq 'ARRAY'
                    && defined $j->{total};

    my $sum = 0;
    my $prev;
    for my $f (@{ $j->{functions} }) {
        return 0 unless defined $f->{name} && defined $f->{flat}
                        && defined $f->{cum};
        return 0 if abs($f->{flat}) > abs($f->{cum}) && $f->{cum} >= 0;
        return 0 if defined $prev && abs($f->{flat}) > abs($prev);
        $prev = $f->{flat};
        $sum += abs($f->{flat});
    }

    if ($what eq 'heap') {
        return $j->{sample_type} eq 'inuse_space'
               && (grep { $_->{type} eq 'alloc_space' } @{ $j->{sample_types} })
               && $sum == $j->{total};
    }

    if ($what eq 'alloc_space') {
        return $j->{sample_type} eq 'alloc_space' && $sum == $j->{total};
    }

    # like go tool pprof: nothing shown, percentages still of the whole
    if ($what eq 'empty') {
        return $j->{total} > 0 && @{ $j->{functions} } == 0;
    }

    return 0;
}

run_tests();

__DATA__

=== TEST 1: no Accept: the raw profile, untouched, as a named download
--- request
GET /debug/pprof/heap
--- response_headers
Content-Type: application/octet-stream
Vary: Accept
--- response_headers_like
Content-Disposition: attachment; filename="127\.0\.0\.1-heap-\d{8}T\d{6}Z\.pb\.gz"
--- response_body_like: ^\x1f\x8b
--- go_tool_reads_body
--- no_error_log
[error]



=== TEST 2: go tool pprof -top works through the gateway's URL
--- request
GET /debug/pprof/
--- go_tool_reads_url: /debug/pprof/heap
--- response_body_like: /debug/pprof/
--- no_error_log
[error]



=== TEST 3: a browser gets the top table
--- request
GET /debug/pprof/heap
--- more_headers
Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8
--- response_headers
Content-Type: text/html; charset=utf-8
Vary: Accept
Content-Disposition:
--- response_body_like: (?s)^<!DOCTYPE html>.*inuse_space.*flat%.*cum%.*</html>\s*$
--- no_error_log
[error]



=== TEST 4: format=top is text like go tool pprof -top
--- request
GET /debug/pprof/heap?format=top
--- response_headers
Content-Type: text/plain; charset=utf-8
--- response_body_like: (?s)Type: inuse_space.*Showing nodes accounting for .* total\n +flat +flat% +sum% +cum +cum%\n
--- no_error_log
[error]



=== TEST 5: format=json: the report, functions by flat, summing to the total
--- request
GET /debug/pprof/heap?format=json
--- response_headers
Content-Type: application/json
--- json_check
heap
--- no_error_log
[error]



=== TEST 6: sample= picks another sample type
--- request
GET /debug/pprof/heap?format=json&sample=alloc_space
--- json_check
alloc_space
--- no_error_log
[error]



=== TEST 7: focus= that matches nothing shows nothing, of the whole total
--- request
GET /debug/pprof/heap?format=json&focus=no%5Fsuch%5Ffunction%5Fanywhere
--- json_check
empty
--- no_error_log
[error]



=== TEST 8: format=collapsed: folded stacks, one per line
--- request
GET /debug/pprof/heap?format=collapsed&sample=alloc_space
--- response_headers
Content-Type: text/plain; charset=utf-8
--- response_body_like: ^([^\n]+ -?\d+\n)+$
--- no_error_log
[error]



=== TEST 9: format=flamegraph: a standalone page
--- request
GET /debug/pprof/heap?format=flamegraph&sample=alloc_space
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body_like: (?s)^<!DOCTYPE html>.*</html>\s*$
--- no_error_log
[error]



=== TEST 10: the flame graph view links frames to zooms, relatively
--- request
GET /debug/pprof/heap?view=flame&sample=alloc_space
--- more_headers
Accept: text/html
--- response_body_like: (?s)href="\?[^"]*zoom=
--- body_unlike: href="/
--- no_error_log
[error]



=== TEST 11: capture arguments are kept in the links
--- request
GET /debug/pprof/heap?seconds=1&format=html
--- response_body_like: (?s)href="\?seconds=1&amp;
--- no_error_log
[error]



=== TEST 12: goroutine profiles open on the goroutines view
--- request
GET /debug/pprof/goroutine
--- more_headers
Accept: text/html
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body_like: (?is)goroutines.*runtime\.gopark
--- no_error_log
[error]



=== TEST 13: debug=2 text is shown in a page, escaped
--- request
GET /debug/pprof/goroutine?debug=2
--- more_headers
Accept: text/html
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body_like: (?s)<pre[^>]*>.*goroutine \d+ \[
--- no_error_log
[error]



=== TEST 14: debug=2 text without Accept stays text
--- request
GET /debug/pprof/goroutine?debug=2
--- response_headers
Content-Type: text/plain; charset=utf-8
--- response_body_like: ^goroutine \d+ \[
--- no_error_log
[error]



=== TEST 15: format=raw wins over Accept, a delta is named so
--- request
GET /debug/pprof/heap?seconds=1&format=raw
--- more_headers
Accept: text/html
--- response_headers
Content-Type: application/octet-stream
--- response_headers_like
Content-Disposition: attachment; filename="127\.0\.0\.1-heap-delta-\d{8}T\d{6}Z\.pb\.gz"
--- response_body_like: ^\x1f\x8b
--- no_error_log
[error]



=== TEST 16: a CPU profile renders with its own sample types
--- request
GET /debug/pprof/profile?seconds=1&format=top
--- response_body_like: (?s)Type: cpu.*Duration: .*Showing nodes
--- no_error_log
[error]



=== TEST 17: an unknown sample type is a 400 with the reason
--- request
GET /debug/pprof/heap?format=top&sample=no_such_type
--- error_code: 400
--- response_body_like: no_such_type
--- error_log
pprof:



=== TEST 18: a bad regular expression is a 400 with the reason
--- request
GET /debug/pprof/heap?format=json&focus=%28unclosed
--- error_code: 400
--- response_body_like: focus
--- error_log
pprof:



=== TEST 19: garbage where a profile should be: a clean 502
--- request
GET /garbage/heap?format=top
--- error_code: 502
--- response_body_like: not a profile
--- error_log
pprof: the APIServer sent something that is not a profile



=== TEST 20: gzip around garbage: a clean 502, as a page for browsers
--- request
GET /gzipgarbage/heap
--- more_headers
Accept: text/html
--- error_code: 502
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body_like: (?s)^<!DOCTYPE html>.*not a profile
--- error_log
pprof: the APIServer sent something that is not a profile



=== TEST 21: garbage as raw passes through: raw means untouched
--- request
GET /garbage/heap?format=raw
--- response_headers
Content-Type: application/octet-stream
--- response_body_like: ^\x07
--- no_error_log
[error]



=== TEST 22: what the client sends is escaped in pages
--- request
GET /debug/pprof/heap?view=flame&search=%3Cscript%3Ealert(1)%3C/script%3E&zoom=%22%3E%3Cimg%20src=x%3E
--- more_headers
Accept: text/html
--- response_body_unlike: <script>alert|<img src=x>
--- no_error_log
[error]



=== TEST 23: trace is never rendered, even for browsers (the index is t/018-index.t)
--- request
GET /debug/pprof/trace?seconds=0.1
--- more_headers
Accept: text/html
--- response_headers
Content-Type: application/octet-stream
--- response_headers_like
Content-Disposition: attachment; filename="127\.0\.0\.1-trace-\d{8}T\d{6}Z\.trace"
--- no_error_log
[error]



=== TEST 24: a format for something that is not a profile is a 400
--- request
GET /debug/pprof/cmdline?format=top
--- error_code: 400
--- response_body_like: not a profile
--- error_log
pprof: only the raw format applies here



=== TEST 25: a search pattern gets the same guard as focus: no backreferences
--- request
GET /debug/pprof/heap?view=flame&search=%28a%29%5C1
--- more_headers
Accept: text/html
--- response_body_like: Invalid search regex: search: backreferences are not supported
--- no_error_log
[error]



=== TEST 26: so does focus, with a 400
--- request
GET /debug/pprof/heap?format=top&focus=%28a%29%5C1
--- error_code: 400
--- response_body_like: focus: backreferences are not supported
--- error_log
pprof: focus: backreferences are not supported



=== TEST 27: format=dot: the call graph as go tool pprof -dot prints it, 80 nodes at most
--- request
GET /debug/pprof/heap?format=dot&sample=alloc_space
--- response_headers
Content-Type: text/vnd.graphviz; charset=utf-8
--- response_body_like: (?s)^digraph "[^"]*" \{\nnode \[style=filled fillcolor="#f8f8f8"\]\nsubgraph cluster_L \{ .*Type: alloc_space.*\nN1 \[label=".*" id="node1" fontsize=\d+ shape=box tooltip="[^"]+ \([^"]+\)" color="#[0-9a-f]{6}" fillcolor="#[0-9a-f]{6}"\]\n.*\nN\d+ -> N\d+ \[label=" [^"]+".*\n\}\n$
--- body_unlike: \nN81 \[
--- no_error_log
[error]



=== TEST 28: format=dot&nodecount=3: at most three nodes, each counting its nodelets (heap's sizes) as nodes, as pprof does: the same DOT as pprof-summary --nodecount 3 on the capture's raw bytes (make compare holds that to go tool pprof -dot)
--- http_config
    pprof_cache_path $TEST_NGINX_SERVROOT/pprof_cache keys_zone=views:1m;
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache views;
        pprof_cache_valid 1m;
    }
--- request eval
["GET /debug/pprof/heap?format=raw",
 "GET /debug/pprof/heap?format=dot&sample=alloc_space&nodecount=3"]
--- response_headers eval
["X-Pprof-Cache: MISS", "X-Pprof-Cache: HIT"]
--- as_cli
--format dot --sample-type alloc_space --nodecount 3
--- response_body_like eval
["", "(?s)Showing top [123] nodes out of \\d+.*\\nN1 \\[label="]
--- body_unlike eval
["\\A\\z", "\\nN4 \\["]
--- no_error_log
[error]



=== TEST 29: format=svg: the call graph drawn, a standalone SVG document
--- request
GET /debug/pprof/heap?format=svg&sample=alloc_space
--- response_headers
Content-Type: image/svg+xml
--- response_body_like: (?s)^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http://www.w3.org/2000/svg" .*<g class="edge"><title>[^<]+</title><path .*<g class="node" id="node1"><title>[^<]+</title><rect .*</svg>\n$
--- no_error_log
[error]



=== TEST 30: view=graph: the page embeds the SVG; nodes link to the graph focused on them, capture arguments and options kept
--- request
GET /debug/pprof/heap?seconds=1&view=graph&sample=alloc_space&ignore=nothing_matches
--- more_headers
Accept: text/html
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body_like: (?s)^<!DOCTYPE html>.*<strong aria-current="page">Graph</strong>.*<ul class="legend">.*Showing nodes accounting for.*<div class="graph">\n<svg xmlns="http://www.w3.org/2000/svg" .*<g class="node" id="node1"><title>[^<]+</title><a href="\?seconds=1&amp;view=graph&amp;nodecount=80&amp;sample=alloc_space&amp;focus=%5E[^"]+%24&amp;ignore=nothing_matches">.*</svg>\n</div>.*</html>\s*$
--- body_unlike: href="/
--- no_error_log
[error]



=== TEST 31: nodefraction that is not a fraction: 400 with the reason
--- request
GET /debug/pprof/heap?format=dot&nodefraction=2
--- error_code: 400
--- response_body_like: nodefraction.*must be a number from 0 to 1
--- error_log
nodefraction



=== TEST 32: hide= drops the matching frames, the samples stay: no main.workPark row, the total the same
--- request
GET /debug/pprof/goroutine?format=top&hide=%5Emain%5C.workPark%24
--- response_body_like: (?s)Active filters:\n   hide=\^main\\\.workPark\$\n.*  runtime\.gopark\n.*  runtime\.chanrecv1\n
--- body_unlike: (?m)  main\.workPark$
--- no_error_log
[error]



=== TEST 33: show= keeps only the matching frames: every row is of main
--- request
GET /debug/pprof/goroutine?format=top&show=%5Emain%5C.
--- response_body_like: (?s)Active filters:\n   show=\^main\\\.\n.*\n +8 +[\d.]+% +[\d.]+% +8 +[\d.]+%  main\.workPark\n
--- body_unlike: (?m)^ +\d+ +[\d.]+% +[\d.]+% +\d+ +[\d.]+%  (?!main\.)
--- no_error_log
[error]



=== TEST 34: show_from= drops the frames above the outermost match: main.workPark and what it called
--- request
GET /debug/pprof/goroutine?format=top&show_from=%5Emain%5C.workPark%24
--- response_body_like: (?s)Active filters:\n   show_from=\^main\\\.workPark\$\nShowing nodes accounting for 8, [\d.]+% of \d+ total\n +flat +flat% +sum% +cum +cum%\n +8 [^\n]+  runtime\.gopark\n( +0 [^\n]+ +8 [^\n]+  (main\.workPark|runtime\.chanrecv1?)\n){3}\z
--- no_error_log
[error]



=== TEST 35: focus= and ignore= match file names too, as pprof does
--- request eval
["GET /debug/pprof/goroutine?format=top&focus=workload%5C.go%24",
 "GET /debug/pprof/goroutine?format=top&ignore=workload%5C.go%24"]
--- response_body_like eval
["(?s)Active filters:\\n   focus=workload\\\\\\.go\\\$\\n.*  main\\.workPark\\n",
 "(?s)Active filters:\\n   ignore=workload\\\\\\.go\\\$\\n.*  net/http\\.\\(\\*Server\\)\\.Serve\\n"]
--- body_unlike eval
["(?m)  net/http\\.\\(\\*Server\\)\\.Serve\$",
 "(?m)  main\\.work(Park|Contend|Alloc|Block|Feed)\$"]
--- no_error_log
[error]



=== TEST 36: tagfocus= and tagignore= on the parked goroutines' label role=park: key=regex, and regex on key:value
--- request eval
["GET /debug/pprof/goroutine?format=top&tagfocus=role%3Dpark",
 "GET /debug/pprof/goroutine?format=top&tagfocus=role:par",
 "GET /debug/pprof/goroutine?format=top&tagignore=role%3Dnobody%2Cpark"]
--- response_body_like eval
["(?s)Active filters:\\n   tagfocus=role=park\\nShowing nodes accounting for 8, [\\d.]+% of \\d+ total\\n.*  main\\.workPark\\n",
 "(?s)Active filters:\\n   tagfocus=role:par\\nShowing nodes accounting for 8, .*  main\\.workPark\\n",
 "(?s)Active filters:\\n   tagignore=role=nobody,park\\n.*  main\\.workContend\\n"]
--- body_unlike eval
["(?m)  main\\.workContend\$",
 "(?m)  main\\.workContend\$",
 "(?m)  main\\.workPark\$"]
--- no_error_log
[error]



=== TEST 37: granularity=: rows named as go tool pprof -functions, -filefunctions, -files, -lines, -addresses name them
--- request eval
["GET /debug/pprof/goroutine?format=top&focus=%5Emain%5C.workPark%24&granularity=functions",
 "GET /debug/pprof/goroutine?format=top&focus=%5Emain%5C.workPark%24&granularity=filefunctions",
 "GET /debug/pprof/goroutine?format=top&focus=%5Emain%5C.workPark%24&granularity=files",
 "GET /debug/pprof/goroutine?format=top&focus=%5Emain%5C.workPark%24&granularity=lines",
 "GET /debug/pprof/goroutine?format=top&focus=%5Emain%5C.workPark%24&granularity=addresses",
 "GET /debug/pprof/goroutine?format=json&focus=%5Emain%5C.workPark%24&granularity=lines"]
--- response_body_like eval
["\\n +0 +0% +[\\d.]+% +8 +[\\d.]+%  main\\.workPark\\n",
 "\\n +0 +0% +[\\d.]+% +8 +[\\d.]+%  main\\.workPark fakeapiserver/workload\\.go\\n",
 "\\n +8 +[\\d.]+% +[\\d.]+% +8 +[\\d.]+%  runtime/proc\\.go\\n +0 +0% +[\\d.]+% +8 +[\\d.]+%  fakeapiserver/workload\\.go\\n",
 "\\n +0 +0% +[\\d.]+% +8 +[\\d.]+%  main\\.workPark fakeapiserver/workload\\.go:$main::ParkLine\\n",
 "\\n +0 +0% +[\\d.]+% +8 +[\\d.]+%  [0-9a-f]{16} main\\.workPark fakeapiserver/workload\\.go:$main::ParkLine\\n",
 "\"name\": *\"main\\.workPark fakeapiserver/workload\\.go:$main::ParkLine\""]
--- body_unlike eval
["fakeapiserver/",
 "(?m)  main\\.workPark fakeapiserver/workload\\.go:",
 "(?m)  main\\.",
 "(?m)  [0-9a-f]{16} ",
 "(?m)  main\\.workPark fakeapiserver/workload\\.go\$",
 "\"name\": *\"main\\.workPark\""]
--- no_error_log
[error]



=== TEST 38: view=peek&focus=: callers and callees as go tool pprof -peek prints them, and as tables for browsers
--- request eval
["GET /debug/pprof/goroutine?format=top&view=peek&focus=%5Emain%5C.workPark%24",
 "GET /debug/pprof/goroutine?view=peek&focus=%5Emain%5C.workPark%24"]
--- response_body_like eval
["(?s)\\n-+\\+-------------\\n +flat +flat% +sum% +cum +cum% +calls calls% \\+ context \\t \\t \\n-+\\+-------------\\n +0 +0% +0% +8 +[\\d.]+% +\\| main\\.workPark\\n +8 +100% \\|   runtime\\.chanrecv1\\n-+\\+-------------\\n\\z",
 "(?s)<strong aria-current=\"page\">Peek</strong>.*<tr class=\"self\">.*main\\.workPark.*<tr class=\"callee\">.*runtime\\.chanrecv1"]
--- no_error_log
[error]



=== TEST 39: view=peek without focus: the page says what to type; as text, a 400 before the APIServer is asked
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/goroutine?view=peek",
 "GET /debug/pprof/goroutine?format=top&view=peek",
 "GET /ctl/count"]
--- error_code eval
[200, 200, 400, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 "(?s)<p class=\"note\">Peek shows the callers and callees of the functions matching a regex",
 "\\Aview=peek needs \"focus\": a regex of the functions to peek at\\n\\z",
 "\\A1\\n\\z"]
--- logged
pprof: view=peek needs "focus"



=== TEST 40: format=dot with focus: the nodes of main.workPark's stacks only, as go tool pprof -dot selects them
--- request
GET /debug/pprof/goroutine?format=dot&focus=%5Emain%5C.workPark%24
--- response_body_like: (?s)\nN\d+ \[label="main\\nworkPark\\n0 of 8 \(32\.00%\)" id="node\d+" [^\n]*tooltip="main\.workPark \(8\)".*\nN\d+ -> N\d+ \[label=" 8" [^\n]* tooltip="main\.workPark -> runtime\.chanrecv1 \(8\)"
--- body_unlike: tooltip="(main\.workContend|net/http\.\(\*Server\)\.Serve) \(
--- no_error_log
[error]



=== TEST 41: nodefraction= and edgefraction=: nodes under 30%, edges under 40% of the total dropped
--- request eval
["GET /debug/pprof/goroutine?format=dot&nodefraction=0.3",
 "GET /debug/pprof/goroutine?format=dot&edgefraction=0.4",
 "GET /debug/pprof/goroutine?format=dot"]
--- response_body_like eval
["tooltip=\"main\\.workPark \\(8\\)\"",
 "tooltip=\"main\\.workPark \\(8\\)\"",
 "(?s)tooltip=\"main\\.workContend \\(4\\)\".*tooltip=\"main\\.workPark -> runtime\\.chanrecv1 \\(8\\)\""]
--- body_unlike eval
["tooltip=\"main\\.workContend \\(",
 "tooltip=\"main\\.workPark -> runtime\\.chanrecv1 \\(",
 "\\A\\z"]
--- no_error_log
[error]



=== TEST 42: format=svg with focus and hide: the drawing has the nodes left
--- request
GET /debug/pprof/goroutine?format=svg&focus=%5Emain%5C.workPark%24&hide=chanrecv
--- response_headers
Content-Type: image/svg+xml
--- response_body_like: (?s)\A(?=.*<g class="node" id="node\d+"><title>main\.workPark \(8\)</title>)(?=.*<g class="node" id="node\d+"><title>runtime\.gopark \(8\)</title>).*<g class="edge"><title>main\.workPark -> runtime\.gopark \(8\)</title>
--- body_unlike: <title>(runtime\.chanrecv|main\.workContend)
--- no_error_log
[error]



=== TEST 43: the top page keeps every refine option in every link and form
--- request
GET /debug/pprof/goroutine?format=html&view=top&hide=zz%20z&show=%5E(main%7Cruntime)&show_from=main&focus=workload%5C.go&ignore=nothing%26more&tagfocus=role%3Dpark&tagignore=role:none&granularity=lines
--- keeps_options
hide=zz z
show=^(main|runtime)
show_from=main
focus=workload\.go
ignore=nothing&more
tagfocus=role=park
tagignore=role:none
granularity=lines
--- response_body_like: (?s)<b>Refined:</b> .*<code>hide=zz z</code>.*<code>granularity=lines</code>.*main\.workPark fakeapiserver/workload\.go:\d+
--- no_error_log
[error]



=== TEST 44: so do the flame graph, peek and graph pages
--- request eval
["GET /debug/pprof/goroutine?view=flame&hide=zzz&show_from=%5Emain%5C.&tagignore=role%3Dnobody&granularity=filefunctions",
 "GET /debug/pprof/goroutine?view=peek&focus=workPark&hide=zzz&show_from=%5Emain%5C.&tagignore=role%3Dnobody&granularity=filefunctions",
 "GET /debug/pprof/goroutine?view=graph&hide=zzz&show_from=%5Emain%5C.&tagignore=role%3Dnobody&granularity=filefunctions"]
--- more_headers
Accept: text/html
--- keeps_options
hide=zzz
show_from=^main\.
tagignore=role=nobody
granularity=filefunctions
--- response_body_like eval
["<strong aria-current=\"page\">Flame graph</strong>",
 "<strong aria-current=\"page\">Peek</strong>",
 "<strong aria-current=\"page\">Graph</strong>"]
--- no_error_log
[error]



=== TEST 45: hostile refine values: 400 with the reason, logged, and nothing asked of the APIServer
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/goroutine?format=top&granularity=bogus",
 "GET /debug/pprof/goroutine?format=top&granularity=Lines",
 "GET /debug/pprof/goroutine?format=top&hide=%28",
 "GET /debug/pprof/goroutine?format=top&show=%5B",
 "GET /debug/pprof/goroutine?format=top&show_from=(a)%5C1",
 "GET /debug/pprof/goroutine?format=top&ignore=" . ("a" x 600),
 "GET /debug/pprof/goroutine?format=top&tagfocus=work%3D%28",
 "GET /debug/pprof/goroutine?format=top&tagignore=%2A",
 "GET /debug/pprof/goroutine?format=top&tagfocus=" . ("a," x 40),
 "GET /debug/pprof/goroutine?format=dot&nodefraction=1.5",
 "GET /debug/pprof/goroutine?format=dot&nodefraction=-0.1",
 "GET /debug/pprof/goroutine?format=dot&edgefraction=abc",
 "GET /debug/pprof/goroutine?format=dot&edgefraction=nan",
 "GET /ctl/count"]
--- error_code eval
[200, (400) x 13, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 ("\\Agranularity \"(bogus|Lines)\" is not functions, filefunctions, files, lines or addresses\\n\\z") x 2,
 "\\Ahide: bad regular expression: [^\\n]+\\n\\z",
 "\\Ashow: bad regular expression: [^\\n]+\\n\\z",
 "\\Ashow_from: backreferences are not supported\\n\\z",
 "\\Aignore: regular expression longer than 512 bytes\\n\\z",
 "\\Atagfocus: bad regular expression: [^\\n]+\\n\\z",
 "\\Atagignore: bad regular expression: [^\\n]+\\n\\z",
 "\\Atagfocus: more than 32 regexes\\n\\z",
 ("\\A\"nodefraction\" must be a number from 0 to 1\\n\\z") x 2,
 ("\\A\"edgefraction\" must be a number from 0 to 1\\n\\z") x 2,
 "\\A0\\n\\z"]
--- logged
pprof: granularity "bogus" is not functions, filefunctions, files, lines or addresses
pprof: granularity "Lines" is not
pprof: hide: bad regular expression
pprof: show: bad regular expression
pprof: show_from: backreferences are not supported
pprof: ignore: regular expression longer than 512 bytes
pprof: tagfocus: bad regular expression
pprof: tagignore: bad regular expression
pprof: tagfocus: more than 32 regexes
pprof: "nodefraction" must be a number from 0 to 1
pprof: "edgefraction" must be a number from 0 to 1



=== TEST 46: view=peek as text with a focus that matches nothing: 404 with go tool pprof -peek's words, not a 500
--- request
GET /debug/pprof/goroutine?format=top&view=peek&focus=%5Enothing%24
--- error_code: 404
--- response_body_like: \Ano matches found for regexp: \^nothing\$\n\z
--- error_log
no matches found for regexp: ^nothing$
--- no_error_log
rendering failed
[alert]



=== TEST 47: numeric tag ranges on heap's bytes: tagfocus=1kb: (any numeric label), tagfocus=bytes=16b:4kb, tagignore=:64kb, each what pprof-summary makes of the same capture's raw bytes (make compare holds those to go tool pprof -tagfocus)
--- http_config
    pprof_cache_path $TEST_NGINX_SERVROOT/pprof_cache keys_zone=views:1m;
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache views;
        pprof_cache_valid 1m;
    }
--- request eval
["GET /debug/pprof/heap?format=raw",
 "GET /debug/pprof/heap?format=top&sample=alloc_space&tagfocus=1kb%3A",
 "GET /debug/pprof/heap?format=top&sample=alloc_space&tagfocus=bytes%3D16b%3A4kb",
 "GET /debug/pprof/heap?format=top&sample=alloc_space&tagignore=%3A64kb"]
--- response_headers eval
["X-Pprof-Cache: MISS", "X-Pprof-Cache: HIT", "X-Pprof-Cache: HIT",
 "X-Pprof-Cache: HIT"]
--- as_cli eval
["",
 "--format top --sample-type alloc_space --tagfocus 1kb:",
 "--format top --sample-type alloc_space --tagfocus bytes=16b:4kb",
 "--format top --sample-type alloc_space --tagignore :64kb"]
--- response_body_like eval
["",
 "(?s)Active filters:\\n   tagfocus=1kb:\\nShowing nodes accounting for ",
 "(?s)Active filters:\\n   tagfocus=bytes=16b:4kb\\nShowing nodes accounting for ",
 "(?s)Active filters:\\n   tagignore=:64kb\\nShowing nodes accounting for "]
--- no_error_log
[error]
