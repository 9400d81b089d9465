package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// record is one request that reached a TLS listener. It never holds the
// token, only whether the Authorization header matched it.
type record struct {
	Seq      int64     `json:"seq"`
	Time     time.Time `json:"time"`
	Listener string    `json:"listener"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Query    string    `json:"query"`
	Auth     string    `json:"auth"` // valid, invalid, absent
	Proto    string    `json:"proto"`
	SNI      string    `json:"sni"`
}

func (r *record) line() string {
	target := r.Path
	if r.Query != "" {
		target += "?" + r.Query
	}
	return fmt.Sprintf("%s %s auth=%s", r.Method, target, r.Auth)
}

type hello struct {
	Listener string `json:"listener"`
	SNI      string `json:"sni"`
}

const maxRecords = 200000

type recorder struct {
	mu       sync.Mutex
	seq      int64
	log      []record
	dropped  int64
	inflight map[string]int
	hellos   []hello
	hsErrors map[string]int
}

func newRecorder() *recorder {
	return &recorder{inflight: map[string]int{}, hsErrors: map[string]int{}}
}

func (rc *recorder) add(r record) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.seq++
	r.Seq = rc.seq
	if len(rc.log) >= maxRecords {
		rc.dropped++
		return
	}
	rc.log = append(rc.log, r)
}

func (rc *recorder) enter(path string) {
	rc.mu.Lock()
	rc.inflight[path]++
	rc.mu.Unlock()
}

func (rc *recorder) leave(path string) {
	rc.mu.Lock()
	if rc.inflight[path]--; rc.inflight[path] <= 0 {
		delete(rc.inflight, path)
	}
	rc.mu.Unlock()
}

func (rc *recorder) addHello(listener, sni string) {
	rc.mu.Lock()
	if len(rc.hellos) < maxRecords {
		rc.hellos = append(rc.hellos, hello{listener, sni})
	}
	rc.mu.Unlock()
}

func (rc *recorder) addHandshakeError(listener string) {
	rc.mu.Lock()
	rc.hsErrors[listener]++
	rc.mu.Unlock()
}

func (rc *recorder) reset() {
	rc.mu.Lock()
	rc.log = nil
	rc.dropped = 0
	rc.hellos = nil
	rc.hsErrors = map[string]int{}
	rc.mu.Unlock()
}

// filter matches records against the query arguments path (exact), prefix,
// method, auth and listener; absent arguments match everything.
type filter struct {
	path, prefix, method, auth, listener string
	hasPath                              bool
}

func parseFilter(r *http.Request) filter {
	q := r.URL.Query()
	_, hasPath := q["path"]
	return filter{
		path:     q.Get("path"),
		hasPath:  hasPath,
		prefix:   q.Get("prefix"),
		method:   q.Get("method"),
		auth:     q.Get("auth"),
		listener: q.Get("listener"),
	}
}

func (f filter) matchPath(p string) bool {
	if f.hasPath && p != f.path {
		return false
	}
	return strings.HasPrefix(p, f.prefix)
}

func (f filter) match(r *record) bool {
	return f.matchPath(r.Path) &&
		(f.method == "" || strings.EqualFold(f.method, r.Method)) &&
		(f.auth == "" || f.auth == r.Auth) &&
		(f.listener == "" || f.listener == r.Listener)
}

func (rc *recorder) matching(f filter) []record {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []record
	for i := range rc.log {
		if f.match(&rc.log[i]) {
			out = append(out, rc.log[i])
		}
	}
	return out
}

func (rc *recorder) countInflight(f filter) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for p, c := range rc.inflight {
		if f.matchPath(p) {
			n += c
		}
	}
	return n
}

func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// controlHandler is the plain-HTTP control API. Every answer is text/plain
// unless JSON is asked for; counts are a bare number followed by "\n".
func controlHandler(rc *recorder) http.Handler {
	mux := http.NewServeMux()

	// GET /requests[?path=&prefix=&method=&auth=&listener=][&format=json]
	mux.HandleFunc("/requests", func(w http.ResponseWriter, r *http.Request) {
		recs := rc.matching(parseFilter(r))
		if r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json") {
			if recs == nil {
				recs = []record{}
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			json.NewEncoder(w).Encode(recs)
			return
		}
		var b strings.Builder
		for i := range recs {
			b.WriteString(recs[i].line())
			b.WriteByte('\n')
		}
		plain(w, http.StatusOK, b.String())
	})

	// GET /count[?path=/exact|prefix=/p][&method=][&auth=][&listener=]
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		plain(w, http.StatusOK, fmt.Sprintf("%d\n", len(rc.matching(parseFilter(r)))))
	})

	// GET /inflight[?path=/exact|prefix=/p]: requests being served now
	mux.HandleFunc("/inflight", func(w http.ResponseWriter, r *http.Request) {
		plain(w, http.StatusOK, fmt.Sprintf("%d\n", rc.countInflight(parseFilter(r))))
	})

	// POST /reset: forget recorded requests and TLS handshakes
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			plain(w, http.StatusMethodNotAllowed, "POST only\n")
			return
		}
		rc.reset()
		plain(w, http.StatusOK, "ok\n")
	})

	// GET /handshakes[?listener=][&sni=]: ClientHellos received
	mux.HandleFunc("/handshakes", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		_, wantSNI := q["sni"]
		rc.mu.Lock()
		n := 0
		for _, h := range rc.hellos {
			if (q.Get("listener") == "" || q.Get("listener") == h.Listener) &&
				(!wantSNI || q.Get("sni") == h.SNI) {
				n++
			}
		}
		rc.mu.Unlock()
		plain(w, http.StatusOK, fmt.Sprintf("%d\n", n))
	})

	// GET /handshake-errors[?listener=]: TLS handshakes that failed
	mux.HandleFunc("/handshake-errors", func(w http.ResponseWriter, r *http.Request) {
		l := r.URL.Query().Get("listener")
		rc.mu.Lock()
		n := 0
		for k, v := range rc.hsErrors {
			if l == "" || l == k {
				n += v
			}
		}
		rc.mu.Unlock()
		plain(w, http.StatusOK, fmt.Sprintf("%d\n", n))
	})

	// GET /tls: one line per ClientHello, "listener=NAME sni=SNI"
	mux.HandleFunc("/tls", func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		var b strings.Builder
		for _, h := range rc.hellos {
			fmt.Fprintf(&b, "listener=%s sni=%s\n", h.Listener, h.SNI)
		}
		rc.mu.Unlock()
		plain(w, http.StatusOK, b.String())
	})

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			plain(w, http.StatusNotFound, "unknown control endpoint\n")
			return
		}
		eps := []string{"/requests", "/count", "/inflight", "/reset", "/handshakes", "/handshake-errors", "/tls"}
		sort.Strings(eps)
		plain(w, http.StatusOK, strings.Join(eps, "\n")+"\n")
	})
	return mux
}
