package Test::Nginx::Util;

# Settings, nginx.conf generation and nginx process management for our
# Test::Nginx::Socket work-alike (see Socket.pm for the overview).  Core
# Perl modules only.

use strict;
use warnings;

use Exporter ();
use Carp qw(croak);
use Cwd ();
use File::Spec ();
use File::Path qw(make_path remove_tree);
use IO::Socket::INET ();
use POSIX qw(:sys_wait_h setsid);
use Time::HiRes qw(sleep time);

our @ISA = ('Exporter');

# ---------------------------------------------------------------------
# settings (environment first, then the functions below)

our $Verbose          = $ENV{TEST_NGINX_VERBOSE};
our $NginxBinary      = $ENV{TEST_NGINX_BINARY} || 'nginx';
our $LoadModules      = $ENV{TEST_NGINX_LOAD_MODULES};
our $LogLevel         = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $MasterProcessEnabled = $ENV{TEST_NGINX_MASTER_PROCESS} || 'off';
our $DaemonEnabled    = 'on';
our $Workers          = 1;
our $WorkerConnections = 64;
our $Timeout          = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $TestNginxSleep   = $ENV{TEST_NGINX_SLEEP} || 0.015;
our $NoShuffle        = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;
our $NoRootLocation   = 0;
our $NoLongString     = 0;
our $RepeatEach       = 1;
our $CheckAccumErrLog = $ENV{TEST_NGINX_CHECK_ACCUM_ERR_LOG};
our $UseValgrind      = $ENV{TEST_NGINX_USE_VALGRIND};
our $Randomize        = $ENV{TEST_NGINX_RANDOMIZE};
our $EventType        = $ENV{TEST_NGINX_EVENT_TYPE};
our $PostponeOutput   = $ENV{TEST_NGINX_POSTPONE_OUTPUT};
our $ReusePort        = $ENV{TEST_NGINX_REUSE_PORT};
our $WorkerUser       = $ENV{TEST_NGINX_WORKER_USER};
our $ServerAddr       = $ENV{TEST_NGINX_SERVER} || '127.0.0.1';
our $ServerName       = 'localhost';
our $ConfigPreamble   = '';
our @EnvToNginx;
our @BlockPreprocessors;
our @CleanupHandlers;

if (defined $WorkerUser && $WorkerUser !~ /^\w[\w.-]*(?:\s+\w[\w.-]*)?$/) {
    die "Bad value in the env TEST_NGINX_WORKER_USER: $WorkerUser\n";
}

if ($UseValgrind) {
    $DaemonEnabled = 'off';    # nginx stays our child, under valgrind
}

# Become a "child subreaper" (Linux) so that the daemonized nginx is
# re-parented to us and can be reaped: some containers' init never reaps
# orphans, leaving zombies behind.  Best effort; zombies are also
# recognised in is_running().
if ($^O eq 'linux') {
    require Config;
    my $arch = $Config::Config{archname} || '';
    my $nr = $arch =~ /^x86_64/ ? 157 : $arch =~ /^aarch64/ ? 167 : undef;
    syscall($nr, 36, 1, 0, 0, 0) if defined $nr;    # prctl(PR_SET_CHILD_SUBREAPER, 1)
}

# The listening port.  Unlike the real scaffold (fixed 1984) we pick a
# random free port when none is given: the machine is shared.
our $PortIsRandom = 0;
our $ServerPort;
if (!$Randomize) {
    $ServerPort = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT};
}
if (!$ServerPort) {
    $ServerPort = gen_rand_port();
    die "Cannot find a free TCP port for nginx\n" unless $ServerPort;
    $PortIsRandom = 1;
}
our $ServerPortForClient = ($PortIsRandom ? undef : $ENV{TEST_NGINX_CLIENT_PORT})
                           || $ServerPort;

our $ServRoot;
if ($Randomize) {
    $ServRoot = File::Spec->rel2abs("t/servroot_$ServerPort");
} else {
    $ServRoot = File::Spec->rel2abs($ENV{TEST_NGINX_SERVROOT} || 't/servroot');
}
$ServRoot =~ s{/+$}{};

our $LogDir     = "$ServRoot/logs";
our $ErrLogFile = "$LogDir/error.log";
our $AccLogFile = "$LogDir/access.log";
our $HtmlDir    = "$ServRoot/html";
our $ConfDir    = "$ServRoot/conf";
our $ConfFile   = "$ConfDir/nginx.conf";
our $PidFile    = "$LogDir/nginx.pid";

