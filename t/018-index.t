# The gateway's index: the location prefix asked for by a browser
# (Accept: text/html, or format=html) is our own page, made without the
# APIServer (counted at the fake APIServer): every profile type with its
# description, views, raw download, debug=N text, a capture form for
# profile and trace bounded by pprof_max_seconds, the history with
# pprof_cache.  Every other client, and format=raw, gets the APIServer's
# own index, proxied as before.  Prefix, exact and regex locations, and if
# blocks inside them.  Run: t/run.sh t/018-index.t

use Test::Nginx::Socket 'no_plan';
use PprofGateway;

our @Names = qw(allocs block cmdline goroutine heap mutex profile symbol
                threadcreate trace);
our %Views = map { $_ => 1 } qw(allocs block goroutine heap mutex
                                threadcreate);
our %Capture = (profile => 1, trace => 1);

# --- index_page eval: per request, undef (not the index) or a hash of
# what the page must hold: max (the forms' bound), base (the links'
# first segment), history (1: the link, 0: none), target, names (the
# profiles listed, all by default)
sub index_ok {
    my ($body, $want, $name) = @_;
    my @errs;
    my %href = map { $_ => 1 } hrefs($body);
    my $base = $want->{base} // '';

    push @errs, 'not our page' unless $body =~ /\A<!DOCTYPE html>/
        && $body =~ m{<ul class="ix">};
    my @names = $want->{names} ? @{ $want->{names} } : @Names;
    my %listed = map { $_ => 1 } @names;
    for my $n (grep { !$listed{$_} } @Names) {
        push @errs, "$n is listed" if $body =~ m{<li><h2>(?:<a [^>]*>)?\Q$n\E(?:</a>)?</h2>};
    }
    for my $n (@names) {
        my @links;
        push @errs, "no entry for $n"
            unless $body =~ m{<li><h2>(?:<a href="\Q$base$n\E">)?\Q$n\E(?:</a>)?</h2>\n<p>[A-Z][^<]+</p>};
        if ($Capture{$n}) {
            push @errs, "$n: a bare link" if grep { m{^\Q$base$n\E(\?|$)} } keys %href;
            push @errs, "$n: no form bounded by $want->{max}"
                unless $body =~ m{<form class="capture" method="get" action="\Q$base$n\E"[^>]*><label>Seconds <input type="number" name="seconds" required min="[\d.]+" max="$want->{max}" step="[^"]+" value="\d+">};
            next;
        }
        push @links, "$base$n", "$base$n?format=raw";
        push @links, map { "$base$n?view=$_" } qw(top flame) if $Views{$n};
        push @links, "$base$n?view=goroutines", "$base$n?debug=2"
            if $n eq 'goroutine';
        push @links, "$base$n?debug=1" if $Views{$n};
        for my $l (@links) {
            push @errs, "no link $l" unless $href{$l};
        }
        push @errs, "$n: goroutines view" if $n ne 'goroutine'
            && $href{"$base$n?view=goroutines"};
    }
    # the views of the engine's table, but goroutines
    my ($opts) = $body =~ m{<select name="view">((?:<option>\w+</option>)+)</select>};
    my @opts = defined $opts ? $opts =~ m{<option>(\w+)</option>}g : ();
    push @errs, 'the views of profile are not in its form: ' . join(' ', @opts)
        if $listed{profile}
           and (join(' ', grep { /^(top|flame|graph)$/ } @opts) ne 'top flame graph'
                or grep { $_ eq 'goroutines' } @opts);
    push @errs, "no link to the APIServer's own index"
        unless $href{"$base?format=raw"};
    push @errs, 'history link: ' . ($href{'?view=history'} ? 'present' : 'absent')
        if !!$href{'?view=history'} != !!$want->{history};
    push @errs, 'an absolute link'
        if grep { $_ ne 'data:,' && m{^(/|\w+:)} } keys %href;
    push @errs, "no target $want->{target}"
        if defined $want->{target}
           && index($body, "<b>Target:</b> <code>$want->{target}</code>") < 0;
    push @errs, 'the token is in the page' if index($body, $Token) >= 0;
    return @errs;
}

