package PprofGateway;

# Shared by the t/0NN-*.t gateway suites: "use PprofGateway;" right after
# "use Test::Nginx::Socket ...;" (t/run.sh puts t/inc on @INC; it holds no
# Test::Nginx, so a real one on PERL5LIB is still the one used).
#
# Run by t/run.sh, which starts the fake APIServer and exports its ports,
# the certificates and the token files.  The suites share that APIServer's
# request log: run them one file at a time (no prove -j).
#
# Every block but must_die ones gets two more locations:
#   /ctl/   nginx's proxy to the fake APIServer's control API, so that a
#           block can reset the request log, make its requests and read
#           back exactly what reached the APIServer (/ctl/requests,
#           /ctl/count?path=..., /ctl/inflight?...)
#   /live/  a known-good pprof location; after the last request of every
#           block, GET /live/cmdline must still answer 200: the worker
#           survived whatever the block did.

use IO::Select ();
use IO::Socket::INET ();
use Time::HiRes ();

main::no_shuffle();
main::workers(1);
main::log_level('debug');

$ENV{TEST_NGINX_HTML_DIR} ||= main::html_dir();

sub slurp {
    my ($file) = @_;
    open my $in, '<', $file or die "cannot read $file: $!\n";
    local $/;
    my $s = <$in>;
    close $in;
    return $s;
}

sub spew {    # atomically, as the kubelet swaps a projected token
    my ($file, $data) = @_;
    open my $out, '>', "$file.tmp" or die "cannot write $file.tmp: $!\n";
    print $out $data;
    close $out;
    chmod 0644, "$file.tmp";
    rename "$file.tmp", $file or die "cannot rename to $file: $!\n";
}

# the token the gateway and the fake APIServer share (t/run.sh)
our $Token = slurp($ENV{TEST_NGINX_TOKEN_FILE});
$Token =~ s/^\s+|\s+$//g;

# One request over a fresh connection, at most $timeout seconds:
# (status, head, body); status 0 when no response came.
sub http_req {
    my ($port, $req, $timeout) = @_;
    my $deadline = Time::HiRes::time() + ($timeout || 10);
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or return (0, '', "connect: $!");
    syswrite $s, $req;
    my $raw = '';
    my $sel = IO::Select->new($s);
    while ((my $left = $deadline - Time::HiRes::time()) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $raw .= $buf;
    }
    close $s;
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    $head = '' unless defined $head;
    $body = '' unless defined $body;
    my ($status) = $head =~ m{\AHTTP/\d\.\d (\d{3})};
    return ($status || 0, $head, $body);
}

sub nginx_get {
    my ($path, $headers) = @_;
    return http_req(main::server_port_for_client(),
                    "GET $path HTTP/1.0\r\nHost: localhost\r\n"
                    . (defined $headers ? $headers : '') . "\r\n");
}

# the fake APIServer's control API, directly
sub ctl {
    my ($path) = @_;
    my (undef, undef, $body) = http_req($ENV{TEST_NGINX_APISERVER_CONTROL_PORT},
                                        "GET $path HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    return $body;
}

# polls $cond every 50 ms until it holds (1) or $secs have passed (0)
sub wait_until {
    my ($secs, $cond) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    while (1) {
        return 1 if $cond->();
        return 0 if Time::HiRes::time() >= $deadline;
        Time::HiRes::sleep(0.05);
    }
}

# error.log lines from byte $from on
sub error_log_since {
    my ($from) = @_;
    my $file = main::server_root() . '/logs/error.log';
    open my $in, '<', $file or return '';
    seek $in, $from, 0;
    local $/;
    my $s = <$in>;
    close $in;
    return defined $s ? $s : '';
}

sub error_log_size { -s (main::server_root() . '/logs/error.log') || 0 }

# raw gzip bodies are shown as "GZIP\n" (--- response_body_filters)
sub gz { $_[0] =~ /\A\x1f\x8b/ ? "GZIP\n" : $_[0] }

# code run after a given request of the blocks whose name matches the key:
# $After{'title words'} = sub { my ($block, $req_idx, $last) = @_; ... }
our %After;

main::add_block_preprocessor(sub {
    my $block = shift;
    my $config = $block->config;
    return if !defined $config || defined eval { $block->must_die };
    $block->set_value(config => $config . <<'_EOC_');
    location /ctl/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_APISERVER_CONTROL_PORT/;
    }
    location /live/ {
        pprof_trusted_certificate $TEST_NGINX_CERTS_DIR/ca.crt;
        pprof_token_file $TEST_NGINX_TOKEN_FILE;
        pprof_ssl_verify on;
        pprof_ssl_name 127.0.0.1;
        pprof_pass https://127.0.0.1:$TEST_NGINX_APISERVER_PORT;
    }
_EOC_
});

main::add_response_body_check(sub {
    my ($block, $body, $req_idx) = @_;
    my $reqs = $block->request;
    my $last = (ref $reqs eq 'ARRAY' ? @$reqs : 1) - 1;
    for my $key (sort keys %After) {
        $After{$key}->($block, $req_idx, $req_idx == $last)
            if index($block->name, $key) >= 0;
    }
    return unless $req_idx == $last;
    my ($status, undef, $b) = nginx_get('/live/cmdline');
    Test::More::is($status, 200, $block->name . ' - the worker still serves requests')
        or Test::More::diag($b);
});

our @EXPORT = qw(slurp spew http_req nginx_get ctl wait_until
                 error_log_since error_log_size gz $Token %After);

sub import {
    my $pkg = caller;
    no strict 'refs';
    for my $name (@EXPORT) {
        my ($sigil, $sym) = $name =~ /^([\$%]?)(\w+)$/;
        *{"${pkg}::$sym"} = $sigil eq '$' ? \${"PprofGateway::$sym"}
                          : $sigil eq '%' ? \%{"PprofGateway::$sym"}
                          : \&{"PprofGateway::$sym"};
    }
}

1;
