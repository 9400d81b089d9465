package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

func TestHostileFaults(t *testing.T) {
	e := newEnv(t)

	// gzipjunk: one whole gzip member, then bytes that are no member
	r := e.get("/faults/gzipjunk/debug/pprof/heap")
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if r.code != 200 || err != nil {
		t.Fatalf("gzipjunk: %d %v", r.code, err)
	}
	zr.Multistream(false)
	if _, err := io.Copy(io.Discard, zr); err != nil {
		t.Errorf("gzipjunk: first member: %v", err)
	}
	zr2, _ := gzip.NewReader(bytes.NewReader(r.body))
	if _, err := io.Copy(io.Discard, zr2); err == nil {
		t.Errorf("gzipjunk: no garbage after the member")
	}

	// crafted profiles: gzip around a protobuf
	for _, kind := range []string{"badindex", "hugelength", "hugevalues"} {
		r := e.get("/faults/" + kind + "/debug/pprof/heap")
		zr, err := gzip.NewReader(bytes.NewReader(r.body))
		if r.code != 200 || err != nil {
			t.Errorf("%s: %d %v", kind, r.code, err)
			continue
		}
		if b, err := io.ReadAll(zr); err != nil || len(b) < 20 {
			t.Errorf("%s: %d bytes, %v", kind, len(b), err)
		}
	}

	// trickle: the whole profile, byte by byte
	r = e.get("/faults/trickle/debug/pprof/cmdline?seconds=0.0001")
	if r.code != 200 || r.err != nil || len(r.body) == 0 ||
		r.hdr.Get("Content-Length") == "" {
		t.Errorf("trickle: %d %v %d", r.code, r.err, len(r.body))
	}

	// shortbody: more announced than sent, then the connection aborts
	r = e.get("/faults/shortbody/debug/pprof/heap?seconds=0.01")
	if r.code != 200 || r.err == nil {
		t.Errorf("shortbody: %d %v", r.code, r.err)
	}

	// endless: 4 MiB read, and it goes on
	req, _ := http.NewRequest("GET", e.srv.URL+"/faults/endless/debug/pprof/heap", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.CopyN(io.Discard, resp.Body, 4<<20)
	resp.Body.Close()
	if resp.StatusCode != 200 || n != 4<<20 || err != nil {
		t.Errorf("endless: %d %d %v", resp.StatusCode, n, err)
	}
}