$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;

our $ChildPid;         # nginx under valgrind (daemon off): our child
our $NginxVersion;     # canonical, e.g. 1.022001
our $NginxRawVersion;  # e.g. 1.22.1
our $NginxV = '';      # `nginx -V` output
our $InSubprocess;
our $ErrLogFilePos = 0;

our @EXPORT = qw(
    $ServRoot $ServerPort $ServerPortForClient $ErrLogFile $AccLogFile
    $HtmlDir $ConfFile $PidFile $RepeatEach $NoLongString $ServerAddr
    $ServerName $NginxBinary $NginxVersion $PortIsRandom
    env_to_nginx repeat_each workers worker_connections master_on
    master_off master_process_enabled log_level no_shuffle
    no_root_location no_long_string check_accum_error_log server_name
    server_addr server_root html_dir server_port server_port_for_client
    timeout config_preamble add_block_preprocessor add_cleanup_handler
    bail_out use_hup no_nginx_manager
    sleep_time parse_time error_log_data access_log_data
);

# ---------------------------------------------------------------------
# the exported setters/getters

sub repeat_each { $RepeatEach = shift if @_; return $RepeatEach }
sub workers { if (@_) { $Workers = shift; return } return $Workers }
sub worker_connections { if (@_) { $WorkerConnections = shift; return } return $WorkerConnections }
sub master_on  { $MasterProcessEnabled = 'on'; return }
sub master_off { $MasterProcessEnabled = 'off'; return }
sub master_process_enabled {
    if (@_) { $MasterProcessEnabled = shift() ? 'on' : 'off'; return }
    return $MasterProcessEnabled;
}
sub log_level { if (@_) { $LogLevel = shift; return } return $LogLevel }
sub no_shuffle { $NoShuffle = 1; return }
sub no_root_location { $NoRootLocation = 1; return }
sub no_long_string { $NoLongString = 1; return }
sub check_accum_error_log { $CheckAccumErrLog = 1; return }
sub server_name { if (@_) { $ServerName = shift; return } return $ServerName }
sub server_addr { if (@_) { $ServerAddr = shift; return } return $ServerAddr }
sub server_root { return $ServRoot }
sub html_dir { return $HtmlDir }
sub server_port {
    if (@_) { $ServerPort = shift; $PortIsRandom = 0; return }
    return $ServerPort;
}
sub server_port_for_client {
    if (@_) { $ServerPortForClient = shift; return }
    return $ServerPortForClient;
}
sub timeout { if (@_) { $Timeout = shift; return } return $Timeout }
sub config_preamble { $ConfigPreamble = shift; return }
sub add_block_preprocessor { unshift @BlockPreprocessors, shift; return }
sub add_cleanup_handler { unshift @CleanupHandlers, shift; return }
sub sleep_time { return $TestNginxSleep }

# Not supported here: HUP-reload mode and the no-manager mode.
sub use_hup { warn "WARNING: use_hup() is not supported by this Test::Nginx; ignored\n"; return }
sub no_nginx_manager { die "no_nginx_manager() is not supported by this Test::Nginx\n" }

sub env_to_nginx {
    croak "env_to_nginx: no arguments specified" unless @_;
    for my $v (@_) {
        croak "env_to_nginx: bad argument value: $v"
            if !defined $v || $v !~ /^[A-Za-z_]/ || $v =~ /\n/;
        push @EnvToNginx, $v;
    }
    return;
}

sub parse_time {
    my $t = shift;
    return undef unless defined $t;
    $t =~ s/^\s+|\s+$//g;
    if ($t =~ /^([\d.]+)\s*ms$/) { return $1 / 1000 }
    if ($t =~ /^([\d.]+)\s*s$/)  { return $1 + 0 }
    return $t;
}

sub bail_out {
    cleanup();
    Test::More::BAIL_OUT(join '', @_);
}

# ---------------------------------------------------------------------
# ports

# A random TCP port that we could bind right now (all addresses, no
# SO_REUSEADDR, so sockets bound to 127.0.0.1 or in TIME_WAIT count as
# taken).  Avoids the Linux ephemeral range.
sub gen_rand_port {
    my ($used) = @_;
    $used ||= {};
    for (1 .. 1000) {
        my $port = 10000 + int rand(22000);
        next if $used->{$port};
        my $sock = IO::Socket::INET->new(
            LocalAddr => '0.0.0.0',
            LocalPort => $port,
            Proto     => 'tcp',
            ReuseAddr => 0,
        );
        next unless $sock;
        close $sock;
        return $port;
    }
    return undef;
}

