// Command capture produces real pprof profiles from its own Go runtime.
//
// It runs a small, deterministic workload (direct and mutual recursion,
// inlined leaf helpers called in loops, non-inlined functions, allocations
// of several sizes at several stacks, mutex contention and channel
// blocking) and writes, into the output directory:
//
//	cpu.pb.gz           CPU profile of the busy phase (-cpu, default 1.5s)
//	heap.pb.gz          heap (inuse_space default), after a GC
//	allocs.pb.gz        the same data, alloc_space default
//	block.pb.gz         blocking on channels, select, WaitGroup, Mutex
//	mutex.pb.gz         contended sync.Mutex / RWMutex
//	goroutine.pb.gz     many goroutines parked in a few distinct stacks
//	threadcreate.pb.gz  thread creation
//	goroutine-debug1.txt, goroutine-debug2.txt  text goroutine dumps
//
// Stdlib only.  Usage: capture [-cpu 1.5s] -out DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"
)

func init() {
	// Sample roughly every 4 KB so the small allocation sites show up, but
	// keep the heap profile small enough to serve as a fuzz seed.
	runtime.MemProfileRate = 4096
}

func main() {
	out := flag.String("out", "", "output directory (created)")
	cpuFor := flag.Duration("cpu", 1500*time.Millisecond, "length of the CPU-profiled busy phase")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: capture [-cpu 1.5s] -out DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)

	// 1. CPU profile of the busy phase.
	f := create(*out, "cpu.pb.gz")
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	cpuPhase(*cpuFor)
	pprof.StopCPUProfile()
	closeFile(f)

	// 2. Allocations; heap and allocs profiles after a GC so that the
	// in-use numbers are up to date.
	allocPhase()
	runtime.GC()
	writeProfile(*out, "heap", "heap.pb.gz", 0)
	writeProfile(*out, "allocs", "allocs.pb.gz", 0)

	// 3. Contention: block and mutex profiles.
	contentionPhase()
	writeProfile(*out, "block", "block.pb.gz", 0)
	writeProfile(*out, "mutex", "mutex.pb.gz", 0)

	// 3b. The heap later, for diffs (go tool pprof -diff_base heap.pb.gz
	// heap-later.pb.gz): more allocated, the map freed.
	allocSmall(10000, true)
	allocMedium(128)
	retainedMap = nil
	runtime.GC()
	writeProfile(*out, "heap", "heap-later.pb.gz", 0)
	writeProfile(*out, "allocs", "allocs-later.pb.gz", 0)

	// 4. Parked goroutines, then the goroutine dumps.
	release := parkGoroutines()
	writeProfile(*out, "goroutine", "goroutine.pb.gz", 0)
	writeProfile(*out, "goroutine", "goroutine-debug1.txt", 1)
	writeProfile(*out, "goroutine", "goroutine-debug2.txt", 2)
	release()
	writeProfile(*out, "threadcreate", "threadcreate.pb.gz", 0)

	// Keep the live set reachable until every profile is written.
	runtime.KeepAlive(retained)
}

func create(dir, name string) *os.File {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	return f
}