add_response_body_check(sub {
    my ($block, $body, $idx, $rep, $dry_run) = @_;
    my $spec = $block->index_page or return;
    my $want = ref $spec eq 'ARRAY' ? $spec->[$idx] : $spec;
    return unless $want;
    my @errs = index_ok($body, $want, $block->name);
    SKIP: {
        skip 'dry run', 1 if $dry_run;
        Test::More::ok(!@errs, $block->name . " - request $idx: the index page")
            or Test::More::diag(join("\n", @errs));
    }
});

our $Api = "https://127.0.0.1:$ENV{TEST_NGINX_APISERVER_PORT}";

run_tests();

__DATA__

=== TEST 1: a browser gets our page, the APIServer is not asked; the form's bound is pprof_max_seconds, and the server holds it
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_max_seconds 7;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/",
 "GET /debug/pprof/",
 "GET /debug/pprof/profile?seconds=8&view=top",
 "GET /debug/pprof/trace?seconds=7.5",
 "GET /ctl/count"]
--- more_headers eval
["",
 "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
 "Accept: TEXT/HTML",
 "Accept: text/html",
 "Accept: text/html",
 ""]
--- error_code eval
[200, 200, 200, 400, 400, 200]
--- response_headers eval
["",
 "Content-Type: text/html; charset=utf-8\nVary: Accept\n!Content-Disposition\n!X-Pprof-Cache",
 "Content-Type: text/html; charset=utf-8\nVary: Accept",
 "", "", ""]
--- index_page eval
[undef,
 { max => 7, history => 0, target => "$::Api/debug/pprof/" },
 { max => 7, history => 0 },
 undef, undef, undef]
--- response_body_like eval
["\\Aok\\n\\z",
 "<title>/debug/pprof/</title>",
 "<h1>/debug/pprof/</h1>",
 "&quot;seconds&quot; must be a positive number of at most 7 \\(pprof_max_seconds\\)",
 "&quot;seconds&quot; must be a positive number of at most 7 \\(pprof_max_seconds\\)",
 "\\A0\\n\\z"]
--- no_error_log
[alert]
[crit]



=== TEST 2: other clients get the APIServer's own index, proxied, with Vary: Accept
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/",
 "GET /debug/pprof/",
 "GET /debug/pprof/",
 "GET /ctl/count?path=/debug/pprof/"]
--- more_headers eval
["", "", "Accept: */*", "Accept: application/json", ""]
--- response_headers eval
["", "Vary: Accept", "Vary: Accept", "Vary: Accept", ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "Types of profiles available",
 "Types of profiles available",
 "Types of profiles available",
 "\\A3\\n\\z"]
--- no_error_log
[error]
[alert]



=== TEST 3: format=raw is the APIServer's index even for browsers; format=html is ours for anyone; other formats are refused
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/?format=raw",
 "GET /debug/pprof/?format=html",
 "GET /debug/pprof/?format=top",
 "GET /debug/pprof/?format=nope",
 "GET /ctl/count"]
--- more_headers eval
["", "Accept: text/html", "", "Accept: text/html", "Accept: text/html", ""]
--- error_code eval
[200, 200, 200, 400, 400, 200]
--- response_headers eval
["", "!Vary", "Content-Type: text/html; charset=utf-8", "", "", ""]
--- index_page eval
[undef, undef, { max => 60, history => 0 }, undef, undef, undef]
--- response_body_like eval
["\\Aok\\n\\z",
 "Types of profiles available",
 "<ul class=\"ix\">",
 "only the raw format applies here",
 "&quot;format&quot; must be html, top, json, flamegraph, collapsed, raw, dot or svg",
 "\\A1\\n\\z"]



