// Command compare checks pprof-summary against `go tool pprof` itself.
//
// For every profile given and every sample type in it (plus the default
// one, chosen without --sample-type / -sample_index), it runs
//
//	pprof-summary --format json [--sample-type T] FILE
//	go tool pprof -top -nodecount=1000000 -nodefraction=0
//	    -edgefraction=0 [-sample_index=T] -unit=UNIT FILE
//
// where -unit is the sample type's own unit, so that pprof prints raw
// integers (a number plus, for some units, a unit suffix).  It requires the
// same sample types, the same chosen type, the same total and, for every
// function, the same name, flat and cum.  It prints the first mismatches of
// every failed case and ends with "compare: N passed, M failed".
//
// For every such case it also compares the call graph, `pprof-summary
// --format dot` with `go tool pprof -dot` (dot.go; -nodot
// leaves it out).
// With -options (the default) it also compares, on each profile's default
// sample type, the text of the refine options (-hide, -show, -show_from,
// -focus/-ignore on file names, -tagfocus, -tagignore with regexes and
// with numeric ranges of heap's "bytes"), each granularity
// (-functions ... -addresses) and -peek RX against pprof-summary with the
// same options (--view peek --focus RX for -peek), as -text does.
//
// With -text it compares `pprof-summary --format top` with
// `go tool pprof -top -nodefraction=0` (all rows, default units and edge
// trimming) line by line instead,
// from the "Showing nodes accounting for" line on.
//
// Each -pair BASE:PROFILE compares the difference of two profiles, both
// ways go tool pprof takes a base: -diff_base BASE against
// pprof-summary --diff-base BASE, and -base BASE against --base BASE, in
// JSON (every sample type) and as text (the default type, line by line).
//
// Stdlib only.  Usage: compare [-summary PATH] [-go PATH] [-j N]
// [-pair BASE:PROFILE]... FILE...
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	summaryPath = flag.String("summary", "build/pprof-summary", "pprof-summary binary")
	goPath      = flag.String("go", "go", "go command whose `go tool pprof` is the reference")
	jobs        = flag.Int("j", runtime.NumCPU(), "parallel cases")
	maxDiff     = flag.Int("max-diff", 10, "mismatched functions shown per failed case")
	timeout     = flag.Duration("timeout", 5*time.Minute, "time limit of one command")
	verbose     = flag.Bool("v", false, "print the commands run")
	pairs       pairList
	noDot       = flag.Bool("nodot", false, "leave out the call graph cases (pprof-summary --format dot against go tool pprof -dot)")
	withOptions = flag.Bool("options", true, "also compare, on each profile's default sample type, the text of the refine options, granularities and peek")
	textMode    = flag.Bool("text", false, "compare `pprof-summary --format top` with `go tool pprof -top -nodefraction=0` (all rows) line by line, from \"Showing nodes\" on, instead of the JSON")
)

// pairList is the -pair flags: "BASE:PROFILE" each.
type pairList []string

func (p *pairList) String() string { return strings.Join(*p, " ") }
func (p *pairList) Set(v string) error {
	if strings.Count(v, ":") != 1 {
		return fmt.Errorf("-pair %q: want BASE:PROFILE", v)
	}
	*p = append(*p, v)
	return nil
}

// sampleType is a sample type as go tool pprof lists it.
type sampleType struct {
	Type, Unit string
}

// row is one function of a report.
type row struct {
	Name      string
	Flat, Cum int64
}

// report is what either side says about one (profile, sample type).
type report struct {
	SampleTypes []sampleType
	SampleType  string
	Total       int64
	Functions   []row
}

// summaryJSON is the JSON contract of pprof-summary --format json.
type summaryJSON struct {
	SampleTypes []struct {
		Type string `json:"type"`
		Unit string `json:"unit"`
	} `json:"sample_types"`
	SampleType string `json:"sample_type"`
	Total      *int64 `json:"total"`
	Functions  []struct {
		Name string `json:"name"`
		Flat int64  `json:"flat"`
		Cum  int64  `json:"cum"`
	} `json:"functions"`
}

