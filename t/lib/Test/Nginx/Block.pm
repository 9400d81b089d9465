package Test::Nginx::Block;

# Data-section parser and block objects for our Test::Nginx::Socket
# work-alike.  It understands the subset of the Test::Base format that
# openresty's test-nginx suites use:
#
#   === TEST 1: title            starts a block (name = "TEST 1: title")
#   optional description lines
#   --- section [filter ...]     multi-line value up to the next "---"/"==="
#   --- section [filter ...]: v  one-line value (no trailing newline)
#   --- ONLY / --- SKIP / --- LAST   meta sections
#
# Every value first goes through the default filters "norm" (CRLF/CR ->
# LF) and "trim" (drop leading blank lines and trailing blank space after
# the last newline), then through the section's own filters in order.
# A filter written as "-name" removes a default filter.  Supported
# filters: norm trim chomp chop unchomp eval lines join[=sep] array
# escape regexp[=flags] base64_decode base64_encode reverse sort.
#
# Like Test::Base, the filters (including "eval") run once, the first
# time blocks() is called, and "eval" returns the error text as the value
# if the code dies (a warning is printed too).

use strict;
use warnings;
use Carp qw(croak);

our $AUTOLOAD;

my @DEFAULT_FILTERS = qw(norm trim);

sub new {
    my ($class, %args) = @_;
    my $self = bless {
        name        => defined $args{name} ? $args{name} : '',
        description => defined $args{description} ? $args{description} : '',
        seq_num     => $args{seq_num},
        _sections   => {},
        _order      => [],
    }, $class;
    return $self;
}

sub name        { $_[0]{name} }
sub description { $_[0]{description} }
sub seq_num     { $_[0]{seq_num} }

# Names of the sections present, in file order (set_value() appends).
sub section_names { @{ $_[0]{_order} } }

sub has_section { exists $_[0]{_sections}{ $_[1] } }

sub set_value {
    my ($self, $name, @values) = @_;
    croak "set_value: no section name" unless defined $name;
    if ($name eq 'name') {
        $self->{name} = $values[0];
        return;
    }
    if ($name eq 'description') {
        $self->{description} = $values[0];
        return;
    }
    push @{ $self->{_order} }, $name
        unless exists $self->{_sections}{$name};
    $self->{_sections}{$name} = [@values];
    return;
}

# Section accessors: $block->config, $block->request, ...  Absent
# sections give undef (an empty list in list context).
sub AUTOLOAD {
    my $self = shift;
    my $name = $AUTOLOAD;
    $name =~ s/.*:://;
    return if $name eq 'DESTROY';
    croak "Can't call section accessor $name on a class" unless ref $self;
    my $vals = $self->{_sections}{$name};
    return wantarray ? () : undef unless $vals;
    return wantarray ? @$vals : $vals->[0];
}

sub DESTROY { }

# ---------------------------------------------------------------------
# parsing

# parse_spec($text) -> list of block objects, honouring ONLY/SKIP/LAST
# the way Test::Base does: a block with ONLY is the only block returned,
# blocks with SKIP are dropped, LAST ends the list after its block.
sub parse_spec {
    my ($class, $text, %opt) = @_;
    $text = '' unless defined $text;

    my @raw;      # [name, description, [[section, filters, value, inline]...]]
    my $cur;
    my $sec;
    my $lineno = 0;

    for my $line (split /^/m, $text) {
        $lineno++;
        if ($line =~ /^===(?:[ \t]+(.*?))?[ \t]*\r?\n?\z/) {
            $cur = { name => defined $1 ? $1 : '', desc => '',
                     sections => [], line => $lineno };
            push @raw, $cur;
            undef $sec;
            next;
        }
        next unless $cur;    # text before the first block is ignored

        if ($line =~ /^---[ \t]+(\w+)[ \t]*(.*?)[ \t]*\r?\n?\z/) {
            my ($type, $rest) = ($1, $2);
            my ($filters, $value, $inline) = ($rest, '', 0);
            if ($rest =~ /:(?:\s|\z)/) {
                ($filters, $value) = split /\s*:(?:\s+|\z)/, $rest, 2;
                $value = '' unless defined $value;
                $value =~ s/^\s+|\s+$//g;
                $inline = 1;
            }
            $sec = [$type, $filters, $value, $inline, $lineno];
            push @{ $cur->{sections} }, $sec;
            next;
        }

        if ($sec) {
            if ($sec->[3]) {
                croak "Extra lines not allowed in '$sec->[0]' section "
                    . "(one-line form) of block '$cur->{name}' near line $lineno"
                    if $line =~ /\S/;
                next;
            }
            $sec->[2] .= $line;
        } else {
            $cur->{desc} .= $line;
        }
    }

    my @blocks;
    my $seq = 0;
    for my $r (@raw) {
        my $block = $class->new(name => $r->{name}, seq_num => ++$seq);
        (my $desc = $r->{desc}) =~ s/^\s+|\s+$//g;
        $block->{description} = $desc;
        for my $s (@{ $r->{sections} }) {
            my ($type, $filters, $value) = @$s;
            if (exists $block->{_sections}{$type}) {
                croak "Block '$r->{name}' has the section '$type' twice";
            }
            $block->{_filters}{$type} = $filters;
            my @vals = $class->_apply_filters($block, $type, $filters, $value);
            $block->set_value($type, @vals);
        }

        if ($block->has_section('ONLY')) {
            warn "I found ONLY: maybe you're debugging?\n"
                unless $opt{no_diag_on_only};
            return ($block);
        }
        next if $block->has_section('SKIP');
        push @blocks, $block;
        last if $block->has_section('LAST');
    }
    return @blocks;
}