=== TEST 4: with pprof_cache the index links to the history, which is there; still no APIServer request
--- http_config
    pprof_cache_path $TEST_NGINX_SERVROOT/pprof_cache keys_zone=pprof:1m;
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache pprof;
    }
    location /nocache/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_cache off;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/",
 "GET /debug/pprof/?view=history",
 "GET /nocache/",
 "GET /ctl/count"]
--- more_headers eval
["", "Accept: text/html", "Accept: text/html", "Accept: text/html", ""]
--- index_page eval
[undef, { max => 60, history => 1 }, undef, { max => 60, history => 0 },
 undef]
--- response_body_like eval
["\\Aok\\n\\z",
 "<h1>/debug/pprof/</h1>",
 "no stored captures yet",
 "<h1>/nocache/</h1>",
 "\\A0\\n\\z"]
--- no_error_log
[error]
[alert]



=== TEST 5: what the capture form submits: the CPU profile's page, or its raw download
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_max_seconds 2;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/profile?seconds=1&view=top",
 "GET /debug/pprof/profile?seconds=1&view=flame&format=raw",
 "GET /debug/pprof/trace?seconds=0.2",
 "GET /ctl/requests"]
--- more_headers eval
["", "Accept: text/html", "Accept: text/html", "Accept: text/html", ""]
--- timeout: 10
--- response_body_filters eval
\&::gz
--- response_headers_like eval
["",
 "Content-Type: text/html; charset=utf-8",
 "Content-Disposition: attachment; filename=\"127\\.0\\.0\\.1-profile-\\d{8}T\\d{6}Z\\.pb\\.gz\"",
 "Content-Disposition: attachment; filename=\"127\\.0\\.0\\.1-trace-\\d{8}T\\d{6}Z\\.trace\"",
 ""]
--- response_body_like eval
["\\Aok\\n\\z",
 "(?s)<title>profile \xe2\x80\x93 top</title>.*<b>Type:</b> cpu/nanoseconds",
 "\\AGZIP\\n\\z",
 "\\Ago 1\\.\\d+ trace",
 "\\AGET /debug/pprof/profile\\?seconds=1 auth=valid\\nGET /debug/pprof/profile\\?seconds=1 auth=valid\\nGET /debug/pprof/trace\\?seconds=0\\.2 auth=valid\\n\\z"]
--- no_error_log
[error]



=== TEST 6: a prefix location without "/", an exact and a regex one, if blocks inside: our page, links that resolve, nothing upstream
--- config
    location /pprof {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/faults/echo/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_max_seconds 3;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
    location = /exact/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
    location ~ ^/re/[^/]*/(\w*)$ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        if ($arg_x) {
            add_header X-If 1;
        }
    }
--- request eval
["GET /ctl/reset",
 "GET /pprof?x=1",
 "GET /pprof/",
 "GET /exact/?x=1",
 "GET /re/a/?x=1",
 "GET /re/%3Cscript%3E%22/",
 "GET /ctl/count",
 "GET /pprof/cmdline",
 "GET /re/a/heap?format=top",
 "GET /exact/"]
--- more_headers eval
["", ("Accept: text/html") x 5, "", "", "", ""]
--- response_headers eval
["", "X-If: 1", "!X-If", "X-If: 1", "X-If: 1", "!X-If", "", "", "", "Vary: Accept"]
--- index_page eval
[undef,
 { max => 3, base => 'pprof/', history => 0,
   target => "$::Api/faults/echo/debug/pprof/" },
 { max => 3, history => 0 },
 { max => 60, history => 0, target => "$::Api/debug/pprof/" },
 { max => 60, history => 0 },
 { max => 60, history => 0 },
 undef, undef, undef, undef]
--- response_body_like eval
["\\Aok\\n\\z",
 "<h1>/pprof</h1>",
 "<h1>/pprof/</h1>",
 "<h1>/exact/</h1>",
 "<h1>/re/a/</h1>",
 "<h1>/re/&lt;script&gt;&quot;/</h1>",
 "\\A0\\n\\z",
 "\\Arequest: GET /faults/echo/debug/pprof/cmdline ",
 "Type: inuse_space",
 "Types of profiles available"]
