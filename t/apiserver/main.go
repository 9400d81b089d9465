// Command fake-apiserver imitates the parts of the Kubernetes APIServer that
// ngx_http_pprof_module talks to: /debug/pprof/* served by the real
// net/http/pprof handlers over TLS, bearer-token authentication against a
// token file, RBAC-style 403s, paths the gateway must never forward, and a
// set of fault modes selected by path prefix. A plain-HTTP control API on
// loopback reports what reached the TLS listeners.
//
// Standard library only. See t/run.sh for how the test suites start it.
package main

import (
	"bytes"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// listenerSpec is one TLS listener: which address, which certificate.
type listenerSpec struct {
	name    string // main, wrongname, selfsigned
	addr    string
	cert    string // file name in -certs
	key     string
	portVar string // variable name written to the ports file
}

func main() {
	var (
		listen      = flag.String("listen", "127.0.0.1:0", "main TLS listener (server.crt: good CA, good names); \"\" disables")
		listenWrong = flag.String("listen-wrongname", "127.0.0.1:0", "TLS listener with wrongname.crt (good CA, SAN DNS:wrong.example only); \"\" disables")
		listenSelf  = flag.String("listen-selfsigned", "127.0.0.1:0", "TLS listener with selfsigned.crt (good names, untrusted); \"\" disables")
		control     = flag.String("control", "127.0.0.1:0", "plain-HTTP control API (loopback only); \"\" disables")
		certsDir    = flag.String("certs", "", "directory written by gencerts.sh (required)")
		tokenFile   = flag.String("token-file", "", "file holding the expected bearer token, re-read on every request (required)")
		portsFile   = flag.String("ports-file", "", "write shell-sourceable TEST_NGINX_APISERVER_*_PORT=... here once all listeners are up")
		maxLifetime = flag.Duration("max-lifetime", 2*time.Hour, "exit by itself after this long (0 = never)")
		exitParent  = flag.Bool("exit-with-parent", false, "exit when the parent process goes away")
		busyPercent = flag.Int("busy-percent", 10, "CPU duty cycle of the background recursion (for CPU profiles)")
		noTickets   = flag.Bool("no-session-tickets", false, "disable TLS session resumption (tickets) on the TLS listeners")
		verbose     = flag.Bool("v", false, "log every request (method, path, auth state; never the token) and TLS handshake errors")
	)
	flag.Parse()
	ppid := os.Getppid()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("fake-apiserver: ")

	if *certsDir == "" || *tokenFile == "" {
		fmt.Fprintln(os.Stderr, "fake-apiserver: -certs and -token-file are required")
		flag.Usage()
		os.Exit(2)
	}
	if _, err := os.Stat(*tokenFile); err != nil {
		log.Fatalf("token file: %v", err)
	}

	// Profiles with real content: block and mutex profiling on (like
	// --contention-profiling), heap samples every 4 KiB (the workload's
	// live ring is ~1.3 MiB: hundreds of samples, never none), and a
	// little background work.
	runtime.MemProfileRate = 4096
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	stop := make(chan struct{})
	startWorkload(stop, *busyPercent)

	s := newAPIServer(*tokenFile)
	s.verbose = *verbose
	s.noTickets = *noTickets
	// A real CPU profile for the fault modes that need "a valid profile"
	// of type profile; taken before any listener exists so it can never
	// collide with a CPU profile requested by a test.
	s.cpuProfile = captureCPUProfile(500 * time.Millisecond)

	specs := []listenerSpec{
		{"main", *listen, "server.crt", "server.key", "TEST_NGINX_APISERVER_PORT"},
		{"wrongname", *listenWrong, "wrongname.crt", "wrongname.key", "TEST_NGINX_APISERVER_WRONGNAME_PORT"},
		{"selfsigned", *listenSelf, "selfsigned.crt", "selfsigned.key", "TEST_NGINX_APISERVER_SELFSIGNED_PORT"},
	}

	var servers []*http.Server
	var ports bytes.Buffer
	var summary []string
	errc := make(chan error, 8)

	for _, sp := range specs {
		if sp.addr == "" {
			continue
		}
		cert, err := tls.LoadX509KeyPair(filepath.Join(*certsDir, sp.cert), filepath.Join(*certsDir, sp.key))
		if err != nil {
			log.Fatalf("%s listener: %v", sp.name, err)
		}
		ln, err := net.Listen("tcp", sp.addr)
		if err != nil {
			log.Fatalf("%s listener: %v", sp.name, err)
		}
		srv := s.newTLSServer(sp.name, cert)
		servers = append(servers, srv)
		port := ln.Addr().(*net.TCPAddr).Port
		fmt.Fprintf(&ports, "%s=%d\n", sp.portVar, port)
		summary = append(summary, fmt.Sprintf("%s=%s", sp.name, ln.Addr()))
		go func(srv *http.Server, ln net.Listener) {
			errc <- srv.ServeTLS(ln, "", "")
		}(srv, ln)
	}

	if *control != "" {
		host, _, err := net.SplitHostPort(*control)
		if err != nil {
			log.Fatalf("control listener: %v", err)
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			log.Fatalf("control listener must be on loopback, not %q", host)
		}
		ln, err := net.Listen("tcp", *control)
		if err != nil {
			log.Fatalf("control listener: %v", err)
		}
		srv := &http.Server{
			Handler:           controlHandler(s.rec),
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          log.New(os.Stderr, "fake-apiserver: control: ", log.LstdFlags),
		}
		servers = append(servers, srv)
		fmt.Fprintf(&ports, "TEST_NGINX_APISERVER_CONTROL_PORT=%d\n", ln.Addr().(*net.TCPAddr).Port)
		summary = append(summary, fmt.Sprintf("control=%s", ln.Addr()))
		go func() { errc <- srv.Serve(ln) }()
	}
	if len(servers) == 0 {
		log.Fatal("no listeners")
	}
	fmt.Fprintf(&ports, "TEST_NGINX_APISERVER_PID=%d\n", os.Getpid())

	if *portsFile != "" {
		if err := writeFileAtomic(*portsFile, ports.Bytes()); err != nil {
			log.Fatalf("ports file: %v", err)
		}
	}
	log.Printf("up (pid %d): %s", os.Getpid(), strings.Join(summary, " "))

	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	var lifetime <-chan time.Time
	if *maxLifetime > 0 {
		lifetime = time.After(*maxLifetime)
	}
	parentGone := make(chan struct{})
	if *exitParent {
		go watchParent(ppid, parentGone)
	}

	status := 0
	select {
	case sig := <-sigc:
		log.Printf("%v: exiting", sig)
	case <-lifetime:
		log.Printf("max lifetime %v reached: exiting", *maxLifetime)
	case <-parentGone:
		log.Printf("parent process gone: exiting")
	case err := <-errc:
		log.Printf("listener failed: %v", err)
		status = 1
	}
	close(stop)
	for _, srv := range servers {
		srv.Close() // not Shutdown: a 30 s CPU profile must not delay exit
	}
	if *portsFile != "" {
		os.Remove(*portsFile)
	}
	os.Exit(status)
}

// newTLSServer builds the http.Server of one TLS listener.
func (s *apiserver) newTLSServer(name string, cert tls.Certificate) *http.Server {
	rec := s.rec
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
		// Resumption is on by default, as in the real APIServer. Note
		// that a client resuming a session skips certificate checks.
		SessionTicketsDisabled: s.noTickets,
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			rec.addHello(name, hello.ServerName)
			return nil, nil
		},
	}
	return &http.Server{
		Handler:   s.handler(name),
		TLSConfig: cfg,
		// HTTP/1.x only: the gateway speaks HTTP/1.x, and the hijacking
		// fault modes need it (curl would otherwise negotiate h2).
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){},
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       120 * time.Second,
		// WriteTimeout stays 0: net/http/pprof refuses profiles longer
		// than it, and a 30 s CPU profile must work.
		ErrorLog: log.New(&errorLogWriter{rec: rec, listener: name, verbose: s.verbose}, "", 0),
	}
}

// errorLogWriter counts failed TLS handshakes per listener (the expected
// outcome of the wrong-CA / wrong-name tests) and passes other server
// errors to stderr.
type errorLogWriter struct {
	rec      *recorder
	listener string
	verbose  bool
}

func (e *errorLogWriter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("TLS handshake error")) {
		e.rec.addHandshakeError(e.listener)
		if !e.verbose {
			return len(p), nil
		}
	}
	log.Printf("%s: %s", e.listener, bytes.TrimRight(p, "\n"))
	return len(p), nil
}

func captureCPUProfile(d time.Duration) []byte {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		log.Printf("startup CPU profile: %v", err)
		return nil
	}
	time.Sleep(d)
	pprof.StopCPUProfile()
	return buf.Bytes()
}

func watchParent(ppid int, gone chan<- struct{}) {
	for {
		time.Sleep(500 * time.Millisecond)
		if os.Getppid() != ppid {
			close(gone)
			return
		}
	}
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
