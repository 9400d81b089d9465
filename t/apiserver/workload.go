package main

import (
	"compress/gzip"
	"context"
	"io"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// Background work so that every profile type has real content. The
// function names are stable so tests can look for them in rendered
// output: main.workAlloc (heap/allocs), main.workRecurse (CPU, deep
// recursive stacks), main.workContend (mutex, block), main.workBlock
// (block, goroutine), main.workPark (goroutine; labelled role=park, so
// that the goroutine profile has labels for tagfocus and tagignore).

var sink [][]byte // keeps allocations live for inuse_* samples

func startWorkload(stop <-chan struct{}, busyPercent int) {
	ready := make(chan struct{})
	go workAlloc(stop, ready)
	<-ready
	if busyPercent > 0 {
		if busyPercent > 90 {
			busyPercent = 90
		}
		go workRecurse(stop, busyPercent)
	}
	var mu sync.Mutex
	for i := 0; i < 4; i++ {
		go workContend(stop, &mu)
	}
	ch := make(chan int)
	go workBlock(stop, ch)
	go workFeed(stop, ch)
	for i := 0; i < 8; i++ {
		go workPark(stop)
	}
}

// workAlloc fills its ring and packs it (workPack) before ready is closed,
// and two collections publish both: a heap profile's inuse_* counts come
// from the last completed GC cycle, and with the ring sampled at
// MemProfileRate (set in main) the first profile a test asks for already
// has main.workAlloc in it, instead of only after the runtime's first
// natural GC (seconds later) and only when one of the ~2.6 blocks a
// 512 KiB rate samples is still live.
//
//go:noinline
func workAlloc(stop <-chan struct{}, ready chan<- struct{}) {
	const keep = 128
	ring := make([][]byte, keep)
	i := 0
	for ; i < keep; i++ {
		ring[i] = allocBlock(1024 << (i % 6))
	}
	sink = ring
	workPack(ring)
	runtime.GC()
	runtime.GC()
	close(ready)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for ; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		size := 1024 << (i % 6) // 1 KiB .. 32 KiB
		ring[i%keep] = allocBlock(size)
	}
}

// workPack gzips the ring once, so that the heap's call graph has more
// than one chain from its first profile: main.workPack, gzip and flate
// down to an inlined callee ((*compressor).init -> newDeflateFast), each
// of those allocations 64 KiB or more, so always sampled at 4 KiB.
//
//go:noinline
func workPack(ring [][]byte) {
	zw, err := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	if err != nil {
		panic(err)
	}
	for _, b := range ring {
		if _, err := zw.Write(b); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
}

//go:noinline
func allocBlock(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// workRecurse burns busyPercent of one CPU in a recursive function.
//
//go:noinline
func workRecurse(stop <-chan struct{}, busyPercent int) {
	const period = 100 * time.Millisecond
	busy := period * time.Duration(busyPercent) / 100
	for {
		select {
		case <-stop:
			return
		default:
		}
		start := time.Now()
		for time.Since(start) < busy {
			recurse(18)
		}
		time.Sleep(period - busy)
	}
}

var recurseSink int

//go:noinline
func recurse(n int) int {
	if n < 2 {
		return n
	}
	r := recurse(n-1) + recurse(n-2)
	recurseSink = r
	return r
}

//go:noinline
func workContend(stop <-chan struct{}, mu *sync.Mutex) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		mu.Lock()
		holdLock()
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
	}
}

//go:noinline
func holdLock() {
	time.Sleep(time.Millisecond)
}

//go:noinline
func workBlock(stop <-chan struct{}, ch <-chan int) {
	for {
		select {
		case <-stop:
			return
		case <-ch:
		}
	}
}

//go:noinline
func workFeed(stop <-chan struct{}, ch chan<- int) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
		select {
		case <-stop:
			return
		case ch <- i:
		}
	}
}

//go:noinline
func workPark(stop <-chan struct{}) {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(),
		pprof.Labels("role", "park")))
	<-stop
}
