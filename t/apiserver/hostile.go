package main

import (
	"encoding/binary"
	"math"
	"math/rand"
	"net/http"
	"strconv"
	"time"
)

// Hostile upstream bodies: ones that never end, that trickle, that lie
// about their length, and profiles crafted to be malformed in the ways a
// decoder must survive.

const (
	endlessChunk  = 64 << 10          // /faults/endless/: bytes per write
	trickleEvery  = time.Second       // /faults/trickle/ without seconds=
	shortbodyMore = 4096              // /faults/shortbody/: bytes promised, never sent
	shortbodyHang = 120 * time.Second // /faults/shortbody/ without seconds=
)

// endless streams gzip magic then random bytes, chunked, until the
// client leaves: a body that never ends
func (s *apiserver) endless(w http.ResponseWriter, r *http.Request, name string) {
	profileHeaders(w.Header(), name)
	w.WriteHeader(http.StatusOK)
	chunk := make([]byte, endlessChunk)
	rand.Read(chunk)
	first := append([]byte{0x1f, 0x8b, 0x08, 0x00}, chunk[4:]...)
	for b := first; ; b = chunk {
		if _, err := w.Write(b); err != nil {
			return
		}
		if r.Context().Err() != nil {
			return
		}
	}
}

// trickle sends a valid profile (Content-Length announced) one byte per
// interval (seconds=, default 1 s) until done or the client leaves
func (s *apiserver) trickle(w http.ResponseWriter, r *http.Request, name string) {
	d, _ := waitParam(r, trickleEvery)
	data := s.validProfile(name)
	profileHeaders(w.Header(), name)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	f := w.(http.Flusher)
	for i := range data {
		if _, err := w.Write(data[i : i+1]); err != nil {
			return
		}
		f.Flush()
		if !sleepCtx(r.Context(), d) {
			return
		}
	}
}

// shortbody announces shortbodyMore bytes more than it sends, then holds
// the connection open (seconds=, default 120 s) and aborts it
func (s *apiserver) shortbody(w http.ResponseWriter, r *http.Request, name string) {
	d, _ := waitParam(r, shortbodyHang)
	data := s.validProfile(name)
	profileHeaders(w.Header(), name)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)+shortbodyMore))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	w.(http.Flusher).Flush()
	sleepCtx(r.Context(), d)
	panic(http.ErrAbortHandler)
}

// protobuf wire format, enough to craft profiles by hand

func pbVarint(b []byte, v uint64) []byte {
	return binary.AppendUvarint(b, v)
}

func pbInt(b []byte, field int, v uint64) []byte {
	return pbVarint(pbVarint(b, uint64(field)<<3), v)
}

func pbBytes(b []byte, field int, data []byte) []byte {
	b = pbVarint(b, uint64(field)<<3|2)
	return append(pbVarint(b, uint64(len(data))), data...)
}

func pbPacked(b []byte, field int, vs ...uint64) []byte {
	var p []byte
	for _, v := range vs {
		p = pbVarint(p, v)
	}
	return pbBytes(b, field, p)
}

// craftedProfile is a gzip profile.proto, broken as kind says:
//
//	badindex    a sample type naming string 1000 of 5, a sample at an
//	            unknown location, a line of an unknown function
//	hugelength  a sample whose packed values claim 2^40 bytes
//	hugevalues  well formed, two samples of math.MaxInt64 each: the sum
//	            overflows int64
func craftedProfile(kind string) []byte {
	strs := []string{"", "samples", "count", "main.crafted", "crafted.go"}
	sampleType := 1
	loc, fn := uint64(1), uint64(1)
	var samples [][]byte
	switch kind {
	case "badindex":
		sampleType = 1000
		loc, fn = 99, 77
		samples = append(samples, pbInt(pbPacked(nil, 1, loc), 2, 5))
	case "hugelength":
		s := pbPacked(nil, 1, 1)
		s = pbVarint(s, 2<<3|2)
		s = pbVarint(s, 1<<40)
		s = append(s, 1, 2, 3)
		samples = append(samples, s)
	default: // hugevalues
		for i := 0; i < 2; i++ {
			samples = append(samples,
				pbPacked(pbPacked(nil, 1, 1), 2, uint64(math.MaxInt64)))
		}
	}
	var p []byte
	p = pbBytes(p, 1, pbInt(pbInt(nil, 1, uint64(sampleType)), 2, 2))
	for _, s := range samples {
		p = pbBytes(p, 2, s)
	}
	p = pbBytes(p, 4, pbBytes(pbInt(nil, 1, 1), 4, pbInt(pbInt(nil, 1, fn), 2, 10)))
	p = pbBytes(p, 5, pbInt(pbInt(pbInt(nil, 1, 1), 2, 3), 4, 4))
	for _, str := range strs {
		p = pbBytes(p, 6, []byte(str))
	}
	return gzipBytes(p)
}

// hostileFault serves the modes above; false if mode is not one of them
func (s *apiserver) hostileFault(w http.ResponseWriter, r *http.Request, mode, name string) bool {
	switch mode {
	case "endless":
		s.endless(w, r, name)
	case "trickle":
		s.trickle(w, r, name)
	case "shortbody":
		s.shortbody(w, r, name)
	case "gzipjunk":
		// a complete gzip member, then garbage that is no gzip member
		profileHeaders(w.Header(), name)
		w.Write(append(append([]byte(nil), s.validProfile(name)...), garbage(garbageBytes)...))
	case "badindex", "hugelength", "hugevalues":
		profileHeaders(w.Header(), name)
		w.Write(craftedProfile(mode))
	default:
		return false
	}
	return true
}