func closeFile(f *os.File) {
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func writeProfile(dir, profile, name string, debug int) {
	p := pprof.Lookup(profile)
	if p == nil {
		log.Fatalf("no %s profile", profile)
	}
	// Every profile must have records, or the tests built on them test
	// nothing.
	if p.Count() == 0 {
		log.Fatalf("the %s profile is empty", profile)
	}
	f := create(dir, name)
	if err := p.WriteTo(f, debug); err != nil {
		log.Fatal(err)
	}
	closeFile(f)
}

// ---------------------------------------------------------------------
// CPU phase

// sink defeats dead-code elimination of the busy loops.
var sink uint64

// mix, rotl and clamp are small leaf helpers that the compiler inlines
// into their callers' loops (check with -gcflags=-m).
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

func rotl(x uint64, k uint) uint64 {
	return x<<k | x>>(64-k)
}

func clamp(x, lo, hi int) int {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// hashLoop calls the inlined helpers in a loop.
//
//go:noinline
func hashLoop(seed uint64, n int) uint64 {
	h := seed
	for i := 0; i < n; i++ {
		h = mix(h + uint64(i))
		h = rotl(h, uint(clamp(i&63, 1, 63)))
	}
	return h
}

// fib is direct recursion.
//
//go:noinline
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// isEven and isOdd are mutual recursion; each level burns a little CPU so
// that samples land at many depths.
//
//go:noinline
func isEven(n int, acc uint64) uint64 {
	if n == 0 {
		return acc
	}
	return isOdd(n-1, mix(acc+uint64(n)))
}

//go:noinline
func isOdd(n int, acc uint64) uint64 {
	if n == 0 {
		return acc ^ 1
	}
	return isEven(n-1, hashLoop(acc, 64))
}

// sortChunk is a non-inlined function that spends its time in the
// standard library (sort, closures).
//
//go:noinline
func sortChunk(seed uint64, n int) uint64 {
	xs := make([]uint64, n)
	h := seed
	for i := range xs {
		h = mix(h + 1)
		xs[i] = h
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	return xs[n/2]
}

// treeNode and walk give a deeper recursive stack shape.
type treeNode struct {
	left, right *treeNode
	val         uint64
}

//go:noinline
func buildTree(depth int, v uint64) *treeNode {
	if depth == 0 {
		return &treeNode{val: v}
	}
	return &treeNode{
		left:  buildTree(depth-1, mix(v)),
		right: buildTree(depth-1, mix(v+1)),
		val:   v,
	}
}

//go:noinline
func walk(t *treeNode) uint64 {
	if t == nil {
		return 0
	}
	return hashLoop(t.val, 8) ^ walk(t.left) ^ rotl(walk(t.right), 7)
}

func recursionWorker(deadline time.Time) {
	var acc uint64
	tree := buildTree(12, 1)
	for time.Now().Before(deadline) {
		acc += uint64(fib(22))
		acc ^= isEven(200, acc)
		acc ^= walk(tree)
	}
	sink += acc
}

func hashingWorker(deadline time.Time) {
	var acc uint64
	for i := 0; time.Now().Before(deadline); i++ {
		acc ^= hashLoop(acc, 20000)
		acc ^= sortChunk(acc, 2000)
	}
	sink += acc
}

func cpuPhase(d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, w := range []func(time.Time){recursionWorker, hashingWorker} {
		wg.Add(1)
		go func(w func(time.Time)) {
			defer wg.Done()
			w(deadline)
			mu.Lock()
			sink++
			mu.Unlock()
		}(w)
	}
	wg.Wait()
}

// ---------------------------------------------------------------------
// Allocation phase

// retained keeps part of what is allocated live, so inuse_* is not empty.
var retained [][]byte

//go:noinline
func allocSmall(n int, keep bool) {
	for i := 0; i < n; i++ {
		b := make([]byte, 32)
		b[0] = byte(i)
		if keep && i%16 == 0 {
			retained = append(retained, b)
		}
	}
}

//go:noinline
func allocMedium(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 4096)
		b[0] = byte(i)
		if i%4 == 0 {
			retained = append(retained, b)
		}
	}
}

//go:noinline
func allocLarge(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 1<<20)
		b[len(b)-1] = byte(i)
		if i%2 == 0 {
			retained = append(retained, b)
		}
	}
}

// allocDeep allocates at the bottom of a direct recursion.
//
//go:noinline
func allocDeep(depth int) {
	if depth == 0 {
		allocMedium(64)
		return
	}
	allocDeep(depth - 1)
}

// allocPing and allocPong allocate at every level of a mutual recursion.
//
//go:noinline
func allocPing(depth int) {
	if depth == 0 {
		return
	}
	retained = append(retained, make([]byte, 256))
	allocPong(depth - 1)
}

//go:noinline
func allocPong(depth int) {
	if depth == 0 {
		return
	}
	_ = fmt.Sprintf("level %d", depth) // garbage from the standard library
	allocPing(depth - 1)
}

// allocMap grows a map and a string-keyed structure.
//
//go:noinline
func allocMap(n int) map[string][]int {
	m := make(map[string][]int)
	for i := 0; i < n; i++ {
		k := fmt.Sprint("key-", i%500)
		m[k] = append(m[k], i)
	}
	return m
}

var retainedMap map[string][]int

func allocPhase() {
	allocSmall(20000, true)
	allocSmall(20000, false)
	allocMedium(256)
	allocLarge(8)
	allocDeep(30)
	for i := 0; i < 20; i++ {
		allocPing(40)
	}
	retainedMap = allocMap(20000)
	_ = allocMap(5000)
	retainedStacks = allocGeneric()
}

// ---------------------------------------------------------------------
// Generic functions: Go names their instances "pkg.F[...]" and methods
// of generic types "pkg.(*T[...]).M" in profiles.

type number interface {
	~int | ~int64 | ~float64
}

type stack[T any] struct {
	items []T
}

//go:noinline
func (s *stack[T]) push(v T) {
	s.items = append(s.items, v)
}

//go:noinline
func fill[T number](s *stack[T], n int) {
	for i := 0; i < n; i++ {
		s.push(T(i))
	}
}

//go:noinline
func boxes[T any](n int, v T) []*T {
	out := make([]*T, n)
	for i := range out {
		p := new(T)
		*p = v
		out[i] = p
	}
	return out
}

var retainedStacks []any

func allocGeneric() []any {
	a := &stack[int]{}
	fill(a, 50000)
	b := &stack[float64]{}
	fill(b, 30000)
	return []any{a, b, boxes(4000, [4]int64{1, 2, 3, 4}), boxes(3000, "x")}
}

// ---------------------------------------------------------------------
// Contention phase

// producer sends on an unbuffered channel to a slow consumer: the sender
// blocks (chan send) and so does the consumer when it is ahead.
//
//go:noinline
func producer(ch chan<- int, n int) {
	for i := 0; i < n; i++ {
		ch <- i
	}
	close(ch)
}