--- no_error_log
[error]
[alert]



=== TEST 7: a target named by variables: the index shows it evaluated, a hostile value is refused before any page
--- config
    location ~ ^/nodes/(?<node>[^/]+)/debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$node/proxy/debug/pprof/;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
    }
--- request eval
["GET /ctl/reset",
 "GET /nodes/node-a/debug/pprof/",
 "GET /nodes/a%3Cb%3E/debug/pprof/",
 "GET /ctl/count",
 "GET /nodes/node-a/debug/pprof/"]
--- more_headers eval
["", "Accept: text/html", "Accept: text/html", "", ""]
--- error_code eval
[200, 200, 400, 200, 200]
--- index_page eval
[undef,
 { max => 60, history => 0,
   target => "$::Api/api/v1/nodes/node-a/proxy/debug/pprof/" },
 undef, undef, undef]
--- response_body_like eval
["\\Aok\\n\\z",
 "<h1>/nodes/node-a/debug/pprof/</h1>",
 "node",
 "\\A0\\n\\z",
 "Types of profiles available"]
--- no_error_log



=== TEST 8: pprof_allow: the index lists only the profiles the location serves
--- config
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_allow heap goroutine trace;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/",
 "GET /ctl/count"]
--- more_headers eval
["", "Accept: text/html", ""]
--- index_page eval
[undef, { max => 60, history => 0, names => [qw(goroutine heap trace)] },
 undef]
--- response_body_like eval
["\\Aok\\n\\z",
 "<h1>/debug/pprof/</h1>",
 "\\A0\\n\\z"]
--- no_error_log
[error]
[alert]



=== TEST 9: the index lists every configured target: links relative to the page for each one-index location, patterns for the others, this page marked
--- config
    pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
    pprof_token_file $TEST_NGINX_TOKEN_FILE;
    location /debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
    location /other/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/debug/pprof/;
    }
    location ~ ^/nodes/(?<node>[^/]+)/debug/pprof/ {
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT/api/v1/nodes/$node/proxy/debug/pprof/;
    }
--- request eval
["GET /ctl/reset",
 "GET /debug/pprof/",
 "GET /other/",
 "GET /nodes/node-a/debug/pprof/",
 "GET /ctl/count"]
--- more_headers eval
["", "Accept: text/html", "Accept: text/html", "Accept: text/html", ""]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
["\\Aok\\n\\z",
 qr{(?s)<h2>Targets</h2>\n<ul\ class="targets">\n
    (?=.*<li><code>/debug/pprof/</code>\ \x{e2}\x{86}\x{92}\ <code>https://127\.0\.0\.1:\d+</code>\ <b>\(this\ page\)</b></li>)
    (?=.*<li><a\ href="\.\./\.\./other/"><code>/other/</code></a>\ \x{e2}\x{86}\x{92}\ <code>https://127\.0\.0\.1:\d+/debug/pprof/</code></li>)
    (?=.*<li><code>~\ \^/nodes/\(\?&lt;node&gt;\[\^/\]\+\)/debug/pprof/</code>\ \x{e2}\x{86}\x{92}\ <code>https://127\.0\.0\.1:\d+/api/v1/nodes/\$node/proxy/debug/pprof/</code></li>)
 }x,
 qr{(?s)(?=.*<li><a\ href="\.\./debug/pprof/"><code>/debug/pprof/</code></a>)
    (?=.*<li><code>/other/</code>\ \x{e2}\x{86}\x{92}\ <code>[^<]+</code>\ <b>\(this\ page\)</b></li>)}x,
 qr{(?s)(?=.*<li><a\ href="\.\./\.\./\.\./\.\./debug/pprof/"><code>/debug/pprof/</code></a>)
    (?=.*<li><code>~\ [^<]+</code>\ \x{e2}\x{86}\x{92}\ <code>[^<]+</code>\ <b>\(this\ page\)</b></li>)}x,
 "\\A0\\n\\z"]
--- no_error_log
[error]