type testCase struct {
	file  string
	types []sampleType // all types, from go tool pprof -raw
	index int          // the type compared; -1: the default
	dflt  int          // the default type's index as pprof picks it
	base  string       // a pair's base profile, or ""
	mode  string       // with base: "diff_base" or "base" (pprof's flags)
	text  bool         // compared as text whatever -text says
	dot   bool         // the call graph (dot.go), not the top report
	nodes int          // with dot: -nodecount, or 0 for pprof's 80
	opt   *option      // a text comparison with these options, or nil
}

func (c testCase) name() string {
	t := "(default)"
	if c.index >= 0 {
		t = c.types[c.index].Type
	}
	if c.dot {
		t += " dot"
		if c.nodes > 0 {
			t += fmt.Sprintf(" nodecount=%d", c.nodes)
		}
	}
	if c.opt != nil {
		t += " " + c.opt.name
	}
	if c.text && !*textMode {
		t += " text"
	}
	if c.base != "" {
		return fmt.Sprintf("-%s %s %s %s", c.mode, filepath.Base(c.base), filepath.Base(c.file), t)
	}
	return fmt.Sprintf("%s %s", filepath.Base(c.file), t)
}

// baseArgs are the pair's flags of go tool pprof (ref) or pprof-summary.
func (c testCase) baseArgs(ref bool) []string {
	switch {
	case c.base == "":
		return nil
	case ref:
		return []string{"-" + c.mode, c.base}
	default:
		return []string{"--" + strings.ReplaceAll(c.mode, "_", "-"), c.base}
	}
}

// option is one way of running both sides on the default sample type:
// the same report with go tool pprof's flags and pprof-summary's, compared
// as text from "Showing nodes accounting for" on.
type option struct {
	name    string
	ref     []string // go tool pprof flags, -top unless one is a command
	summary []string
}

