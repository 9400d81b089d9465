package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testToken = "0123456789abcdef0123456789abcdef01234567"

const want401 = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}` + "\n"
const want403 = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"system:serviceaccount:monitoring:pprof-gateway\" cannot get path \"/debug/pprof/heap\"","reason":"Forbidden","details":{},"code":403}` + "\n"

type env struct {
	t         *testing.T
	s         *apiserver
	srv       *httptest.Server
	ctl       *httptest.Server
	tokenFile string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	tf := filepath.Join(dir, "token")
	if err := os.WriteFile(tf, []byte(testToken+"\n"), 0600); err != nil {
		t.Fatal(err)
	}
	s := newAPIServer(tf)
	e := &env{t: t, s: s, tokenFile: tf}
	e.srv = httptest.NewServer(s.handler("main"))
	e.ctl = httptest.NewServer(controlHandler(s.rec))
	t.Cleanup(func() { e.srv.Close(); e.ctl.Close() })
	return e
}

type resp struct {
	code int
	hdr  http.Header
	body []byte
	err  error
}

func (e *env) do(method, path, token string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	r, err := c.Do(req)
	if err != nil {
		return resp{err: err}
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return resp{code: r.StatusCode, hdr: r.Header, body: b, err: err}
}

func (e *env) get(path string) resp { e.t.Helper(); return e.do("GET", path, testToken) }

func (e *env) control(path string) string {
	e.t.Helper()
	r, err := http.Get(e.ctl.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func (e *env) count(query string) string {
	e.t.Helper()
	return strings.TrimSpace(e.control("/count" + query))
}

func isGzip(b []byte) bool { return len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b }

func TestAuth(t *testing.T) {
	e := newEnv(t)
	for _, tok := range []string{"", "wrong"} {
		r := e.do("GET", "/debug/pprof/heap", tok)
		if r.code != 401 || string(r.body) != want401 || r.hdr.Get("Content-Type") != "application/json" {
			t.Errorf("token %q: %d %q %q", tok, r.code, r.body, r.hdr.Get("Content-Type"))
		}
	}
	if r := e.get("/debug/pprof/heap"); r.code != 200 || !isGzip(r.body) {
		t.Fatalf("valid token: %d", r.code)
	}
	// rotation: the file is re-read on every request
	os.WriteFile(e.tokenFile, []byte("  rotated-token\n"), 0600)
	if r := e.get("/debug/pprof/heap"); r.code != 401 {
		t.Errorf("old token after rotation: %d", r.code)
	}
	if r := e.do("GET", "/debug/pprof/heap", "rotated-token"); r.code != 200 {
		t.Errorf("new token after rotation: %d", r.code)
	}
	// auth applies to fault paths too, but never to echo
	if r := e.do("GET", "/faults/status/503/debug/pprof/heap", ""); r.code != 401 {
		t.Errorf("fault without token: %d", r.code)
	}
	if r := e.do("GET", "/faults/echo/debug/pprof/heap", ""); r.code != 200 {
		t.Errorf("echo without token: %d", r.code)
	}
	// the token never appears in the request log
	if strings.Contains(e.control("/requests?format=json"), "rotated-token") ||
		strings.Contains(e.control("/requests"), testToken) {
		t.Error("token in request log")
	}
	if got := e.count("?auth=absent"); got != "3" {
		t.Errorf("auth=absent count %s", got)
	}
}

func TestForbiddenAndNonPprof(t *testing.T) {
	e := newEnv(t)
	r := e.get("/forbidden/debug/pprof/heap")
	if r.code != 403 || string(r.body) != want403 {
		t.Errorf("403: %d %s", r.code, r.body)
	}
	r = e.get("/debug/pprof")
	if r.code != 302 || r.hdr.Get("Location") != "/debug/pprof/" {
		t.Errorf("redirect: %d %q", r.code, r.hdr.Get("Location"))
	}
	if r = e.do("PUT", "/debug/flags/v", testToken); r.code != 200 || string(r.body) != "verbosity changed\n" {
		t.Errorf("flags: %d %q", r.code, r.body)
	}
	if r = e.get("/api/v1/secrets"); r.code != 200 || !bytes.Contains(r.body, []byte("SecretList")) {
		t.Errorf("secrets: %d", r.code)
	}
	if r = e.get("/healthz"); r.code != 200 || string(r.body) != "ok" {
		t.Errorf("healthz: %d %q", r.code, r.body)
	}
	r = e.get("/apis/nothing")
	var st map[string]interface{}
	if r.code != 404 || json.Unmarshal(r.body, &st) != nil || st["reason"] != "NotFound" || st["code"].(float64) != 404 {
		t.Errorf("catch-all: %d %s", r.code, r.body)
	}
	if got := e.count("?prefix=/debug/flags"); got != "1" {
		t.Errorf("count prefix /debug/flags = %s", got)
	}
}

func TestPprof(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"allocs", "block", "goroutine", "heap", "mutex", "threadcreate"} {
		r := e.get("/debug/pprof/" + name)
		if r.code != 200 || !isGzip(r.body) || r.hdr.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("%s: %d %q", name, r.code, r.hdr.Get("Content-Type"))
		}
	}
	if r := e.get("/debug/pprof/goroutine?debug=1"); r.code != 200 || !bytes.HasPrefix(r.body, []byte("goroutine profile:")) {
		t.Errorf("goroutine debug=1: %d", r.code)
	}
	if r := e.get("/debug/pprof/"); r.code != 200 || !bytes.Contains(r.body, []byte("heap?debug=1")) {
		t.Errorf("index: %d", r.code)
	}
	if r := e.get("/debug/pprof/nope"); r.code != 404 || r.hdr.Get("X-Go-Pprof") != "1" {
		t.Errorf("unknown profile: %d", r.code)
	}
	if r := e.get("/debug/pprof/profile?seconds=1"); r.code != 200 || !isGzip(r.body) {
		t.Errorf("cpu profile: %d %s", r.code, r.body)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t)

	// slow: waits seconds= before the headers
	start := time.Now()
	r := e.get("/faults/slow/debug/pprof/heap?seconds=0.3")
	if r.code != 200 || !isGzip(r.body) || time.Since(start) < 300*time.Millisecond {
		t.Errorf("slow: %d after %v", r.code, time.Since(start))
	}

	// slowbody with seconds=: stalls, then completes with a valid profile
	start = time.Now()
	r = e.get("/faults/slowbody/debug/pprof/heap?seconds=0.3")
	if r.code != 200 || r.err != nil || time.Since(start) < 300*time.Millisecond {
		t.Errorf("slowbody: %d %v", r.code, r.err)
	} else if zr, err := gzip.NewReader(bytes.NewReader(r.body)); err != nil {
		t.Errorf("slowbody gzip: %v", err)
	} else if _, err := io.ReadAll(zr); err != nil {
		t.Errorf("slowbody gzip: %v", err)
	}

	// close: Content-Length announced, half sent, connection closed
	r = e.get("/faults/close/debug/pprof/heap")
	if r.code != 200 || !errors.Is(r.err, io.ErrUnexpectedEOF) || !isGzip(r.body) {
		t.Errorf("close: %d %v", r.code, r.err)
	}
	// closenolength: close-delimited, truncated gzip
	r = e.get("/faults/closenolength/debug/pprof/heap")
	if r.code != 200 || r.err != nil || !isGzip(r.body) {
		t.Errorf("closenolength: %d %v", r.code, r.err)
	} else if zr, err := gzip.NewReader(bytes.NewReader(r.body)); err == nil {
		if _, err := io.ReadAll(zr); err == nil {
			t.Error("closenolength: gzip is complete")
		}
	}

	r = e.get("/faults/garbage/debug/pprof/heap")
	if r.code != 200 || len(r.body) != garbageBytes || isGzip(r.body) || r.body[0] != 0x07 {
		t.Errorf("garbage: %d %d", r.code, len(r.body))
	}
	r = e.get("/faults/gzipgarbage/debug/pprof/heap")
	if r.code != 200 || !isGzip(r.body) {
		t.Errorf("gzipgarbage: %d", r.code)
	} else if zr, err := gzip.NewReader(bytes.NewReader(r.body)); err != nil {
		t.Errorf("gzipgarbage: %v", err)
	} else if b, err := io.ReadAll(zr); err != nil || len(b) != garbageBytes || b[0] != 0x07 {
		t.Errorf("gzipgarbage content: %v", err)
	}

	if r = e.get("/faults/badheader/debug/pprof/heap"); r.err == nil {
		t.Errorf("badheader: parsed as %d", r.code)
	}
	if r = e.get("/faults/badheaderline/debug/pprof/heap"); r.err == nil {
		t.Errorf("badheaderline: parsed as %d", r.code)
	}

	// hugeheader: Go's client refuses >1 MB only, so it parses
	r = e.get("/faults/hugeheader/debug/pprof/heap")
	if r.code != 200 || len(r.hdr.Get("X-Huge-Header")) != hugeHeaderBytes || !isGzip(r.body) {
		t.Errorf("hugeheader: %d %d", r.code, len(r.hdr.Get("X-Huge-Header")))
	}

	r = e.get("/faults/status/503/debug/pprof/heap")
	if r.code != 503 || string(r.body) != "fault 503\n" || r.hdr.Get("X-Go-Pprof") != "1" ||
		!strings.HasPrefix(r.hdr.Get("Content-Type"), "text/plain") {
		t.Errorf("status: %d %q", r.code, r.body)
	}
	if r = e.get("/faults/status/abc/debug/pprof/heap"); r.code != 404 {
		t.Errorf("status abc: %d", r.code)
	}

	r = e.get("/faults/cpubusy/debug/pprof/profile?seconds=30")
	if r.code != 500 || string(r.body) != "Could not enable CPU profiling: cpu profiling already in use\n" || r.hdr.Get("X-Go-Pprof") != "1" {
		t.Errorf("cpubusy: %d %q", r.code, r.body)
	}
	if r = e.get("/faults/cpubusy/debug/pprof/heap"); r.code != 200 || !isGzip(r.body) {
		t.Errorf("cpubusy heap: %d", r.code)
	}

	if r = e.get("/faults/nosuchmode/debug/pprof/heap"); r.code != 404 {
		t.Errorf("unknown mode: %d", r.code)
	}

	// oversized: 64 MiB announced; read a little and hang up
	req, _ := http.NewRequest("GET", e.srv.URL+"/faults/oversized/debug/pprof/heap", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 2)
	io.ReadFull(resp.Body, head)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != oversizedBytes || !isGzip(append(head, 0)) {
		t.Errorf("oversized: %d %d", resp.StatusCode, resp.ContentLength)
	}
	r = e.get("/faults/oversizedchunked/debug/pprof/heap")
	if r.code != 200 || len(r.body) != oversizedBytes {
		t.Errorf("oversizedchunked: %d %d", r.code, len(r.body))
	}
}

func TestEcho(t *testing.T) {
	e := newEnv(t)
	for tok, want := range map[string]string{testToken: "valid", "bad": "invalid", "": "absent"} {
		r := e.do("GET", "/faults/echo/debug/pprof/heap?gc=1&debug=0", tok)
		body := string(r.body)
		if r.code != 200 || !strings.HasSuffix(body, "authorization: "+want+"\n") ||
			!strings.Contains(body, "request: GET /faults/echo/debug/pprof/heap?gc=1&debug=0 HTTP/1.1\n") ||
			!strings.Contains(body, "query: gc=1&debug=0\n") || !strings.Contains(body, "header: host\n") {
			t.Errorf("echo %s: %d %s", want, r.code, body)
		}
		if tok != "" && strings.Contains(body, tok) {
			t.Errorf("echo leaks the token")
		}
		if (tok != "") != strings.Contains(body, "header: authorization\n") {
			t.Errorf("echo authorization header name: %s", body)
		}
	}
}

func TestControl(t *testing.T) {
	e := newEnv(t)
	e.get("/debug/pprof/heap")
	e.get("/debug/pprof/heap?gc=1")
	e.do("GET", "/debug/pprof/goroutine", "")
	e.do("PUT", "/debug/flags/v", testToken)

	for q, want := range map[string]string{
		"":                            "4",
		"?path=/debug/pprof/heap":     "2",
		"?path=/debug/pprof":          "0",
		"?prefix=/debug/pprof/":       "3",
		"?prefix=/debug/flags":        "1",
		"?method=PUT":                 "1",
		"?prefix=/debug/&auth=absent": "1",
		"?listener=main":              "4",
		"?listener=wrongname":         "0",
	} {
		if got := e.count(q); got != want {
			t.Errorf("count%s = %s, want %s", q, got, want)
		}
	}
	lines := e.control("/requests")
	want := "GET /debug/pprof/heap auth=valid\nGET /debug/pprof/heap?gc=1 auth=valid\n" +
		"GET /debug/pprof/goroutine auth=absent\nPUT /debug/flags/v auth=valid\n"
	if lines != want {
		t.Errorf("requests:\n%s", lines)
	}
	var recs []record
	if err := json.Unmarshal([]byte(e.control("/requests?format=json")), &recs); err != nil || len(recs) != 4 || recs[1].Query != "gc=1" {
		t.Errorf("requests json: %v %+v", err, recs)
	}

	// inflight: a slow request is counted while it runs, and released
	// as soon as its client goes away
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/faults/slow/debug/pprof/profile", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	done := make(chan struct{})
	go func() { http.DefaultClient.Do(req); close(done) }()
	waitFor(t, func() bool {
		return strings.TrimSpace(e.control("/inflight?path=/faults/slow/debug/pprof/profile")) == "1"
	})
	if got := strings.TrimSpace(e.control("/inflight?prefix=/faults/")); got != "1" {
		t.Errorf("inflight prefix = %s", got)
	}
	cancel()
	<-done
	waitFor(t, func() bool { return strings.TrimSpace(e.control("/inflight")) == "0" })

	if got := e.control("/reset"); got != "ok\n" {
		t.Errorf("reset: %q", got)
	}
	if got := e.count(""); got != "0" {
		t.Errorf("count after reset = %s", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 5 s")
}

// TestTLS runs gencerts.sh and checks what each listener's certificate
// proves to a verifying client.
func TestTLS(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl")
	}
	dir := t.TempDir()
	if out, err := exec.Command("./gencerts.sh", dir).CombinedOutput(); err != nil {
		t.Fatalf("gencerts.sh: %v\n%s", err, out)
	}
	tf := filepath.Join(dir, "token")
	os.WriteFile(tf, []byte(testToken), 0600)
	s := newAPIServer(tf)

	start := func(name, crt string) string {
		cert, err := tls.LoadX509KeyPair(filepath.Join(dir, crt+".crt"), filepath.Join(dir, crt+".key"))
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := s.newTLSServer(name, cert)
		go srv.ServeTLS(ln, "", "")
		t.Cleanup(func() { srv.Close() })
		return ln.Addr().String()
	}
	mainAddr := start("main", "server")
	wrongAddr := start("wrongname", "wrongname")
	selfAddr := start("selfsigned", "selfsigned")

	pool := func(f string) *x509.CertPool {
		p := x509.NewCertPool()
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !p.AppendCertsFromPEM(b) {
			t.Fatalf("%s: %v", f, err)
		}
		return p
	}
	try := func(addr, sni, ca string) error {
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool(ca), ServerName: sni})
		if err != nil {
			return err
		}
		defer c.Close()
		c.Write([]byte("GET /debug/pprof/heap HTTP/1.1\r\nHost: kubernetes.default.svc\r\nAuthorization: Bearer " + testToken + "\r\nConnection: close\r\n\r\n"))
		r, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return err
		}
		if r.StatusCode != 200 {
			return errors.New(r.Status)
		}
		return nil
	}
	for _, sni := range []string{"kubernetes.default.svc", "kubernetes.default", "localhost", "127.0.0.1"} {
		if err := try(mainAddr, sni, "ca.crt"); err != nil {
			t.Errorf("main as %s: %v", sni, err)
		}
	}
	if err := try(mainAddr, "kubernetes.default.svc", "other-ca.crt"); err == nil {
		t.Error("main verified with other-ca")
	}
	if err := try(wrongAddr, "kubernetes.default.svc", "ca.crt"); err == nil {
		t.Error("wrongname verified as kubernetes.default.svc")
	}
	if err := try(wrongAddr, "wrong.example", "ca.crt"); err != nil {
		t.Errorf("wrongname as wrong.example: %v", err)
	}
	if err := try(selfAddr, "kubernetes.default.svc", "ca.crt"); err == nil {
		t.Error("selfsigned verified with ca")
	}
	if err := try(selfAddr, "kubernetes.default.svc", "selfsigned.crt"); err != nil {
		t.Errorf("selfsigned with itself as CA: %v", err)
	}

	ctl := httptest.NewServer(controlHandler(s.rec))
	defer ctl.Close()
	get := func(p string) string {
		r, err := http.Get(ctl.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return strings.TrimSpace(string(b))
	}
	if got := get("/handshakes?listener=main&sni=kubernetes.default.svc"); got != "2" {
		t.Errorf("handshakes main kubernetes.default.svc = %s", got)
	}
	if got := get("/count?listener=main"); got != "4" {
		t.Errorf("requests on main = %s", got)
	}
	waitFor(t, func() bool { return get("/handshake-errors?listener=main") == "1" })
}