# ---------------------------------------------------------------------
# nginx binary

sub nginx_path {
    my $cmd = $NginxBinary;
    if ($cmd =~ m{/}) {
        return (-f $cmd && -x _) ? $cmd : undef;
    }
    for my $dir (split /:/, ($ENV{PATH} || ''), -1) {
        next unless length $dir;
        my $p = "$dir/$cmd";
        return $p if -f $p && -x _;
    }
    for my $dir (qw(/usr/sbin /usr/local/sbin /sbin)) {
        my $p = "$dir/$cmd";
        return $p if -f $p && -x _;
    }
    return undef;
}

sub probe_nginx {
    return $NginxVersion if defined $NginxVersion;
    my $path = nginx_path()
        or bail_out("Cannot find the nginx executable \"$NginxBinary\" "
                    . "(set TEST_NGINX_BINARY or PATH)");
    $NginxBinary = $path;
    my $out = `'$path' -V 2>&1`;
    if ($? != 0 || !defined $out) {
        bail_out("Failed to get the version of nginx ($path -V): "
                 . (defined $out ? $out : ''));
    }
    $NginxV = $out;
    if ($out =~ m{(?:nginx|openresty)[^/]*/(\d+)\.(\d+)\.(\d+)}) {
        $NginxRawVersion = "$1.$2.$3";
        $NginxVersion = canon_version($1, $2, $3);
    } else {
        $NginxVersion = canon_version(0, 0, 0);
    }
    return $NginxVersion;
}

sub canon_version { sprintf "%d.%03d%03d", @_[0 .. 2] }

sub has_http_module {
    my $name = shift;    # e.g. "proxy"
    return $NginxV !~ /--without-http_${name}_module\b/
        && $NginxV !~ /--without-http(?:\s|$)/;
}

# ---------------------------------------------------------------------
# process helpers

sub is_running {
    my $pid = shift;
    return 0 unless $pid && $pid =~ /^\d+$/;
    return 0 unless kill 0, $pid;
    # A killed daemon whose parent never reaps it stays a zombie.
    if (open my $fh, '<', "/proc/$pid/stat") {
        my $stat = <$fh>;
        close $fh;
        return 0 if defined $stat && $stat =~ /^\d+ \(.*\) [ZX] /s;
    }
    return 1;
}

sub child_pids {
    my $ppid = shift;
    my @kids;
    opendir my $dh, '/proc' or return;
    for my $d (readdir $dh) {
        next unless $d =~ /^\d+$/;
        open my $fh, '<', "/proc/$d/stat" or next;
        my $stat = <$fh>;
        close $fh;
        next unless defined $stat;
        if ($stat =~ /^\d+ \(.*\) \S+ (\d+) /s && $1 == $ppid) {
            push @kids, $d;
        }
    }
    closedir $dh;
    return @kids;
}

sub read_pid_file {
    open my $in, '<', $PidFile or return undef;
    my $pid = do { local $/; <$in> };
    close $in;
    return undef unless defined $pid;
    $pid =~ s/\s+//g;
    return $pid =~ /^\d+$/ ? $pid : undef;
}

sub _reap {
    my $pid = shift;
    waitpid($pid, WNOHANG);    # only succeeds for our (adopted) children
}

sub _wait_gone {
    my ($pids, $secs) = @_;
    my $deadline = time + $secs;
    while (1) {
        _reap($_) for @$pids;
        my @alive = grep { is_running($_) } @$pids;
        return 1 unless @alive;
        return 0 if time >= $deadline;
        sleep 0.02;
    }
}