// The refine options, granularities and peek, with regexes that match in
// the real profiles (main., runtime., capture/main.go, goroutine labels)
// and in the generated ones (example.com/... names, /src/... files,
// handler and pool labels).
var options = []option{
	{"hide", []string{"-hide", `^runtime\.|/sync[0-9]`}, []string{"--hide", `^runtime\.|/sync[0-9]`}},
	{"show", []string{"-show", `main\.|example\.com/(db|io|http)`}, []string{"--show", `main\.|example\.com/(db|io|http)`}},
	{"show_from", []string{"-show_from", `main\.[a-z]+Phase|Handle|Put|Lookup`}, []string{"--show-from", `main\.[a-z]+Phase|Handle|Put|Lookup`}},
	{"focus-file", []string{"-focus", `file4[0-9]\.go|capture/main\.go$`}, []string{"--focus", `file4[0-9]\.go|capture/main\.go$`}},
	{"ignore-file", []string{"-ignore", `file1[0-9]\.go|runtime/(mgc|sema)\.go`}, []string{"--ignore", `file1[0-9]\.go|runtime/(mgc|sema)\.go`}},
	{"focus-go-syntax", []string{"-focus", `(?i)^MAIN\.|file4\d\.go`}, []string{"--focus", `(?i)^MAIN\.|file4\d\.go`}},
	{"ignore-go-syntax", []string{"-ignore", `(?:mgc|sema)\.go$|\.Put\d+`}, []string{"--ignore", `(?:mgc|sema)\.go$|\.Put\d+`}},
	{"hide-go-syntax", []string{"-hide", `(?i)^RUNTIME\.|/sync\d`}, []string{"--hide", `(?i)^RUNTIME\.|/sync\d`}},
	{"tagfocus", []string{"-tagfocus", `pool:pool-[12]|role:sel`}, []string{"--tagfocus", `pool:pool-[12]|role:sel`}},
	{"tagfocus-key", []string{"-tagfocus", `handler=Serve,Put|role=lock|grouper`}, []string{"--tagfocus", `handler=Serve,Put|role=lock|grouper`}},
	{"tagignore", []string{"-tagignore", `role=chan-waiter|handler=^(Merge|Get)$`}, []string{"--tagignore", `role=chan-waiter|handler=^(Merge|Get)$`}},
	// numeric ranges: heap's "bytes" and the generated "request_bytes"
	{"tagfocus-range", []string{"-tagfocus", `1kb:`}, []string{"--tagfocus", `1kb:`}},
	{"tagfocus-range-key", []string{"-tagfocus", `bytes=16b:4kb`}, []string{"--tagfocus", `bytes=16b:4kb`}},
	{"tagfocus-range-eq", []string{"-tagfocus", `bytes=1mb`}, []string{"--tagfocus", `bytes=1mb`}},
	{"tagfocus-range-unit", []string{"-tagfocus", `request_bytes=20kb:40`}, []string{"--tagfocus", `request_bytes=20kb:40`}},
	{"tagignore-range", []string{"-tagignore", `:64kb`}, []string{"--tagignore", `:64kb`}},
	{"tagignore-range-key", []string{"-tagfocus", `pool:shared|bytes:`, "-tagignore", `request_bytes=48kb:`}, []string{"--tagfocus", `pool:shared|bytes:`, "--tagignore", `request_bytes=48kb:`}},
	{"functions", []string{"-functions"}, []string{"--granularity", "functions"}},
	{"filefunctions", []string{"-filefunctions"}, []string{"--granularity", "filefunctions"}},
	{"files", []string{"-files"}, []string{"--granularity", "files"}},
	{"lines", []string{"-lines"}, []string{"--granularity", "lines"}},
	{"addresses", []string{"-addresses"}, []string{"--granularity", "addresses"}},
	{"lines-hide", []string{"-lines", "-hide", `runtime\.`}, []string{"--granularity", "lines", "--hide", `runtime\.`}},
	{"peek", []string{"-peek", `main\.alloc(Ping|Map|Small)|runtime\.main$|Lookup[0-9]|\.merge3|\[base\]`}, []string{"--view", "peek", "--focus", `main\.alloc(Ping|Map|Small)|runtime\.main$|Lookup[0-9]|\.merge3|\[base\]`}},
	{"peek-lines", []string{"-peek", `main\.allocP|\.Put[0-9]+ `, "-lines"}, []string{"--view", "peek", "--focus", `main\.allocP|\.Put[0-9]+ `, "--granularity", "lines"}},
}

// the refine options also compared on the call graph (-dot); not the
// granularities yet: pprof's DOT labels put a node's file base name on a
// line of its own, which ours do not
var dotOptions = map[string]bool{
	"hide": true, "show": true, "show_from": true, "focus-file": true,
	"ignore-file": true, "tagfocus": true, "tagignore": true,
	"tagfocus-range": true,
}