sub _apply_filters {
    my ($class, $block, $type, $filters, $value) = @_;
    my @explicit = grep { length } split /\s+/, (defined $filters ? $filters : '');
    my %removed = map { substr($_, 1) => 1 } grep { /^-/ } @explicit;
    my @chain = ((grep { !$removed{$_} } @DEFAULT_FILTERS),
                 (grep { !/^-/ } @explicit));
    my @vals = ($value);
    for my $f (@chain) {
        my ($fname, $farg) = split /=/, $f, 2;
        my $code = __PACKAGE__->can("_filter_$fname")
            or croak "Unknown filter '$fname' in section '$type' of block '"
                     . $block->name . "'";
        @vals = $code->($farg, $block, $type, @vals);
    }
    return @vals;
}

# ---------------------------------------------------------------------
# filters: each gets (arg, block, section, @values) and returns @values

sub _filter_norm {
    my (undef, undef, undef, @v) = @_;
    for (@v) {
        next if ref;
        $_ = '' unless defined && length;
        s/\r\n/\n/g;
        s/\r/\n/g;
    }
    return @v;
}

sub _filter_trim {
    my (undef, undef, undef, @v) = @_;
    for (@v) {
        next if !defined || ref;
        s/\A(?:[ \t]*\n)+//;
        s/(?<=\n)\s*\z//;
    }
    return @v;
}

sub _filter_chomp   { my (undef, undef, undef, @v) = @_; chomp for grep { defined && !ref } @v; @v }
sub _filter_chop    { my (undef, undef, undef, @v) = @_; chop for grep { defined && !ref } @v; @v }

sub _filter_unchomp {
    my (undef, undef, undef, @v) = @_;
    for (grep { defined && !ref } @v) { chomp; $_ .= "\n" }
    return @v;
}

sub _filter_lines {
    my (undef, undef, undef, @v) = @_;
    return map { (defined && !ref) ? (split /^/m, $_) : $_ } @v;
}

sub _filter_join {
    my ($sep, undef, undef, @v) = @_;
    $sep = '' unless defined $sep;
    return join $sep, grep { defined } @v;
}

sub _filter_array   { my (undef, undef, undef, @v) = @_; return [@v] }
sub _filter_reverse { my (undef, undef, undef, @v) = @_; return reverse @v }
sub _filter_sort    { my (undef, undef, undef, @v) = @_; return sort @v }

sub _filter_base64_decode {
    my (undef, undef, undef, @v) = @_;
    require MIME::Base64;
    return map { MIME::Base64::decode_base64($_) } @v;
}

sub _filter_base64_encode {
    my (undef, undef, undef, @v) = @_;
    require MIME::Base64;
    return map { MIME::Base64::encode_base64($_) } @v;
}

my %ESC = (n => "\n", t => "\t", r => "\r", 0 => "\0", e => "\e",
           a => "\a", f => "\f", '\\' => '\\');

sub _filter_escape {
    my (undef, undef, undef, @v) = @_;
    for (grep { defined && !ref } @v) {
        s/\\(x\{?[0-9a-fA-F]{1,4}\}?|.)/
            my $e = $1;
            $e =~ m{^x\{?([0-9a-fA-F]+)\}?$} ? chr(hex $1)
                : exists $ESC{$e} ? $ESC{$e} : $e;
        /ges;
    }
    return @v;
}

sub _filter_regexp {
    my ($flags, undef, undef, @v) = @_;
    $flags = 'xm' unless defined $flags && length $flags;
    return map { my $s = $_; eval "qr/\$s/$flags" or croak "bad regexp: $@" } @v;
}

sub _filter_eval {
    my (undef, $block, $type, @v) = @_;
    my $code = $v[0];
    $code = '' unless defined $code;
    my @ret = Test::Nginx::Block::Eval::run($code);
    if ($@) {
        my $err = $@;
        warn "WARNING: ", $block->name, " - eval filter of section '$type' "
            . "failed: $err";
        return $err;
    }
    return @ret;
}

package Test::Nginx::Block::Eval;

# A package of its own, like Test::Base's filter package: the code sees
# no lexicals of ours and none of the test file's unqualified globals.
sub run {
    no strict;
    no warnings;
    return CORE::eval($_[0]);
}

1;