# Stop the nginx of the current servroot (and the valgrind child):
# QUIT, wait up to the timeout; TERM, wait; KILL.  Never hangs.
sub stop_nginx {
    my ($name) = @_;
    $name = '' unless defined $name;
    my %pids;
    my $pid = read_pid_file();
    $pids{$pid} = 1 if $pid && is_running($pid);
    $pids{$ChildPid} = 1 if defined $ChildPid && is_running($ChildPid);
    my @pids = keys %pids;

    if (@pids) {
        my @all = (@pids, map { child_pids($_) } @pids);
        kill 'QUIT', @pids;
        my $grace = $Timeout < 3 ? 3 : $Timeout;
        $grace += 10 if $UseValgrind;
        if (!_wait_gone(\@all, $grace)) {
            warn "WARNING: $name - nginx (@pids) did not quit in ${grace}s; "
                . "sending TERM\n";
            kill 'TERM', grep { is_running($_) } @all;
            if (!_wait_gone(\@all, 2)) {
                warn "WARNING: $name - killing nginx with force\n";
                kill 'KILL', grep { is_running($_) } @all;
                _wait_gone(\@all, 2);
            }
        }
    }
    if (defined $ChildPid) {
        kill 'KILL', $ChildPid if is_running($ChildPid);
        waitpid($ChildPid, 0);
        undef $ChildPid;
    }
    unlink $PidFile if -f $PidFile;
    return;
}

sub cleanup {
    for my $h (@CleanupHandlers) {
        eval { $h->(); 1 } or warn "cleanup handler failed: $@";
    }
    @CleanupHandlers = ();
    return;
}

# ---------------------------------------------------------------------
# servroot and config

sub setup_server_root {
    if (-d $ServRoot) {
        # remove only what we create, in case TEST_NGINX_SERVROOT points
        # somewhere unexpected
        remove_tree($ConfDir, $HtmlDir, $LogDir,
                    glob("$ServRoot/*_temp"), glob("$ServRoot/*_cache"));
    }
    for my $d ($ServRoot, $LogDir, $HtmlDir, $ConfDir) {
        next if -d $d;
        make_path($d) or bail_out("Failed to create $d: $!");
    }
    my $index = "$HtmlDir/index.html";
    open my $out, '>', $index or bail_out("Can't open $index for writing: $!");
    print $out "<html><head><title>It works!</title></head>"
        . "<body>It works!</body></html>";
    close $out;
    $ErrLogFilePos = 0;
    return;
}

# $TEST_NGINX_FOO -> $ENV{TEST_NGINX_FOO}; $TEST_NGINX_RAND_PORT_N -> a
# free port, the same one for the whole block.  An undefined variable
# aborts the run, like the real scaffold.
sub expand_env_in_text {
    my ($text, $name, $rand_ports) = @_;
    return undef unless defined $text;
    return $text if ref $text;
    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        my $var = $1;
        my $v;
        if ($var =~ /^TEST_NGINX_RAND_PORT_\d+$/) {
            if (!defined $rand_ports->{$var}) {
                my %used = ($ServerPort => 1, map { $_ => 1 } values %$rand_ports);
                my $p = gen_rand_port(\%used)
                    or bail_out("$name - Cannot find a free port for $var");
                $rand_ports->{$var} = $p;
            }
            $v = $rand_ports->{$var};
        } else {
            bail_out("$name - No environment $var defined.")
                unless defined $ENV{$var};
            $v = $ENV{$var};
        }
        $v;
    }ge;
    return $text;
}

sub write_user_files {
    my ($block, $rand_ports) = @_;
    my $name = $block->name;
    my $files = $block->user_files;
    return unless $files;

    if (!ref $files) {
        my @list;
        my $cur;
        for my $line (split /^/m, $files) {
            if ($line =~ /^>>> (\S+)(?:\s+(.+?))?\s*$/) {
                $cur = [$1, '', $2];
                push @list, $cur;
            } elsif ($cur) {
                $cur->[1] .= $line;
            }
        }
        $files = \@list;
    } elsif (ref $files ne 'ARRAY') {
        bail_out("$name - user_files: only a string or an ARRAY ref is accepted");
    }

    for my $f (@$files) {
        my ($fname, $body, $date) = @$f;
        $body = '' unless defined $body;
        my $path = $fname =~ m{^/} ? $fname : "$HtmlDir/$fname";
        if ($path =~ m{^(.*)/[^/]+$} && !-d $1) {
            make_path($1) or bail_out("$name - Cannot create directory $1: $!");
        }
        $body = expand_env_in_text($body, $name, $rand_ports);
        open my $out, '>', $path
            or bail_out("$name - Cannot open $path for writing: $!");
        binmode $out;
        print $out $body;
        close $out;
        if ($date) {
            local $ENV{TZ} = 'GMT';
            system('touch', '-t', $date, $path) == 0
                or bail_out("$name - touch -t '$date' $path failed");
        }
    }
    return;
}

