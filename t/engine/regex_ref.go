// Checks that t/engine/regex_cases.tsv is Go's regexp: every "match" and
// "nomatch" row as regexp.MatchString says, every "error" row refused by
// regexp.Compile with the words in its fourth column, every "refused" row
// (what the engine cannot translate) compiled by Go.  make engine-test
// runs it before regex_test.c checks the engine against the same rows.
//
//	go run t/engine/regex_ref.go t/engine/regex_cases.tsv
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"runtime"
	"strings"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer f.Close()
	passed, failed := 0, 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "# ") || line == "#" {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) < 3 {
			fmt.Printf("FAIL line %d: fewer than 3 columns\n", n)
			failed++
			continue
		}
		subject := strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(col[1])
		re, err := regexp.Compile(col[0])
		ok := false
		got := ""
		switch col[2] {
		case "match", "nomatch":
			if err != nil {
				got = err.Error()
			} else {
				m := re.MatchString(subject)
				ok = m == (col[2] == "match")
				got = fmt.Sprint("match ", m)
			}
		case "error":
			se, is := err.(*syntax.Error)
			ok = is && len(col) > 3 && se.Code.String() == col[3]
			got = fmt.Sprint(err)
		case "refused":
			ok = err == nil
			got = fmt.Sprint(err)
		}
		if ok {
			passed++
		} else {
			failed++
			fmt.Printf("FAIL line %d: %q on %q: want %s, Go: %s\n",
				n, col[0], subject, strings.Join(col[2:], " "), got)
		}
	}
	fmt.Printf("regex_ref (Go %s): %d passed, %d failed\n",
		strings.TrimPrefix(runtime.Version(), "go"), passed, failed)
	if failed != 0 {
		os.Exit(1)
	}
}