//go:noinline
func slowConsumer(ch <-chan int, done chan<- uint64) {
	var acc uint64
	for v := range ch {
		if v%8 == 0 {
			time.Sleep(200 * time.Microsecond)
		}
		acc += hashLoop(uint64(v), 100)
	}
	done <- acc
}

//go:noinline
func selectWaiter(a, b <-chan int, quit <-chan struct{}) int {
	n := 0
	for {
		select {
		case <-a:
			n++
		case <-b:
			n += 2
		case <-quit:
			return n
		}
	}
}

// contend makes goroutines fight over a mutex while doing work under it.
//
//go:noinline
func contend(mu *sync.Mutex, counter *uint64, rounds int) {
	for i := 0; i < rounds; i++ {
		mu.Lock()
		*counter = hashLoop(*counter, 2000)
		if i%8 == 0 {
			runtime.Gosched() // let the others find it locked, even on one CPU
		}
		mu.Unlock()
	}
}

//go:noinline
func readers(rw *sync.RWMutex, m map[int]int, rounds int) int {
	n := 0
	for i := 0; i < rounds; i++ {
		rw.RLock()
		n += m[i%16]
		rw.RUnlock()
	}
	return n
}

//go:noinline
func writers(rw *sync.RWMutex, m map[int]int, rounds int) {
	for i := 0; i < rounds; i++ {
		rw.Lock()
		m[i%16] = int(hashLoop(uint64(i), 500))
		if i%8 == 0 {
			runtime.Gosched()
		}
		rw.Unlock()
	}
}

func contentionPhase() {
	// Channels.
	ch := make(chan int)
	done := make(chan uint64)
	go producer(ch, 400)
	go slowConsumer(ch, done)
	sink += <-done

	a, b := make(chan int), make(chan int)
	quit := make(chan struct{})
	res := make(chan int)
	go func() { res <- selectWaiter(a, b, quit) }()
	for i := 0; i < 200; i++ {
		if i%2 == 0 {
			a <- i
		} else {
			b <- i
		}
		if i%20 == 0 {
			time.Sleep(100 * time.Microsecond)
		}
	}
	close(quit)
	sink += uint64(<-res)

	// Mutexes.
	var mu sync.Mutex
	var counter uint64
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			contend(&mu, &counter, 200)
		}()
	}
	var rw sync.RWMutex
	m := make(map[int]int)
	for g := 0; g < 3; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			sink += uint64(readers(&rw, m, 3000))
		}()
		go func() {
			defer wg.Done()
			writers(&rw, m, 300)
		}()
	}
	wg.Wait() // WaitGroup blocking shows in the block profile too
	sink += counter
}

// ---------------------------------------------------------------------
// Parked goroutines

// descend recurses depth levels, then calls park: the goroutine's stack
// has a recursive part of a fixed depth.
//
//go:noinline
func descend(depth int, park func()) {
	if depth == 0 {
		park()
		return
	}
	descend(depth-1, park)
}

//go:noinline
func waitOnChannel(ch <-chan struct{}) {
	<-ch
}

//go:noinline
func waitInSelect(a <-chan struct{}, b <-chan int) {
	select {
	case <-a:
	case <-b:
	}
}

//go:noinline
func waitOnMutex(mu *sync.Mutex) {
	mu.Lock()
	mu.Unlock() //nolint:staticcheck // the wait is the point
}

//go:noinline
func waitOnGroup(wg *sync.WaitGroup) {
	wg.Wait()
}

// parkGoroutines starts goroutines in a few distinct stacks and returns
// once all of them are parked; the function it returns releases them.
func parkGoroutines() func() {
	gate := make(chan struct{})
	never := make(chan int)
	var mu sync.Mutex
	var group sync.WaitGroup
	var started, finished sync.WaitGroup

	mu.Lock()
	group.Add(1)
	// Each kind of goroutine runs under pprof.Do labels, which the
	// goroutine profile carries (tagfocus/tagignore test them).
	spawn := func(n int, role string, f func()) {
		for i := 0; i < n; i++ {
			started.Add(1)
			finished.Add(1)
			shard := fmt.Sprintf("shard-%d", i%2)
			go pprof.Do(context.Background(), pprof.Labels("role", role, "shard", shard), func(context.Context) {
				defer finished.Done()
				started.Done()
				f()
			})
		}
	}
	spawn(64, "chan-waiter", func() { descend(5, func() { waitOnChannel(gate) }) })
	spawn(32, "selector", func() { descend(12, func() { waitInSelect(gate, never) }) })
	spawn(16, "locker", func() { waitOnMutex(&mu) })
	spawn(8, "grouper", func() { waitOnGroup(&group) })
	spawn(4, "chan-waiter", func() { waitOnChannel(gate) })
	started.Wait()
	// Give every goroutine time to reach its parking point.
	for i := 0; i < 50 && runtime.NumGoroutine() < 124; i++ {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)

	return func() {
		close(gate)
		mu.Unlock()
		group.Done()
		finished.Wait()
	}
}