sub write_config_file {
    my ($block, $config, $rand_ports) = @_;
    my $name = $block->name;

    my $http_config = expand_env_in_text(scalar $block->http_config, $name, $rand_ports);
    my $main_config = expand_env_in_text(scalar $block->main_config, $name, $rand_ports);
    my $post_main   = expand_env_in_text(scalar $block->post_main_config, $name, $rand_ports);
    $_ = defined $_ ? $_ : '' for ($http_config, $main_config, $post_main, $config);

    my $err_log = $block->error_log_file || $ErrLogFile;
    my $server_name = defined $block->server_name ? $block->server_name
                                                  : $ServerName;
    (my $qname = $server_name) =~ s/(['\\])/\\$1/g;
    my $level = $block->log_level || $LogLevel;
    chomp $level;

    my $conf = "# Generated by t/lib/Test/Nginx (our Test::Nginx::Socket work-alike)\n";
    $conf .= "# block: $name\n";

    if ($LoadModules) {
        $conf .= "load_module $_;\n" for grep { length } split /\s+/, $LoadModules;
    }

    $conf .= "worker_processes $Workers;\n"
           . "daemon $DaemonEnabled;\n"
           . "master_process $MasterProcessEnabled;\n"
           . "error_log $err_log $level;\n"
           . "pid $PidFile;\n";
    $conf .= "env $_;\n" for qw(LD_PRELOAD LD_LIBRARY_PATH ASAN_OPTIONS
                               MOCKEAGAIN MOCKEAGAIN_VERBOSE
                               MOCKEAGAIN_WRITE_TIMEOUT_PATTERN);
    for my $v (@EnvToNginx) {
        $conf .= $v =~ /\s/ ? "env '$v';\n" : "env $v;\n";
    }

    if (defined $WorkerUser) {
        $conf .= "user $WorkerUser;\n";
    } elsif ($> == 0 && $main_config !~ /^\s*user\s/m) {
        # as root, nginx would switch the workers to "nobody", who may not
        # write the servroot: keep them root (the real scaffold does too)
        $conf .= "user root;\n";
    }

    $conf .= "\n# main_config\n$main_config\n\n";

    $conf .= "http {\n"
           . "    access_log $AccLogFile;\n"
           . "    default_type text/plain;\n"
           . "    keepalive_timeout 68;\n";

    # keep nginx's temporary files in the servroot (nginx's built-in
    # paths are often outside it, e.g. Debian's /var/lib/nginx)
    for my $t (['client_body', undef], ['proxy', 'proxy'],
               ['fastcgi', 'fastcgi'], ['uwsgi', 'uwsgi'], ['scgi', 'scgi'])
    {
        my ($kind, $mod) = @$t;
        next if defined $mod && !has_http_module($mod);
        next if $http_config =~ /\b${kind}_temp_path\b/;
        $conf .= "    ${kind}_temp_path $ServRoot/${kind}_temp;\n";
    }

    if (defined $PostponeOutput && $PostponeOutput =~ /^\d+$/
        && $http_config !~ /\bpostpone_output\b/)
    {
        $conf .= "    postpone_output $PostponeOutput;\n";
    }

    my $listen = $ServerPort;
    $listen .= ' reuseport' if $ReusePort;

    $conf .= "\n    # http_config\n$http_config\n\n"
           . "    server {\n"
           . "        listen $listen;\n"
           . "        server_name '$qname';\n"
           . "        client_max_body_size 30M;\n\n"
           . "        # config_preamble\n$ConfigPreamble\n\n"
           . "        # config\n$config\n\n";
    if (!$NoRootLocation) {
        $conf .= "        location / {\n"
               . "            root $HtmlDir;\n"
               . "            index index.html index.htm;\n"
               . "        }\n";
    }
    $conf .= "    }\n}\n\n# post_main_config\n$post_main\n\n";

    $conf .= "events {\n"
           . "    accept_mutex off;\n"
           . "    worker_connections $WorkerConnections;\n";
    $conf .= "    use $EventType;\n" if $EventType;
    $conf .= "}\n";

    open my $out, '>', $ConfFile or bail_out("Can't open $ConfFile for writing: $!");
    print $out $conf;
    close $out;
    return;
}

# Start nginx for a block.  Returns (1) on success or (0, $message) if
# nginx did not start; ($ok, $msg, $exit_status) for must_die blocks.
sub start_nginx {
    my ($name, %opt) = @_;

    my @cmd = ($NginxBinary, '-p', "$ServRoot/", '-c', $ConfFile);
    my $stderr_file = "$LogDir/nginx.stderr";

    if ($UseValgrind && !$opt{must_die}) {
        my @vg;
        if ($UseValgrind =~ /^\d+$/) {
            @vg = ('valgrind', '-q', '--tool=memcheck', '--leak-check=full',
                   '--show-possibly-lost=no', '--num-callers=100');
            (my $builtin = __FILE__) =~ s{[^/]*$}{valgrind.suppress};
            push @vg, "--suppressions=$builtin" if -f $builtin;
            push @vg, '--gen-suppressions=all',
                      '--suppressions=valgrind.suppress'
                if -f 'valgrind.suppress';
        } else {
            @vg = ('valgrind', '-q', split(' ', $UseValgrind));
        }
        push @vg, "--log-file=$LogDir/valgrind.%p.log";
        my $pid = fork;
        bail_out("$name - fork() failed: $!") unless defined $pid;
        if ($pid == 0) {
            $InSubprocess = 1;
            setsid();
            open STDIN, '<', '/dev/null';
            open STDOUT, '>', '/dev/null';
            open STDERR, '>', $stderr_file;
            exec @vg, @cmd or POSIX::_exit(127);
        }
        $ChildPid = $pid;
        # wait until it listens or dies
        my $deadline = time + 60;
        while (time < $deadline) {
            if (waitpid($pid, WNOHANG) == $pid) {
                undef $ChildPid;
                return (0, "nginx under valgrind exited with status $?:\n"
                           . slurp($stderr_file) . slurp_glob("$LogDir/valgrind.*.log"));
            }
            my $s = IO::Socket::INET->new(PeerAddr => $ServerAddr,
                                          PeerPort => $ServerPortForClient,
                                          Proto => 'tcp', Timeout => 1);
            if ($s) { close $s; return (1) }
            sleep 0.1;
        }
        return (0, "nginx under valgrind did not start listening in 60s");
    }

    my $pid = fork;
    bail_out("$name - fork() failed: $!") unless defined $pid;
    if ($pid == 0) {
        $InSubprocess = 1;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', $stderr_file;
        exec @cmd or POSIX::_exit(127);
    }

    # with "daemon on" the command returns at once; bound the wait anyway
    my $deadline = time + ($opt{must_die} ? 10 : 30);
    my $status;
    while (1) {
        my $r = waitpid($pid, WNOHANG);
        if ($r == $pid) { $status = $?; last }
        if (time >= $deadline) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            return (0, "\"@cmd\" did not return in time (daemon off in the config?)",
                    -1);
        }
        sleep 0.01;
    }

    my $err = slurp($stderr_file);
    if ($status != 0) {
        my $why = $status == (127 << 8) ? "could not be executed"
                : $status & 127 ? "was killed by signal " . ($status & 127)
                : "exited with status " . ($status >> 8);
        return (0, "\"@cmd\" $why:\n$err", $status);
    }
    return (1, $err, 0) if $opt{must_die};

    # the daemonized nginx writes its pid file right after forking
    $deadline = time + 5;
    until (-s $PidFile) {
        if (time >= $deadline) {
            return (0, "nginx started but wrote no pid file $PidFile:\n$err");
        }
        sleep 0.01;
    }
    return (1);
}

sub slurp {
    my $f = shift;
    open my $in, '<', $f or return '';
    local $/;
    my $s = <$in>;
    close $in;
    return defined $s ? $s : '';
}

sub slurp_glob {
    my $pat = shift;
    return join '', map { slurp($_) } sort glob $pat;
}

# Lines of error.log written since the last call (or since the block
# started: error.log is recreated for every block); all of them with
# check_accum_error_log().
sub error_log_data {
    sleep $TestNginxSleep * 3;   # log-phase lines come after the response
    open my $in, '<', $ErrLogFile or return [];
    if (!$CheckAccumErrLog && $ErrLogFilePos > 0) {
        seek $in, $ErrLogFilePos, 0;
    }
    my @lines = <$in>;
    $ErrLogFilePos = tell($in) unless $CheckAccumErrLog;
    close $in;
    return \@lines;
}

sub access_log_data {
    sleep $TestNginxSleep * 3;
    open my $in, '<', $AccLogFile or return [];
    my @lines = <$in>;
    close $in;
    return \@lines;
}

1;
