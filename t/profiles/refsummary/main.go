// Command refsummary is a stand-in for `pprof-summary --format json`,
// written in Go on github.com/google/pprof/profile.  It exists to test the
// comparison harness (t/profiles/compare) before and independently of the C
// engine, and spells out the `go tool pprof -top` semantics the engine has
// to reproduce:
//
//   - samples with the same stack and labels are merged first, their values
//     summed (go tool pprof runs every profile through profile.Merge, even
//     a single one): this changes the total of delta profiles, where a
//     positive and a negative sample of one stack cancel out, and drops
//     functions whose samples all sum to zero;
//   - then drop_frames / keep_frames (Profile.RemoveUninteresting);
//   - the sample type is the one named, else default_sample_type, else the
//     last one;
//   - samples whose chosen value is 0 are ignored;
//   - total is the sum of |value|;
//   - functions are keyed by name; a frame without a function name (no
//     lines, or a nameless function) is "[basename of its mapping file]",
//     or "<unknown>" without a mapping;
//   - each frame of a location is a node, inlined callees included; cum is
//     added once per sample to every node on its stack, flat to the
//     innermost frame of the leaf location.
//
// Usage: refsummary [--format json] [--sample-type NAME] FILE
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/google/pprof/profile"
)

type function struct {
	Name string `json:"name"`
	Flat int64  `json:"flat"`
	Cum  int64  `json:"cum"`
}

type valueType struct {
	Type string `json:"type"`
	Unit string `json:"unit"`
}

type output struct {
	SampleTypes []valueType `json:"sample_types"`
	SampleType  string      `json:"sample_type"`
	Total       int64       `json:"total"`
	Functions   []function  `json:"functions"`
}

func main() {
	format := flag.String("format", "json", "output format (json only)")
	sampleType := flag.String("sample-type", "", "sample type name")
	diffBase := flag.String("diff-base", "", "base profile, as go tool pprof -diff_base")
	subBase := flag.String("base", "", "base profile, as go tool pprof -base")
	flag.Parse()
	if *format != "json" || flag.NArg() != 1 || (*diffBase != "" && *subBase != "") {
		fmt.Fprintln(os.Stderr, "usage: refsummary [--format json] [--sample-type NAME] [--diff-base FILE | --base FILE] FILE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *sampleType, *diffBase, *subBase); err != nil {
		fmt.Fprintln(os.Stderr, "refsummary:", err)
		os.Exit(1)
	}
}

func parse(file string) (*profile.Profile, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return profile.Parse(f)
}

// run reports on file; with a base, on file minus base as go tool pprof's
// fetchProfiles merges them (-diff_base labels the base pprof::base).
func run(file, sampleType, diffBase, subBase string) error {
	p, err := parse(file)
	if err != nil {
		return err
	}
	profs := []*profile.Profile{p}
	if b := diffBase + subBase; b != "" {
		pb, err := parse(b)
		if err != nil {
			return err
		}
		if diffBase != "" {
			pb.SetLabel("pprof::base", []string{"true"})
		}
		pb.Scale(-1)
		profs = append(profs, pb)
	}
	if p, err = profile.Merge(profs); err != nil {
		return err
	}
	if err := p.RemoveUninteresting(); err != nil {
		return err
	}

	idx := len(p.SampleType) - 1
	want := sampleType
	if want == "" {
		want = p.DefaultSampleType
	}
	if want != "" {
		found := -1
		for i, t := range p.SampleType {
			if t.Type == want {
				found = i
			}
		}
		if found < 0 && sampleType != "" {
			return fmt.Errorf("unknown sample type %q", sampleType)
		}
		if found >= 0 {
			idx = found
		}
	}

	out := output{SampleType: p.SampleType[idx].Type, Functions: []function{}}
	for _, t := range p.SampleType {
		out.SampleTypes = append(out.SampleTypes, valueType{t.Type, t.Unit})
	}

	byName := map[string]*function{}
	node := func(name string) *function {
		fn := byName[name]
		if fn == nil {
			fn = &function{Name: name}
			byName[name] = fn
		}
		return fn
	}
	var baseTotal int64
	for _, s := range p.Sample {
		v := s.Value[idx]
		if v == 0 {
			continue
		}
		av := v
		if v < 0 {
			av = -v
		}
		out.Total += av
		if s.DiffBaseSample() {
			baseTotal += av
		}
		seen := map[*function]bool{}
		var leaf *function
		for i := len(s.Location) - 1; i >= 0; i-- {
			names := frameNames(s.Location[i])
			for j := len(names) - 1; j >= 0; j-- {
				fn := node(names[j])
				if !seen[fn] {
					seen[fn] = true
					fn.Cum += v
				}
				leaf = fn
			}
		}
		if leaf != nil {
			leaf.Flat += v
		}
	}
	if baseTotal > 0 {
		// pprof's computeTotal: a diff is in percent of its base
		out.Total = baseTotal
	}
	for _, fn := range byName {
		out.Functions = append(out.Functions, *fn)
	}
	sort.Slice(out.Functions, func(i, j int) bool {
		a, b := out.Functions[i], out.Functions[j]
		if a.Flat != b.Flat {
			return a.Flat > b.Flat
		}
		return a.Name < b.Name
	})

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// frameNames returns the names of a location's frames, innermost first.
func frameNames(l *profile.Location) []string {
	unnamed := "<unknown>"
	if l.Mapping != nil && l.Mapping.File != "" {
		unnamed = "[" + filepath.Base(l.Mapping.File) + "]"
	}
	if len(l.Line) == 0 {
		return []string{unnamed}
	}
	names := make([]string, len(l.Line))
	for i, ln := range l.Line {
		if ln.Function == nil || ln.Function.Name == "" {
			names[i] = unnamed
		} else {
			names[i] = ln.Function.Name
		}
	}
	return names
}
