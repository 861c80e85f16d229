package alert

import (
	"sync"
	"sync/atomic"
	"time"
)

// EvaluationBuckets are the upper bounds, in seconds, of the histogram of
// the time a stored batch takes to evaluate.
var EvaluationBuckets = []float64{0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1}

// Stats is what an Evaluator has done, for metrics.
type Stats struct {
	// Evaluating is whether Run runs: on PostgreSQL, whether this
	// collector leads the evaluation.
	Evaluating bool
	// Firing is, for each rule, whether it fires.
	Firing map[string]bool
	// Skipped counts the stored messages not evaluated because evaluation
	// was too far behind.
	Skipped uint64
	// Evaluations is the histogram of the time each batch took.
	Evaluations Histogram
}

// Histogram is a cumulative histogram: Counts[i] observations took at
// most Buckets[i] seconds; Count and Sum are of all of them.
type Histogram struct {
	Buckets []float64
	Counts  []uint64
	Count   uint64
	Sum     float64
}

type evalStats struct {
	skipped atomic.Uint64
	dirty   bool // the state changed since it was saved; the Run goroutine's

	mu   sync.Mutex
	hist Histogram
}

func (s *evalStats) observe(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hist.Counts == nil {
		s.hist.Buckets, s.hist.Counts = EvaluationBuckets, make([]uint64, len(EvaluationBuckets))
	}
	sec := d.Seconds()
	for i, b := range s.hist.Buckets {
		if sec <= b {
			s.hist.Counts[i]++
		}
	}
	s.hist.Count++
	s.hist.Sum += sec
}

// Stats returns what e has done so far. It is safe to call while Run runs.
func (e *Evaluator) Stats() Stats {
	st := Stats{Evaluating: e.running.Load(), Firing: map[string]bool{}, Skipped: e.stats.skipped.Load()}
	e.mu.Lock()
	for name, firing := range e.firing {
		st.Firing[name] = firing
	}
	e.mu.Unlock()
	e.stats.mu.Lock()
	st.Evaluations = e.stats.hist
	st.Evaluations.Counts = append([]uint64(nil), e.stats.hist.Counts...)
	e.stats.mu.Unlock()
	return st
}

// publish copies each rule's firing for Stats; the Run goroutine calls it.
func (e *Evaluator) publish() {
	m := make(map[string]bool, len(e.rules))
	for _, rs := range e.rules {
		m[rs.rule.Name] = rs.firing
	}
	e.mu.Lock()
	e.firing = m
	e.mu.Unlock()
}

// unpublish clears the rules' firing for Stats when Run ends: a collector
// that no longer evaluates them says nothing of them.
func (e *Evaluator) unpublish() {
	e.mu.Lock()
	e.firing = nil
	e.mu.Unlock()
}