type result struct {
	c       testCase
	ok      bool
	skipped bool   // ok, but nothing was compared
	summary string // one line
	details []string
}

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: compare [flags] PROFILE...")
		flag.PrintDefaults()
	}
	flag.Var(&pairs, "pair", "`BASE:PROFILE` to compare as a difference (repeatable)")
	flag.Parse()
	if flag.NArg() == 0 && len(pairs) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *jobs < 1 {
		*jobs = 1
	}

	var cases []testCase
	var results []result
	for _, file := range flag.Args() {
		types, dflt, err := listSampleTypes(file)
		if err != nil {
			results = append(results, result{
				c: testCase{file: file, index: -1}, summary: "go tool pprof -raw failed",
				details: []string{err.Error()},
			})
			continue
		}
		cases = append(cases, testCase{file: file, types: types, index: -1, dflt: dflt})
		for i := range types {
			cases = append(cases, testCase{file: file, types: types, index: i, dflt: dflt})
		}
		if !*textMode && !*noDot {
			cases = append(cases, testCase{file: file, types: types, index: -1, dflt: dflt, dot: true})
			for i := range types {
				cases = append(cases, testCase{file: file, types: types, index: i, dflt: dflt, dot: true})
			}
			// few nodes: pprof counts each node's label sets and
			// sizes (nodelets) as nodes when it picks them
			for i := -1; i < len(types); i++ {
				cases = append(cases, testCase{file: file, types: types, index: i, dflt: dflt, dot: true, nodes: dotFewNodes})
			}
		}
		if *withOptions {
			for i := range options {
				cases = append(cases, testCase{file: file, types: types, index: -1, dflt: dflt, opt: &options[i]})
				// the call graph takes its first values from the
				// report's walk, refined as the report is
				if !*textMode && !*noDot && dotOptions[options[i].name] {
					cases = append(cases, testCase{file: file, types: types, index: -1, dflt: dflt, dot: true, opt: &options[i]})
				}
			}
		}
	}

	for _, pair := range pairs {
		i := strings.IndexByte(pair, ':')
		base, file := pair[:i], pair[i+1:]
		types, dflt, err := listSampleTypes(file)
		if err != nil {
			results = append(results, result{
				c: testCase{file: file, index: -1}, summary: "go tool pprof -raw failed",
				details: []string{err.Error()},
			})
			continue
		}
		for _, mode := range []string{"diff_base", "base"} {
			c := testCase{file: file, types: types, index: -1, dflt: dflt, base: base, mode: mode}
			c.text = true
			cases = append(cases, c)
			c.text = false
			cases = append(cases, c)
			for i := range types {
				c.index = i
				cases = append(cases, c)
			}
			// the call graph of the difference: pprof's diff colouring
			// (shrunk green, grown red) in every node and edge
			if !*textMode && !*noDot {
				c.index = -1
				c.dot = true
				cases = append(cases, c)
			}
		}
	}

	out := make([]result, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < *jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = run(cases[i])
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	results = append(results, out...)

	passed, failed, skipped := 0, 0, 0
	for _, r := range results {
		if r.skipped {
			skipped++
			fmt.Printf("skip %-40s %s\n", r.c.name(), r.summary)
			continue
		}
		if r.ok {
			passed++
			fmt.Printf("ok   %-40s %s\n", r.c.name(), r.summary)
			continue
		}
		failed++
		fmt.Printf("FAIL %-40s %s\n", r.c.name(), r.summary)
		for _, d := range r.details {
			fmt.Printf("       %s\n", d)
		}
	}
	if skipped > 0 {
		fmt.Printf("compare: %d skipped\n", skipped)
	}
	fmt.Printf("compare: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// command runs a command and returns its standard output; on failure the
// error carries the end of its standard error.
func command(name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if *verbose {
		fmt.Fprintln(os.Stderr, "+", name, strings.Join(args, " "))
	}
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v", *timeout)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 600 {
			msg = "..." + msg[len(msg)-600:]
		}
		return stdout.Bytes(), fmt.Errorf("%s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, msg)
	}
	return stdout.Bytes(), nil
}

// listSampleTypes reads the "Samples:" header of go tool pprof -raw:
// "alloc_objects/count alloc_space/bytes[dflt] ...".  It returns the
// types and the index pprof uses when none is asked for: the one marked
// [dflt], else the last.
func listSampleTypes(file string) ([]sampleType, int, error) {
	out, err := command(*goPath, "tool", "pprof", "-raw", "-symbolize=none", file)
	if err != nil {
		return nil, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if sc.Text() != "Samples:" {
			continue
		}
		if !sc.Scan() {
			break
		}
		var types []sampleType
		dflt := -1
		for i, f := range strings.Fields(sc.Text()) {
			if strings.HasSuffix(f, "[dflt]") {
				f = strings.TrimSuffix(f, "[dflt]")
				dflt = i
			}
			slash := strings.LastIndexByte(f, '/')
			if slash < 0 {
				return nil, 0, fmt.Errorf("go tool pprof -raw %s: bad sample type %q", file, f)
			}
			types = append(types, sampleType{f[:slash], f[slash+1:]})
		}
		if len(types) == 0 {
			return nil, 0, fmt.Errorf("go tool pprof -raw %s: no sample types", file)
		}
		if dflt < 0 {
			dflt = len(types) - 1
		}
		return types, dflt, nil
	}
	return nil, 0, fmt.Errorf("go tool pprof -raw %s: no Samples: header", file)
}

func run(c testCase) result {
	if c.dot {
		return runDot(c)
	}
	if *textMode || c.text || c.opt != nil {
		return runText(c)
	}
	r := result{c: c}
	var want, got *report
	var wantErr, gotErr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); want, wantErr = reference(c) }()
	go func() { defer wg.Done(); got, gotErr = summary(c) }()
	wg.Wait()
	switch {
	case wantErr != nil:
		r.summary = "go tool pprof failed"
		r.details = []string{wantErr.Error()}
		return r
	case gotErr != nil:
		r.summary = "pprof-summary failed"
		r.details = []string{gotErr.Error()}
		return r
	}
	r.details = diff(want, got)
	r.ok = len(r.details) == 0
	if r.ok {
		r.summary = fmt.Sprintf("%d functions, total %d", len(want.Functions), want.Total)
	} else {
		r.summary = fmt.Sprintf("%d functions expected, %d got, total %d expected, %d got",
			len(want.Functions), len(got.Functions), want.Total, got.Total)
	}
	return r
}

