// Command gen writes synthetic pprof profiles of a given shape and size,
// reproducibly from a seed, with github.com/google/pprof/profile.
//
// Stacks are random walks down a random call graph (a DAG over the
// functions, plus recursion: direct self-calls and mutual recursion
// between two functions).  Options add inlined frames (locations with
// several lines), address-only locations (no function information),
// several mappings, labels, negative values (delta profiles), zero-valued
// samples, empty stacks, drop_frames / keep_frames and awkward names
// (C++ signatures with spaces and parentheses, quotes, non-ASCII).
//
// Build in GOPATH mode against Debian's golang-github-google-pprof-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build
//
// Usage: gen [flags] -o FILE   (FILE "-" is standard output)
//
// With -base-out BASE it also writes a second capture of the same program,
// a diff base as two captures of one binary make.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"os"
	"strings"

	"github.com/google/pprof/profile"
)

type config struct {
	seed        int64
	samples     int
	functions   int
	depth       int
	types       string
	defaultType string
	inline      float64
	recursion   float64
	negative    float64
	zero        float64
	cancel      float64
	empty       float64
	labels      bool
	dropFrames  string
	keepFrames  string
	mappings    int
	addrOnly    float64
	oddNames    bool
	raw         bool
	out         string
	baseOut     string
	baseSeed    int64
}

func main() {
	var c config
	big := flag.Bool("big", false, "preset: 200k samples, 20k functions, depth up to 40, cpu types (about 6 MB gzip, 10 MB raw); other flags given explicitly still apply")
	flag.Int64Var(&c.seed, "seed", 1, "random seed")
	flag.IntVar(&c.samples, "samples", 1000, "number of samples")
	flag.IntVar(&c.functions, "functions", 200, "number of functions")
	flag.IntVar(&c.depth, "depth", 20, "maximum stack depth in frames (inlined frames count)")
	flag.StringVar(&c.types, "types", "cpu", "sample types: cpu (samples/count, cpu/nanoseconds), heap (alloc_objects, alloc_space, inuse_objects, inuse_space), or a list type/unit,type/unit,...")
	flag.StringVar(&c.defaultType, "default", "", "default_sample_type (heap: inuse_space unless set; \"none\": leave unset)")
	flag.Float64Var(&c.inline, "inline", 0.2, "fraction of call edges that are inlined (merged into the caller's location)")
	flag.Float64Var(&c.recursion, "recursion", 0.1, "probability, per frame, of entering direct or mutual recursion")
	flag.Float64Var(&c.negative, "negative", 0, "fraction of samples whose values are negated (delta profiles)")
	flag.Float64Var(&c.zero, "zero", 0, "fraction of samples whose values are all zero")
	flag.Float64Var(&c.cancel, "cancel", 0, "fraction of samples followed by a sample of the same stack and labels with some values negated (delta profiles: go tool pprof merges the two)")
	flag.Float64Var(&c.empty, "empty", 0, "fraction of samples with an empty stack")
	flag.BoolVar(&c.labels, "labels", false, "attach string and numeric labels to samples")
	flag.StringVar(&c.dropFrames, "drop-frames", "", "drop_frames regular expression")
	flag.StringVar(&c.keepFrames, "keep-frames", "", "keep_frames regular expression")
	flag.IntVar(&c.mappings, "mappings", 1, "number of mappings (the first is the main binary)")
	flag.Float64Var(&c.addrOnly, "addr-only", 0, "fraction of functions, outside the main binary, whose locations carry only an address (no lines)")
	flag.BoolVar(&c.oddNames, "odd-names", false, "use C++-style names with spaces and parentheses, quotes and non-ASCII")
	flag.BoolVar(&c.raw, "raw", false, "write the profile uncompressed")
	flag.StringVar(&c.out, "o", "", "output file, - for standard output")
	flag.StringVar(&c.baseOut, "base-out", "", "also write a second capture of the same program to this file: the same mappings, functions, call graph and addresses, other samples (drawn from -base-seed), as a diff base of one binary is")
	flag.Int64Var(&c.baseSeed, "base-seed", 2, "random seed of the second capture's samples (-base-out)")
	stats := flag.Bool("stats", false, "print the profile's shape to standard error")
	flag.Parse()
	if c.out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gen [flags] -o FILE")
		flag.PrintDefaults()
		os.Exit(2)
	}
	if *big {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		preset := map[string]string{
			"samples": "200000", "functions": "20000", "depth": "40",
			"mappings": "3", "inline": "0.2", "recursion": "0.1",
		}
		for name, value := range preset {
			if !set[name] {
				if err := flag.Set(name, value); err != nil {
					log.Fatal(err)
				}
			}
		}
	}
	if c.samples < 0 || c.functions < 2 || c.depth < 1 || c.mappings < 1 {
		log.Fatal("gen: need samples >= 0, functions >= 2, depth >= 1, mappings >= 1")
	}

	g, err := generate(&c)
	if err != nil {
		log.Fatal(err)
	}
	p := g.p
	if err := write(p, &c, c.out); err != nil {
		log.Fatal(err)
	}
	if c.baseOut != "" {
		if err := write(g.capture(c.baseSeed), &c, c.baseOut); err != nil {
			log.Fatal(err)
		}
	}
	if *stats {
		frames := 0
		for _, s := range p.Sample {
			frames += len(s.Location)
		}
		fmt.Fprintf(os.Stderr, "gen: %d samples, %d locations, %d functions, %d mappings, %.1f locations per sample\n",
			len(p.Sample), len(p.Location), len(p.Function), len(p.Mapping), float64(frames)/float64(max(1, len(p.Sample))))
	}
}

