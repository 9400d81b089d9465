package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	"net/http/pprof"
	"os"
	rpprof "runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The identity named in 403 answers (what the gateway's ServiceAccount is).
const saUser = "system:serviceaccount:monitoring:pprof-gateway"

const (
	defaultSlow     = 5 * time.Second   // /faults/slow/ without seconds=
	slowBodyStall   = 120 * time.Second // /faults/slowbody/ without seconds=
	maxFaultWait    = 600 * time.Second
	oversizedBytes  = 64 << 20 // /faults/oversized*/
	hugeHeaderBytes = 64 << 10 // /faults/hugeheader/
	garbageBytes    = 4096
)

type apiserver struct {
	tokenFile  string
	rec        *recorder
	pprofMux   *http.ServeMux
	cpuProfile []byte // a real CPU profile, captured at startup
	verbose    bool
	noTickets  bool
}

func newAPIServer(tokenFile string) *apiserver {
	// Mounted as the APIServer does (k8s.io/apiserver routes/profiling.go),
	// plus explicit named handlers and cmdline as asked for.
	m := http.NewServeMux()
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	for _, name := range []string{"allocs", "block", "goroutine", "heap", "mutex", "threadcreate"} {
		m.Handle("/debug/pprof/"+name, pprof.Handler(name))
	}
	return &apiserver{tokenFile: tokenFile, rec: newRecorder(), pprofMux: m}
}

type authState string

const (
	authAbsent  authState = "absent"
	authInvalid authState = "invalid"
	authValid   authState = "valid"
)

// checkAuth compares the bearer token with the token file, read afresh on
// every request so that tests can rotate it. Like the APIServer's bearer
// authenticator the scheme is case-insensitive.
func (s *apiserver) checkAuth(r *http.Request) authState {
	h := r.Header.Values("Authorization")
	if len(h) == 0 {
		return authAbsent
	}
	if len(h) != 1 {
		return authInvalid
	}
	parts := strings.Fields(h[0])
	if len(parts) != 2 || !strings.EqualFold(parts[0], "bearer") {
		return authInvalid
	}
	data, err := os.ReadFile(s.tokenFile)
	if err != nil {
		log.Printf("token file: %v", err)
		return authInvalid
	}
	want := bytes.TrimSpace(data)
	if len(want) == 0 {
		log.Printf("token file %s is empty", s.tokenFile)
		return authInvalid
	}
	if subtle.ConstantTimeCompare([]byte(parts[1]), want) != 1 {
		return authInvalid
	}
	return authValid
}

func (s *apiserver) handler(listener string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serve(listener, w, r)
	})
}