var (
	headerRx  = regexp.MustCompile(`^\s*flat\s+flat%\s+sum%\s+cum\s+cum%\s*$`)
	rowRx     = regexp.MustCompile(`^\s*(\S+)\s+(\S+%)\s+(\S+%)\s+(\S+)\s+(\S+%)  (.*)$`)
	totalRx   = regexp.MustCompile(`^Showing nodes accounting for \S+, \S+ of (\S+) total$`)
	typeRx    = regexp.MustCompile(`^Type: (.*)$`)
	valueRx   = regexp.MustCompile(`^(-?[0-9]+)(?:\.00)?([^0-9.]*)$`)
	inlineSfx = []string{" (inline)", " (partial-inline)"}
)

// reference runs go tool pprof -top with raw units and parses its rows.
func reference(c testCase) (*report, error) {
	idx := c.index
	if idx < 0 {
		idx = c.dflt
	}
	args := []string{"tool", "pprof", "-top",
		"-nodecount=1000000", "-nodefraction=0", "-edgefraction=0",
		"-unit=" + c.types[idx].Unit}
	if c.index >= 0 {
		args = append(args, "-sample_index="+c.types[idx].Type)
	}
	args = append(args, c.baseArgs(true)...)
	args = append(args, c.file)
	out, err := command(*goPath, args...)
	if err != nil {
		return nil, err
	}
	rep := &report{SampleTypes: c.types, Total: -1}
	inRows := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Text()
		if !inRows {
			if m := typeRx.FindStringSubmatch(line); m != nil {
				rep.SampleType = m[1]
			} else if m := totalRx.FindStringSubmatch(line); m != nil {
				if rep.Total, err = rawValue(m[1]); err != nil {
					return nil, fmt.Errorf("go tool pprof total: %v", err)
				}
			} else if headerRx.MatchString(line) {
				inRows = true
			}
			continue
		}
		m := rowRx.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("go tool pprof: unexpected row %q", line)
		}
		name := m[6]
		for _, s := range inlineSfx {
			name = strings.TrimSuffix(name, s)
		}
		flat, err := rawValue(m[1])
		if err != nil {
			return nil, fmt.Errorf("go tool pprof row %q: %v", line, err)
		}
		cum, err := rawValue(m[4])
		if err != nil {
			return nil, fmt.Errorf("go tool pprof row %q: %v", line, err)
		}
		rep.Functions = append(rep.Functions, row{name, flat, cum})
	}
	if !inRows || rep.Total < 0 || rep.SampleType == "" {
		return nil, fmt.Errorf("go tool pprof: no Type:, total or header line in:\n%s", out)
	}
	return rep, nil
}

