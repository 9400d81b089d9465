package SubProve;

# Runs a small Test::Nginx::Socket test file in a child `prove` with its
# own servroot and a random port, and returns what happened, so that the
# self-tests can check that wrong expectations really FAIL.

use strict;
use warnings;
use Exporter 'import';
use File::Temp qw(tempdir);
use File::Spec;
use Cwd qw(abs_path);
use Time::HiRes qw(time);

our @EXPORT = qw(sub_prove nginx_left_running);

my $Lib = abs_path(File::Spec->catdir((File::Spec->splitpath(__FILE__))[1], '..', '..', 'lib'));

# sub_prove($perl_text, %env) -> { rc, out, secs, dir, servroot }
# $perl_text is the whole test file, usually "use Test::Nginx::Socket ...;
# run_tests(); __DATA__ ...".
sub sub_prove {
    my ($text, %env) = @_;
    my $dir = tempdir('tn-selftest-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $file = "$dir/case.t";
    open my $out, '>', $file or die "$file: $!";
    print $out $text;
    close $out;

    local %ENV = %ENV;
    delete @ENV{qw(TEST_NGINX_SERVER_PORT TEST_NGINX_PORT TEST_NGINX_CLIENT_PORT
                   TEST_NGINX_NO_CLEAN TEST_NGINX_RANDOMIZE TEST_NGINX_HTML_DIR
                   TEST_NGINX_SERVER_ROOT)};
    $ENV{TEST_NGINX_SERVROOT} = "$dir/servroot";
    $ENV{TEST_NGINX_NO_SHUFFLE} = 1;
    @ENV{keys %env} = values %env;

    my $t0 = time;
    my $res = `cd '$dir' && timeout 180 prove -I '$Lib' -v case.t 2>&1`;
    my $rc = $? >> 8;
    return { rc => $rc, out => $res, secs => time - $t0, dir => $dir,
             servroot => "$dir/servroot" };
}

# pids of nginx processes still running with this servroot
sub nginx_left_running {
    my ($servroot) = @_;
    my @pids;
    opendir my $dh, '/proc' or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$p/cmdline" or next;
        my $cmd = do { local $/; <$fh> };
        close $fh;
        next unless defined $cmd && length $cmd;
        $cmd =~ s/\0/ /g;
        if (open my $st, '<', "/proc/$p/stat") {
            my $s = <$st>;
            close $st;
            next if defined $s && $s =~ /^\d+ \(.*\) [ZX] /s;
        }
        push @pids, $p if $cmd =~ /nginx/ && index($cmd, $servroot) >= 0;
    }
    return @pids;
}

1;
