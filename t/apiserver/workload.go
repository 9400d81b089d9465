package main

import (
	"context"
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
	go workAlloc(stop)
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

//go:noinline
func workAlloc(stop <-chan struct{}) {
	const keep = 128
	ring := make([][]byte, keep)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		size := 1024 << (i % 6) // 1 KiB .. 32 KiB
		ring[i%keep] = allocBlock(size)
		if i%keep == 0 {
			sink = ring
		}
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