// rawValue parses "123", "-123", "123B", "123ns", "123.00objects": a
// whole number with an optional unit suffix.
func rawValue(s string) (int64, error) {
	m := valueRx.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("value %q is not a raw integer (unit scaled?)", s)
	}
	return strconv.ParseInt(m[1], 10, 64)
}

// summary runs pprof-summary --format json.
func summary(c testCase) (*report, error) {
	args := []string{"--format", "json"}
	if c.index >= 0 {
		args = append(args, "--sample-type", c.types[c.index].Type)
	}
	args = append(args, c.baseArgs(false)...)
	args = append(args, c.file)
	out, err := command(*summaryPath, args...)
	if err != nil {
		return nil, err
	}
	var js summaryJSON
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&js); err != nil {
		head := out
		if len(head) > 300 {
			head = head[:300]
		}
		return nil, fmt.Errorf("pprof-summary: bad JSON: %v; output starts %q", err, head)
	}
	if dec.More() {
		return nil, errors.New("pprof-summary: trailing data after the JSON object")
	}
	if js.Total == nil {
		return nil, errors.New(`pprof-summary: no "total" in the JSON`)
	}
	rep := &report{SampleType: js.SampleType, Total: *js.Total}
	for _, t := range js.SampleTypes {
		rep.SampleTypes = append(rep.SampleTypes, sampleType{t.Type, t.Unit})
	}
	for _, f := range js.Functions {
		rep.Functions = append(rep.Functions, row{f.Name, f.Flat, f.Cum})
	}
	return rep, nil
}

// diff lists the differences, most important first; empty means equal.
func diff(want, got *report) []string {
	var d []string
	if fmt.Sprint(want.SampleTypes) != fmt.Sprint(got.SampleTypes) {
		d = append(d, fmt.Sprintf("sample_types: expected %v, got %v", want.SampleTypes, got.SampleTypes))
	}
	if want.SampleType != got.SampleType {
		d = append(d, fmt.Sprintf("sample_type: expected %q, got %q", want.SampleType, got.SampleType))
	}
	if want.Total != got.Total {
		d = append(d, fmt.Sprintf("total: expected %d, got %d", want.Total, got.Total))
	}

	wantBy, dups := index(want.Functions)
	for _, n := range dups {
		d = append(d, fmt.Sprintf("go tool pprof lists %q more than once (the generator should avoid this)", n))
	}
	gotBy, gdups := index(got.Functions)
	for _, n := range gdups {
		d = append(d, fmt.Sprintf("pprof-summary lists %q more than once", n))
	}

	// Mismatches in the reference's order (by flat), then extras.
	var fd []string
	nbad := 0
	for _, w := range want.Functions {
		g, ok := gotBy[w.Name]
		switch {
		case !ok:
			nbad++
			fd = append(fd, fmt.Sprintf("missing  %q: expected flat %d cum %d", w.Name, w.Flat, w.Cum))
		case g.Flat != w.Flat || g.Cum != w.Cum:
			nbad++
			fd = append(fd, fmt.Sprintf("differs  %q: flat expected %d got %d, cum expected %d got %d", w.Name, w.Flat, g.Flat, w.Cum, g.Cum))
		}
	}
	var extra []row
	for _, g := range got.Functions {
		if _, ok := wantBy[g.Name]; !ok {
			extra = append(extra, g)
		}
	}
	sort.SliceStable(extra, func(i, j int) bool { return abs(extra[i].Flat) > abs(extra[j].Flat) })
	for _, g := range extra {
		nbad++
		fd = append(fd, fmt.Sprintf("extra    %q: got flat %d cum %d, go tool pprof does not list it", g.Name, g.Flat, g.Cum))
	}
	if nbad > 0 {
		shown := fd
		if len(shown) > *maxDiff {
			shown = shown[:*maxDiff]
		}
		d = append(d, fmt.Sprintf("%d of %d functions differ (first %d shown):", nbad, len(want.Functions)+len(extra), len(shown)))
		d = append(d, shown...)
	}
	if len(d) == 0 {
		if msg := orderProblem(got.Functions); msg != "" {
			d = append(d, msg)
		}
	}
	return d
}