func write(p *profile.Profile, c *config, out string) error {
	var w io.Writer = os.Stdout
	var f *os.File
	if out != "-" {
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var err error
	if c.raw {
		err = p.WriteUncompressed(bw)
	} else {
		err = p.Write(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// fn is a generated function with its place in the call graph.
type fn struct {
	f        *profile.Function
	mapping  int     // index into the mappings
	addrOnly bool    // its locations have no lines
	callees  []int   // indexes of functions it calls (higher index: a DAG)
	inlined  []bool  // per callee: is that call inlined
	lines    []int64 // per callee: the line of the call site
	leafLine int64   // the line where it spends its own time
	recLine  int64   // the line of its recursive calls
	mutual   int     // partner for mutual recursion
}

type generator struct {
	c     *config
	rnd   *rand.Rand
	p     *profile.Profile
	funcs []*fn
	roots []int
	locs  map[string]*profile.Location
	addr  []uint64 // next free address per mapping
}

func generate(c *config) (*generator, error) {
	g := &generator{
		c:    c,
		rnd:  rand.New(rand.NewSource(c.seed)),
		p:    &profile.Profile{},
		locs: map[string]*profile.Location{},
	}
	if err := g.header(); err != nil {
		return nil, err
	}
	g.makeMappings()
	g.makeFunctions()
	g.makeCallGraph()
	g.p.Sample = g.samples()
	return g, nil
}

// capture is a second profile of the same program, a minute later: its
// samples drawn anew from seed, its locations those of the first (same
// IDs and addresses) and any these samples reach first.
func (g *generator) capture(seed int64) *profile.Profile {
	g.rnd = rand.New(rand.NewSource(seed))
	q := *g.p
	q.Sample = g.samples()
	q.Location = g.p.Location
	q.TimeNanos += 60e9
	q.Comments = []string{fmt.Sprintf("generated by t/profiles/gen -seed %d -base-seed %d", g.c.seed, seed)}
	return &q
}

func (g *generator) samples() []*profile.Sample {
	c := g.c
	var all []*profile.Sample
	for i := 0; i < c.samples; i++ {
		s := g.sample()
		all = append(all, s)
		if g.rnd.Float64() < c.cancel && i+1 < c.samples {
			// The same stack and labels again, with values negated
			// (cancelling out) or partly so.
			t := *s
			t.Value = make([]int64, len(s.Value))
			for j, v := range s.Value {
				t.Value[j] = -v
				if g.rnd.Intn(3) == 0 {
					t.Value[j] = -v / 2
				}
			}
			all = append(all, &t)
			i++
		}
	}
	return all
}

func (g *generator) header() error {
	c, p := g.c, g.p
	p.TimeNanos = 1700000000000000000 + c.seed
	p.DurationNanos = 10e9
	switch c.types {
	case "cpu":
		p.SampleType = []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}}
		p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
		p.Period = 10000000
	case "heap":
		p.SampleType = []*profile.ValueType{
			{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
			{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"},
		}
		p.PeriodType = &profile.ValueType{Type: "space", Unit: "bytes"}
		p.Period = 524288
		p.DefaultSampleType = "inuse_space"
	default:
		for _, tu := range strings.Split(c.types, ",") {
			parts := strings.Split(tu, "/")
			if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
				return fmt.Errorf("gen: bad sample type %q, want type/unit", tu)
			}
			p.SampleType = append(p.SampleType, &profile.ValueType{Type: parts[0], Unit: parts[1]})
		}
		p.PeriodType = &profile.ValueType{Type: p.SampleType[0].Type, Unit: p.SampleType[0].Unit}
		p.Period = 1
	}
	switch c.defaultType {
	case "":
	case "none":
		p.DefaultSampleType = ""
	default:
		p.DefaultSampleType = c.defaultType
	}
	p.DropFrames = c.dropFrames
	p.KeepFrames = c.keepFrames
	p.Comments = []string{fmt.Sprintf("generated by t/profiles/gen -seed %d", c.seed)}
	return nil
}

func (g *generator) makeMappings() {
	for i := 0; i < g.c.mappings; i++ {
		file := "/nonexistent/gen/bin/app"
		if i > 0 {
			file = fmt.Sprintf("/nonexistent/gen/lib/libgen%d.so", i)
		}
		start := uint64(0x400000) + uint64(i)<<32
		m := &profile.Mapping{
			ID:           uint64(i + 1),
			Start:        start,
			Limit:        start + 1<<31,
			File:         file,
			BuildID:      fmt.Sprintf("%016x", g.rnd.Uint64()),
			HasFunctions: true, HasFilenames: true,
			HasLineNumbers: true, HasInlineFrames: true,
		}
		g.p.Mapping = append(g.p.Mapping, m)
		g.addr = append(g.addr, start+0x1000)
	}
}

var (
	pkgWords  = []string{"net", "http", "sync", "io", "json", "grpc", "cache", "store", "sched", "codec", "proto", "auth", "db", "wal", "index", "query"}
	typeWords = []string{"Server", "Conn", "Pool", "Buffer", "Decoder", "Encoder", "Tree", "Node", "Batch", "Queue", "Writer", "Reader", "Client"}
	verbWords = []string{"Read", "Write", "Flush", "Get", "Put", "Scan", "Merge", "Encode", "Decode", "Serve", "Handle", "Lookup", "Insert", "Compact", "Sync", "Close"}
)

// name returns a unique, Go-like (or with -odd-names sometimes C++-like
// or otherwise awkward) function name for index i.
func (g *generator) name(i int) string {
	r := g.rnd
	pkg := fmt.Sprintf("example.com/%s/%s%d", pkgWords[r.Intn(len(pkgWords))], pkgWords[r.Intn(len(pkgWords))], i%97)
	typ := typeWords[r.Intn(len(typeWords))]
	verb := verbWords[r.Intn(len(verbWords))]
	if g.c.oddNames {
		switch i % 9 {
		case 0:
			return fmt.Sprintf("std::vector<%s%d, std::allocator<%s%d> >::push_back(%s%d const&)", typ, i, typ, i, typ, i)
		case 1:
			return fmt.Sprintf("(anonymous namespace)::%s%d::operator()(int) const", typ, i)
		case 2:
			return fmt.Sprintf("пакет%d.Функция_%s", i, verb)
		case 3:
			return fmt.Sprintf(`tmpl<"%s%d">::%s\x`, typ, i, verb)
		}
	}
	switch i % 5 {
	case 0:
		return fmt.Sprintf("%s.(*%s).%s%d", pkg, typ, verb, i)
	case 1:
		return fmt.Sprintf("%s.%s.%s%d", pkg, typ, verb, i)
	case 2:
		return fmt.Sprintf("%s.%s%d.func%d", pkg, verb, i, 1+i%3)
	case 3:
		return fmt.Sprintf("%s.%s%d[...]", pkg, strings.ToLower(verb), i)
	default:
		return fmt.Sprintf("%s.%s%d", pkg, strings.ToLower(verb), i)
	}
}

func (g *generator) makeFunctions() {
	n := g.c.functions
	for i := 0; i < n; i++ {
		name := g.name(i)
		if i == 0 {
			name = "runtime.goexit"
		}
		f := &profile.Function{
			ID:         uint64(i + 1),
			Name:       name,
			SystemName: name,
			Filename:   fmt.Sprintf("/src/example.com/%s/file%d.go", pkgWords[i%len(pkgWords)], i%50),
			StartLine:  int64(10 + g.rnd.Intn(2000)),
		}
		// Functions are spread over the mappings in blocks, the main
		// binary (mapping 0) holding the roots and the most code.
		m := 0
		if g.c.mappings > 1 && i >= n/2 {
			m = 1 + (i-n/2)*(g.c.mappings-1)/(n-n/2)
		}
		addrOnly := m > 0 && g.rnd.Float64() < g.c.addrOnly
		g.funcs = append(g.funcs, &fn{f: f, mapping: m, addrOnly: addrOnly, mutual: -1})
		if !addrOnly {
			g.p.Function = append(g.p.Function, f)
		}
	}
	// Mappings whose functions are all address-only claim no symbols.
	for mi, m := range g.p.Mapping {
		all := true
		for _, f := range g.funcs {
			if f.mapping == mi && !f.addrOnly {
				all = false
			}
		}
		if all && mi > 0 {
			m.HasFunctions, m.HasFilenames, m.HasLineNumbers, m.HasInlineFrames = false, false, false, false
		}
	}
}

func (g *generator) makeCallGraph() {
	n := len(g.funcs)
	r := g.rnd
	// A handful of roots: runtime.goexit plus a few "main" entries.
	g.roots = []int{0}
	for i := 1; i < n && len(g.roots) < 1+n/200+2; i++ {
		g.roots = append(g.roots, i)
	}
	for i, f := range g.funcs {
		f.recLine = f.f.StartLine + 1 + int64(r.Intn(200))
		if i == n-1 {
			break
		}
		k := 1 + r.Intn(5)
		for j := 0; j < k; j++ {
			// Mostly nearby callees (layered code), sometimes far away.
			span := n - i - 1
			off := 1 + r.Intn(min(span, 1+span/8+50))
			if r.Intn(4) == 0 {
				off = 1 + r.Intn(span)
			}
			callee := i + off
			f.callees = append(f.callees, callee)
			// Address-only frames have no lines, so they cannot hold
			// inlined frames or be inlined.
			inl := !f.addrOnly && !g.funcs[callee].addrOnly && r.Float64() < g.c.inline
			f.inlined = append(f.inlined, inl)
			f.lines = append(f.lines, f.f.StartLine+1+int64(r.Intn(200)))
		}
		f.leafLine = f.f.StartLine + 1 + int64(r.Intn(200))
		if r.Intn(3) == 0 {
			f.mutual = f.callees[0]
		}
	}
	last := g.funcs[n-1]
	last.leafLine = last.f.StartLine + 1
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// frame is one function activation on a generated stack.
type frame struct {
	fn   int
	line int64
}

// stack returns a random stack, root first, as frames plus, per frame,
// whether the call into it was inlined into its caller.
func (g *generator) stack() ([]frame, []bool) {
	r := g.rnd
	// Depth up to the maximum, biased towards shallower stacks.
	depth := 1 + r.Intn(g.c.depth)
	if r.Intn(2) == 0 {
		depth = 1 + r.Intn(depth)
	}
	cur := g.roots[r.Intn(len(g.roots))]
	var frames []frame
	var inlined []bool
	callerInlined := false
	for len(frames) < depth {
		f := g.funcs[cur]
		if len(f.callees) == 0 || len(frames) == depth-1 {
			frames = append(frames, frame{cur, f.leafLine})
			inlined = append(inlined, callerInlined)
			break
		}
		// Recursion: a run of direct self-calls, or of calls alternating
		// with the mutual partner: activations a0 = cur, a1, ..., an, each
		// calling the next from its recursive call site; an carries on.
		if r.Float64() < g.c.recursion && len(frames) < depth-2 {
			n := 1 + r.Intn(6)
			a := cur
			for k := 0; k < n && len(frames) < depth-2; k++ {
				frames = append(frames, frame{a, g.funcs[a].recLine})
				inlined = append(inlined, callerInlined)
				callerInlined = false
				if f.mutual >= 0 && a == cur {
					a = f.mutual
				} else {
					a = cur
				}
			}
			cur = a
			continue
		}
		// Hot paths: the first callee is taken half of the time.
		j := 0
		if r.Intn(2) == 0 {
			j = r.Intn(len(f.callees))
		}
		frames = append(frames, frame{cur, f.lines[j]})
		inlined = append(inlined, callerInlined)
		callerInlined = f.inlined[j]
		cur = f.callees[j]
	}
	return frames, inlined
}

// location returns the (shared) location for a run of frames that were
// inlined into one another, outermost first.
func (g *generator) location(run []frame) *profile.Location {
	var key strings.Builder
	for _, fr := range run {
		fmt.Fprintf(&key, "%d:%d;", fr.fn, fr.line)
	}
	if l, ok := g.locs[key.String()]; ok {
		return l
	}
	outer := g.funcs[run[0].fn]
	m := outer.mapping
	l := &profile.Location{
		ID:      uint64(len(g.p.Location) + 1),
		Mapping: g.p.Mapping[m],
		Address: g.addr[m],
	}
	g.addr[m] += uint64(4 + g.rnd.Intn(60))
	if !outer.addrOnly {
		// Lines are innermost first: the last one is the caller.
		for i := len(run) - 1; i >= 0; i-- {
			l.Line = append(l.Line, profile.Line{Function: g.funcs[run[i].fn].f, Line: run[i].line})
		}
	}
	g.locs[key.String()] = l
	g.p.Location = append(g.p.Location, l)
	return l
}

func (g *generator) sample() *profile.Sample {
	r := g.rnd
	s := &profile.Sample{}
	if r.Float64() >= g.c.empty {
		frames, inlined := g.stack()
		// Group frames into locations, leaf first.
		end := len(frames)
		for i := len(frames) - 1; i >= 0; i-- {
			if i > 0 && inlined[i] {
				continue
			}
			s.Location = append(s.Location, g.location(frames[i:end]))
			end = i
		}
	}
	s.Value = g.values(len(s.Location))
	if r.Float64() < g.c.zero {
		for i := range s.Value {
			s.Value[i] = 0
		}
	} else if r.Float64() < g.c.negative {
		for i := range s.Value {
			s.Value[i] = -s.Value[i]
		}
	}
	if g.c.labels {
		s.Label = map[string][]string{"handler": {verbWords[r.Intn(len(verbWords))]}}
		if r.Intn(3) == 0 {
			s.Label["pool"] = []string{fmt.Sprintf("pool-%d", r.Intn(4)), "shared"}
		}
		s.NumLabel = map[string][]int64{"request_bytes": {int64(r.Intn(1 << 16))}}
		s.NumUnit = map[string][]string{"request_bytes": {"bytes"}}
	}
	return s
}

// values returns one value per sample type, shaped like the profile kind.
func (g *generator) values(depth int) []int64 {
	r := g.rnd
	v := make([]int64, len(g.p.SampleType))
	switch g.c.types {
	case "cpu":
		n := int64(1 + r.Intn(4))
		v[0], v[1] = n, n*g.p.Period
	case "heap":
		size := int64(16) << uint(r.Intn(12))
		objs := int64(1 + r.Intn(200))
		inuse := objs * int64(r.Intn(3)) / 2 // often 0: not every type has every stack
		v[0], v[1], v[2], v[3] = objs, objs*size, inuse, inuse*size
	default:
		for i := range v {
			if r.Intn(5) == 0 {
				v[i] = 0
			} else {
				v[i] = int64(1+r.Intn(1000)) * int64(1+depth)
			}
		}
	}
	return v
}
