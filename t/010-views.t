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
_EOC_

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
--- response_body_unlike: href="/
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
--- response_body_unlike: \nN81 \[
--- no_error_log
[error]



=== TEST 28: format=dot&nodecount=3: three nodes
--- request
GET /debug/pprof/heap?format=dot&sample=alloc_space&nodecount=3
--- response_body_like: (?s)Showing top 3 nodes out of \d+.*\nN3 \[label=
--- response_body_unlike: \nN4 \[
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
--- response_body_unlike: href="/
--- no_error_log
[error]



=== TEST 31: nodefraction that is not a fraction: 400 with the reason
--- request
GET /debug/pprof/heap?format=dot&nodefraction=2
--- error_code: 400
--- response_body_like: nodefraction.*must be a number from 0 to 1
--- error_log
nodefraction
