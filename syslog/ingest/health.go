package ingest

import (
	"slices"
	"sync"
	"time"
)

// WriteBuckets are the upper bounds of WriterStats.WriteTimes: from a
// small batch on a fast disk to the store's busy timeout.
var WriteBuckets = [...]time.Duration{
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

// Histogram counts durations in the buckets of WriteBuckets.
type Histogram struct {
	// Counts[i] is the number of durations up to WriteBuckets[i]
	// (cumulative, as Prometheus counts them).
	Counts [len(WriteBuckets)]uint64
	Count  uint64        // every duration, including those above the last bound
	Sum    time.Duration // their sum
}

func (h *Histogram) observe(d time.Duration) {
	for i := len(WriteBuckets) - 1; i >= 0 && d <= WriteBuckets[i]; i-- {
		h.Counts[i]++
	}
	h.Count++
	h.Sum += d
}

// WriterStats is what the writer is doing and how its writes went: what
// health checks, metrics and a watchdog need.
type WriterStats struct {
	// WriteTimes is the time each stored batch took to write.
	WriteTimes Histogram
	// StoreErrors counts the writes the store failed (every retry counts).
	StoreErrors uint64
	// LastCommit is when a batch was last stored; zero before the first
	// one, and always without a Store.
	LastCommit time.Time
	// WriteStarted is when the write in progress began; zero while the
	// writer waits for a batch or backs off before a retry.
	WriteStarted time.Time
	// FailingSince is when the store began to fail, zero while it does
	// not: the writer then holds a batch and retries it. LastError is the
	// store's last error while it fails.
	FailingSince time.Time
	LastError    string
}

// writes records what the writer does, for Stats: the goroutine that
// writes updates it once or twice a batch, readers take a snapshot.
type writes struct {
	mu    sync.Mutex
	stats WriterStats
	ring  []time.Duration // the last latencyWindow write times, for the percentiles
	next  int
}

const latencyWindow = 4096

// started records that a write began at t.
func (w *writes) started(t time.Time) {
	w.mu.Lock()
	w.stats.WriteStarted = t
	w.mu.Unlock()
}

// succeeded records a write that began at start and stored its batch at
// end.
func (w *writes) succeeded(start, end time.Time) {
	d := end.Sub(start)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats.WriteTimes.observe(d)
	w.stats.LastCommit, w.stats.WriteStarted = end, time.Time{}
	w.stats.FailingSince, w.stats.LastError = time.Time{}, ""
	if len(w.ring) < latencyWindow {
		w.ring = append(w.ring, d)
		return
	}
	w.ring[w.next] = d
	w.next = (w.next + 1) % latencyWindow
}

// failed records a write that ended at t with err.
func (w *writes) failed(t time.Time, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats.StoreErrors++
	w.stats.WriteStarted = time.Time{}
	if w.stats.FailingSince.IsZero() {
		w.stats.FailingSince = t
	}
	w.stats.LastError = err.Error()
}

// snapshot fills st's write latencies and writer state.
func (w *writes) snapshot(st *Stats) {
	w.mu.Lock()
	st.Writer = w.stats
	ring := slices.Clone(w.ring)
	w.mu.Unlock()
	if len(ring) == 0 {
		return
	}
	slices.Sort(ring)
	st.WriteP50, st.WriteP99 = ring[len(ring)/2], ring[min(len(ring)-1, len(ring)*99/100)]
}