// runText compares the text reports from the "Showing nodes accounting
// for" line on (the header before it names files and times).
func runText(c testCase) result {
	r := result{c: c}
	// All rows, as pprof-summary prints them; edges keep pprof's default
	// trimming, which decides the "(inline)" labels.
	refArgs := []string{"tool", "pprof", "-top",
		"-nodecount=1000000", "-nodefraction=0"}
	sumArgs := []string{"--format", "top"}
	if c.opt != nil {
		if c.opt.ref[0] == "-peek" {
			refArgs = []string{"tool", "pprof"}
		}
		refArgs = append(refArgs, c.opt.ref...)
		sumArgs = append(sumArgs, c.opt.summary...)
	}
	if c.index >= 0 {
		refArgs = append(refArgs, "-sample_index="+c.types[c.index].Type)
		sumArgs = append(sumArgs, "--sample-type", c.types[c.index].Type)
	}
	refArgs = append(refArgs, c.baseArgs(true)...)
	sumArgs = append(sumArgs, c.baseArgs(false)...)
	want, err := command(*goPath, append(refArgs, c.file)...)
	if err != nil && strings.Contains(err.Error(), noMatch) {
		// -peek of a regexp that matches nothing: both say so.
		_, gerr := command(*summaryPath, append(sumArgs, c.file)...)
		r.ok = gerr != nil && strings.Contains(gerr.Error(), noMatch)
		r.summary = "both: " + noMatch
		if !r.ok {
			r.summary = "go tool pprof: " + noMatch + ", pprof-summary did not fail so"
		}
		return r
	}
	if err != nil {
		r.summary, r.details = "go tool pprof failed", []string{err.Error()}
		return r
	}
	got, err := command(*summaryPath, append(sumArgs, c.file)...)
	if err != nil {
		r.summary, r.details = "pprof-summary failed", []string{err.Error()}
		return r
	}
	wl, gl := reportLines(want), reportLines(got)
	nbad := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w == g {
			continue
		}
		nbad++
		if nbad <= *maxDiff {
			r.details = append(r.details, fmt.Sprintf("line %d: expected %q", i+1, w),
				fmt.Sprintf("%*s  got      %q", len(fmt.Sprint(i+1))+5, "", g))
		}
	}
	r.ok = nbad == 0
	r.summary = fmt.Sprintf("%d lines", len(wl))
	if !r.ok {
		r.summary = fmt.Sprintf("%d of %d lines differ (got %d lines)", nbad, len(wl), len(gl))
	}
	return r
}

const noMatch = "no matches found for regexp"

func reportLines(out []byte) []string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Showing nodes accounting for") {
			return lines[i:]
		}
	}
	return lines
}

// orderProblem checks the contract's order: by flat, descending; with
// negative values (delta profiles) by |flat| descending, as pprof does, is
// accepted too.
func orderProblem(fs []row) string {
	signed, absolute := -1, -1
	for i := 1; i < len(fs); i++ {
		if signed < 0 && fs[i].Flat > fs[i-1].Flat {
			signed = i
		}
		if absolute < 0 && abs(fs[i].Flat) > abs(fs[i-1].Flat) {
			absolute = i
		}
	}
	if signed < 0 || absolute < 0 {
		return ""
	}
	i := signed
	return fmt.Sprintf("functions not sorted by flat desc: %q (%d) after %q (%d)",
		fs[i].Name, fs[i].Flat, fs[i-1].Name, fs[i-1].Flat)
}

func index(rows []row) (map[string]row, []string) {
	m := make(map[string]row, len(rows))
	var dups []string
	for _, r := range rows {
		if _, ok := m[r.Name]; ok {
			dups = append(dups, r.Name)
			continue
		}
		m[r.Name] = r
	}
	return m, dups
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