// The APIServer's proxy to kubelets and pods: each target answers with
// this process's runtime, counted under its own path; CPU profiles of two
// targets run at the same time.
func TestProxy(t *testing.T) {
	e := newEnv(t)
	e.s.cpuProfile = captureCPUProfile(100 * time.Millisecond)
	good := []struct{ path, kind string }{
		{"/api/v1/nodes/node-1/proxy/debug/pprof/heap", "node"},
		{"/api/v1/nodes/ip-10-0-0-1.ec2.internal/proxy/debug/pprof/goroutine", "node"},
		{"/api/v1/namespaces/kube-system/pods/etcd-0:2381/proxy/debug/pprof/heap", "pod"},
		{"/api/v1/namespaces/default/pods/web.app-1/proxy/debug/pprof/allocs", "pod"},
		{"/api/v1/namespaces/default/pods/https:web:6060/proxy/debug/pprof/heap", "pod"},
	}
	for _, g := range good {
		r := e.get(g.path)
		if r.code != 200 || !isGzip(r.body) || r.hdr.Get("X-Fake-Proxy") != g.kind {
			t.Errorf("%s: %d %q %q", g.path, r.code, r.hdr.Get("X-Fake-Proxy"), r.body)
		}
		if n := e.count("?path=" + g.path); n != "1" {
			t.Errorf("%s: counted %s times", g.path, n)
		}
	}
	if r := e.get("/api/v1/nodes/node-1/proxy/debug/pprof/"); r.code != 200 || !bytes.Contains(r.body, []byte("heap?debug=1")) {
		t.Errorf("node index: %d", r.code)
	}
	if r := e.get("/api/v1/nodes/node-1/proxy/debug/pprof/goroutine?debug=1"); r.code != 200 || !bytes.HasPrefix(r.body, []byte("goroutine profile:")) {
		t.Errorf("node goroutine debug=1: %d", r.code)
	}
	for _, bad := range []string{
		"/api/v1/nodes/Node-1/proxy/debug/pprof/heap",
		"/api/v1/nodes/-node/proxy/debug/pprof/heap",
		"/api/v1/nodes/a..b/proxy/debug/pprof/heap",
		"/api/v1/nodes/" + strings.Repeat("a", 254) + "/proxy/debug/pprof/heap",
		"/api/v1/nodes/node-1/debug/pprof/heap",
		"/api/v1/nodes/node-1/proxy/api/v1/secrets",
		"/api/v1/namespaces/default/pods/web:0/proxy/debug/pprof/heap",
		"/api/v1/namespaces/default/pods/web:65536/proxy/debug/pprof/heap",
		"/api/v1/namespaces/default/pods/web:80:80/proxy/debug/pprof/heap",
		"/api/v1/namespaces/Default/pods/web/proxy/debug/pprof/heap",
		"/api/v1/namespaces/default/services/web/proxy/debug/pprof/heap",
	} {
		if r := e.get(bad); r.code != 404 || r.hdr.Get("X-Fake-Proxy") != "" {
			t.Errorf("%s: %d, want 404", bad, r.code)
		}
	}
	if r := e.get("/api/v1/nodes/forbidden/proxy/debug/pprof/heap"); r.code != 403 || !bytes.Contains(r.body, []byte(`cannot get resource \"nodes/proxy\"`)) {
		t.Errorf("forbidden node: %d %s", r.code, r.body)
	}
	if r := e.get("/api/v1/namespaces/default/pods/forbidden:80/proxy/debug/pprof/heap"); r.code != 403 || !bytes.Contains(r.body, []byte(`cannot get resource \"pods/proxy\"`)) {
		t.Errorf("forbidden pod: %d %s", r.code, r.body)
	}
	// two targets' CPU profiles at once, both complete
	start := time.Now()
	done := make(chan resp, 2)
	for _, p := range []string{"/api/v1/nodes/a/proxy/debug/pprof/profile?seconds=1",
		"/api/v1/nodes/b/proxy/debug/pprof/profile?seconds=1"} {
		go func(p string) { done <- e.get(p) }(p)
	}
	for i := 0; i < 2; i++ {
		if r := <-done; r.code != 200 || !isGzip(r.body) {
			t.Errorf("concurrent CPU profile: %d %s", r.code, r.body)
		}
	}
	if d := time.Since(start); d < time.Second || d >= 2*time.Second {
		t.Errorf("two 1 s CPU profiles of two targets took %v: not at once", d)
	}
}
