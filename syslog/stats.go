package syslog

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of a Server's counters.
type Stats struct {
	Received  uint64 // datagrams read from the socket
	Stored    uint64 // messages written to the store
	Dropped   uint64 // datagrams dropped because the queue was full
	Malformed uint64 // datagrams that were not well-formed syslog (stored raw)
	Lost      uint64 // messages the store refused until the server gave up
	Batches   uint64 // batches written
	// WriteP50 and WriteP99 are the median and 99th percentile of the
	// time one batch took to write, over the last writes.
	WriteP50, WriteP99 time.Duration
}

type stats struct {
	received, stored, dropped, malformed, lost, batches atomic.Uint64

	mu     sync.Mutex
	writes []time.Duration // ring of the last latencyWindow write times
	next   int
}

const latencyWindow = 4096

func (st *stats) recordWrite(n int, d time.Duration) {
	st.stored.Add(uint64(n))
	st.batches.Add(1)
	st.mu.Lock()
	if len(st.writes) < latencyWindow {
		st.writes = append(st.writes, d)
	} else {
		st.writes[st.next] = d
		st.next = (st.next + 1) % latencyWindow
	}
	st.mu.Unlock()
}

// Stats returns the server's counters so far.
func (s *Server) Stats() Stats {
	st := &s.stats
	out := Stats{
		Received:  st.received.Load(),
		Stored:    st.stored.Load(),
		Dropped:   st.dropped.Load(),
		Malformed: st.malformed.Load(),
		Lost:      st.lost.Load(),
		Batches:   st.batches.Load(),
	}
	st.mu.Lock()
	w := slices.Clone(st.writes)
	st.mu.Unlock()
	if len(w) > 0 {
		slices.Sort(w)
		out.WriteP50 = w[len(w)/2]
		out.WriteP99 = w[min(len(w)-1, len(w)*99/100)]
	}
	return out
}
