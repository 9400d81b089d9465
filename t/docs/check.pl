#!/usr/bin/perl
# The reference is the module's interface: every directive of the module's
# command tables is documented in nginx.org's form (Syntax, Default,
# Context) with the contexts the module accepts, every variable it adds is
# named, and every X-Pprof-* header it sends is described.  Run from the
# repository's root: perl t/docs/check.pl [README.md docs/*.md]
use strict;
use warnings;

my @docs = @ARGV ? @ARGV : ('README.md', glob('docs/*.md'));
my $doc = join '', map { local (@ARGV, $/) = ($_); <> } @docs;
my $src = join '', map { local (@ARGV, $/) = ($_); <> }
                   ('ngx_http_pprof_module.c', glob('src/*.c'));

my %ctx = (NGX_HTTP_MAIN_CONF => 'http', NGX_HTTP_SRV_CONF => 'server',
           NGX_HTTP_LOC_CONF => 'location', NGX_HTTP_UPS_CONF => 'upstream');
my ($fail, $n) = (0, 0);

sub bad { print "not ok - $_[0]\n"; $fail++ }
sub ok  { print "ok - $_[0]\n" }

# directives: { ngx_string("pprof_x"),\n  NGX_HTTP_MAIN_CONF|...,
while ($src =~ /\{\s*ngx_string\("(pprof_\w+)"\),\s*((?:NGX_\w+\s*\|?\s*)+),/g) {
    my ($name, $flags) = ($1, $2);
    my @want = map { $ctx{$_} } grep { $ctx{$_} } split /\s*\|\s*/, $flags;
    next unless @want;                       # a variable, not a directive
    $n++;
    if ($doc !~ /^> \*\*Syntax:\*\* `\Q$name\E[ ;`].*\n> \*\*Default:\*\* .+\n> \*\*Context:\*\* ([^\n]+)/m) {
        bad("$name: no Syntax/Default/Context block");
        next;
    }
    my $have = join ', ', sort split /,\s*/, $1;
    my $expect = join ', ', sort @want;
    $have eq $expect ? ok("$name: $expect")
                     : bad("$name: the reference says context $have, the module takes $expect");
}

bad('no directive found in the sources') unless $n;

# variables: ngx_http_variable_t entries { ngx_string("pprof_x"), NULL,
while ($src =~ /\{\s*ngx_string\("(pprof_\w+)"\),\s*NULL,/g) {
    my $v = $1;
    $doc =~ /\$\Q$v\E\b/ ? ok("\$$v documented") : bad("\$$v: not documented");
}

# response headers the module adds
my %h;
$h{$1} = 1 while $src =~ /"(X-Pprof-[A-Za-z-]+)"/g;
for my $h (sort keys %h) {
    $doc =~ /`\Q$h\E`/ ? ok("$h documented") : bad("$h: not documented");
}

print $fail ? "docs: $fail missing\n" : "docs: ok ($n directives)\n";
exit($fail ? 1 : 0);