func (s *apiserver) serve(listener string, w http.ResponseWriter, r *http.Request) {
	auth := s.checkAuth(r)
	path := r.URL.Path
	rec := record{
		Time:     time.Now(),
		Listener: listener,
		Method:   r.Method,
		Path:     path,
		Query:    r.URL.RawQuery,
		Auth:     string(auth),
		Proto:    r.Proto,
	}
	if r.TLS != nil {
		rec.SNI = r.TLS.ServerName
	}
	s.rec.add(rec)
	s.rec.enter(path)
	defer s.rec.leave(path)
	if s.verbose {
		log.Printf("%s: %s", listener, rec.line())
	}

	// echo reports the authentication state instead of enforcing it
	if path == "/faults/echo" || strings.HasPrefix(path, "/faults/echo/") {
		s.echo(w, r, auth)
		return
	}
	if auth != authValid {
		writeStatus(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized", false)
		return
	}
	switch {
	case strings.HasPrefix(path, "/forbidden/"):
		inner := strings.TrimPrefix(path, "/forbidden")
		verb := strings.ToLower(r.Method)
		if r.Method == http.MethodHead {
			verb = "get"
		}
		writeStatus(w, http.StatusForbidden,
			fmt.Sprintf("forbidden: User %q cannot %s path %q", saUser, verb, inner),
			"Forbidden", true)
	case strings.HasPrefix(path, "/faults/"):
		s.fault(w, r, path)
	case strings.HasPrefix(path, "/api/v1/") && s.proxy(w, r, path):
	default:
		s.route(w, r, path)
	}
}

// writeStatus writes a Kubernetes metav1.Status, field order as the
// APIServer's encoder produces it, followed by a newline.
func writeStatus(w http.ResponseWriter, code int, message, reason string, details bool) {
	msg, _ := json.Marshal(message)
	d := ""
	if details {
		d = `"details":{},`
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":%s,"reason":"%s",%s"code":%d}`+"\n",
		msg, reason, d, code)
}

func text(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	fmt.Fprint(w, body)
}

// route serves an authenticated, non-fault path (or the inner path of a
// fault that falls through to normal behaviour).
func (s *apiserver) route(w http.ResponseWriter, r *http.Request, path string) {
	switch {
	case path == "/debug/pprof":
		http.Redirect(w, r, "/debug/pprof/", http.StatusFound)
	case strings.HasPrefix(path, "/debug/pprof/"):
		if path != r.URL.Path {
			r2 := r.Clone(r.Context())
			r2.URL.Path = path
			r2.URL.RawPath = ""
			r = r2
		}
		s.pprofMux.ServeHTTP(w, r)
	case path == "/debug/flags/v":
		// the APIServer's verbosity knob (PUT): the gateway must never reach it
		text(w, http.StatusOK, "verbosity changed\n")
	case path == "/api/v1/secrets" || strings.HasPrefix(path, "/api/v1/secrets/"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"canary","namespace":"kube-system"},"data":{"canary":"Y2FuYXJ5LXNlY3JldA=="},"type":"Opaque"}]}`+"\n")
	case path == "/healthz" || path == "/livez" || path == "/readyz":
		text(w, http.StatusOK, "ok")
	default:
		writeStatus(w, http.StatusNotFound, "the server could not find the requested resource", "NotFound", true)
	}
}

// profileName is the <name> of an inner path /debug/pprof/<name>, or "".
func profileName(inner string) string {
	if !strings.HasPrefix(inner, "/debug/pprof/") {
		return ""
	}
	return strings.TrimPrefix(inner, "/debug/pprof/")
}

// validProfile returns a complete gzip-compressed profile for name: a fresh
// runtime profile for allocs/block/goroutine/heap/mutex/threadcreate, the
// startup CPU profile for "profile", and a heap profile for anything else.
func (s *apiserver) validProfile(name string) []byte {
	if name == "profile" && len(s.cpuProfile) > 0 {
		return s.cpuProfile
	}
	p := rpprof.Lookup(name)
	if p == nil {
		p = rpprof.Lookup("heap")
	}
	var buf bytes.Buffer
	p.WriteTo(&buf, 0)
	return buf.Bytes()
}

func profileHeaders(h http.Header, name string) {
	if name == "" {
		name = "profile"
	}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	h.Set("X-Content-Type-Options", "nosniff")
}

// waitParam is the seconds= argument (float accepted) or def.
func waitParam(r *http.Request, def time.Duration) (time.Duration, bool) {
	v := r.URL.Query().Get("seconds")
	if v == "" {
		return def, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return def, false
	}
	d := time.Duration(f * float64(time.Second))
	if d > maxFaultWait {
		d = maxFaultWait
	}
	return d, true
}

// sleepCtx waits d; false if the client went away first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// garbage returns n random bytes that are neither gzip (no 1f 8b magic)
// nor a protobuf message (the first byte is a tag with wire type 7).
func garbage(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	b[0] = 0x07
	return b
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// fault serves /faults/<mode>/<inner path>.
func (s *apiserver) fault(w http.ResponseWriter, r *http.Request, path string) {
	rest := strings.TrimPrefix(path, "/faults/")
	mode, inner, _ := strings.Cut(rest, "/")
	inner = "/" + inner
	name := profileName(inner)
	ctx := r.Context()

	if s.hostileFault(w, r, mode, name) {
		return
	}

	switch mode {
	case "slow":
		// wait before the headers, then a complete profile
		d, _ := waitParam(r, defaultSlow)
		if !sleepCtx(ctx, d) {
			return
		}
		if name == "" {
			s.route(w, r, inner)
			return
		}
		data := s.validProfile(name)
		profileHeaders(w.Header(), name)
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)

	case "slowbody":
		// headers and half of a profile, then a stall: with seconds= the
		// rest follows after that long, without it the connection is
		// aborted after slowBodyStall (or as soon as the client leaves)
		data := s.validProfile(name)
		profileHeaders(w.Header(), name)
		w.WriteHeader(http.StatusOK)
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		d, finish := waitParam(r, slowBodyStall)
		if !sleepCtx(ctx, d) {
			return
		}
		if !finish {
			panic(http.ErrAbortHandler)
		}
		w.Write(data[len(data)/2:])

	case "close", "closenolength":
		// headers and half of a gzip profile, then the TCP connection
		// is closed; "close" announces the full Content-Length,
		// "closenolength" sends a close-delimited body
		data := s.validProfile(name)
		var hdr strings.Builder
		hdr.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n")
		if mode == "close" {
			fmt.Fprintf(&hdr, "Content-Length: %d\r\n", len(data))
		}
		hdr.WriteString("Connection: close\r\n\r\n")
		s.hijackWrite(w, []byte(hdr.String()), data[:len(data)/2])

	case "garbage":
		profileHeaders(w.Header(), name)
		w.Write(garbage(garbageBytes))

	case "gzipgarbage":
		profileHeaders(w.Header(), name)
		w.Write(gzipBytes(garbage(garbageBytes)))

	case "badheader":
		// an invalid status line and an invalid header line
		s.hijackWrite(w, []byte("HTTP/1.1 2x0 Not A Status\r\nContent-Type application/octet-stream\r\n\x01\x02 junk\r\n\r\n"), garbage(64))

	case "badheaderline":
		// a valid status line, then a header line without a colon
		s.hijackWrite(w, []byte("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-Broken header line\r\n\r\n"), s.validProfile(name))

	case "oversized", "oversizedchunked":
		// 64 MiB: gzip magic then incompressible bytes; "oversized"
		// announces Content-Length up front, "oversizedchunked" does not
		profileHeaders(w.Header(), name)
		if mode == "oversized" {
			w.Header().Set("Content-Length", strconv.Itoa(oversizedBytes))
		}
		w.WriteHeader(http.StatusOK)
		chunk := make([]byte, 1<<20)
		rand.Read(chunk)
		first := append([]byte{0x1f, 0x8b, 0x08, 0x00}, chunk[4:]...)
		for sent := 0; sent < oversizedBytes; sent += len(chunk) {
			b := chunk
			if sent == 0 {
				b = first
			}
			if _, err := w.Write(b); err != nil {
				return
			}
		}

	case "hugeheader":
		profileHeaders(w.Header(), name)
		w.Header().Set("X-Huge-Header", strings.Repeat("h", hugeHeaderBytes))
		w.Write(s.validProfile(name))

	case "status":
		// /faults/status/<code>/debug/pprof/<name>
		codeStr, _, _ := strings.Cut(strings.TrimPrefix(inner, "/"), "/")
		code, err := strconv.Atoi(codeStr)
		if err != nil || code < 200 || code > 599 {
			writeStatus(w, http.StatusNotFound, "the server could not find the requested resource", "NotFound", true)
			return
		}
		w.Header().Set("X-Go-Pprof", "1")
		text(w, code, fmt.Sprintf("fault %d\n", code))

	case "cpubusy":
		// what net/http/pprof answers when a CPU profile is already running
		if name != "profile" {
			s.route(w, r, inner)
			return
		}
		w.Header().Set("X-Go-Pprof", "1")
		text(w, http.StatusInternalServerError, "Could not enable CPU profiling: cpu profiling already in use\n")

	default:
		writeStatus(w, http.StatusNotFound, "the server could not find the requested resource", "NotFound", true)
	}
}

// hijackWrite takes over the connection, writes the given raw bytes and
// closes it without any further framing.
func (s *apiserver) hijackWrite(w http.ResponseWriter, parts ...[]byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		text(w, http.StatusInternalServerError, "cannot hijack\n")
		return
	}
	conn, bufrw, err := hj.Hijack()
	if err != nil {
		log.Printf("hijack: %v", err)
		return
	}
	defer conn.Close()
	conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	for _, p := range parts {
		bufrw.Write(p)
	}
	bufrw.Flush()
}

// echo describes the request it received without revealing the token.
func (s *apiserver) echo(w http.ResponseWriter, r *http.Request, auth authState) {
	var b strings.Builder
	fmt.Fprintf(&b, "request: %s %s %s\n", r.Method, r.RequestURI, r.Proto)
	fmt.Fprintf(&b, "path: %s\n", r.URL.Path)
	fmt.Fprintf(&b, "query: %s\n", r.URL.RawQuery)
	fmt.Fprintf(&b, "host: %s\n", r.Host)
	sni := ""
	if r.TLS != nil {
		sni = r.TLS.ServerName
	}
	fmt.Fprintf(&b, "sni: %s\n", sni)
	names := []string{"host"}
	for k, v := range r.Header {
		for range v {
			names = append(names, strings.ToLower(k))
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "header: %s\n", n)
	}
	fmt.Fprintf(&b, "authorization: %s\n", auth)
	text(w, http.StatusOK, b.String())
}
