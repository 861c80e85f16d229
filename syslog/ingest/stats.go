package ingest

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// Counts are the counters of one transport, or of all of them.
type Counts struct {
	Received  uint64 // messages read
	Stored    uint64 // messages written to the store
	Dropped   uint64 // messages dropped because the queue was full
	Malformed uint64 // messages that were not well-formed syslog (stored raw)
	Lost      uint64 // messages the store refused until the pipeline gave up
}

func (c *Counts) add(o Counts) {
	c.Received += o.Received
	c.Stored += o.Stored
	c.Dropped += o.Dropped
	c.Malformed += o.Malformed
	c.Lost += o.Lost
}

// TransportStats are the counters of one Input.
type TransportStats struct {
	Transport string
	Counts
	// Stream is set for a stream transport (made by StreamInput); the
	// counters below are only counted for those.
	Stream bool
	ConnCounts
}

// ConnCounts are the connection counters of a stream transport.
type ConnCounts struct {
	Open     int64  // connections open now
	Refused  uint64 // connections turned away (limit, TLS handshake, PROXY header)
	Timeouts uint64 // connections closed by the idle timeout
	Broken   uint64 // connections closed for a protocol error
	Cut      uint64 // messages stored cut (over the size limit, or ended by the connection's end)
	Resets   uint64 // connections the sender reset, losing what was not read yet
}

// Stats is a snapshot of a Pipeline's counters.
type Stats struct {
	Counts                         // the sum over every transport
	Transports    []TransportStats // each Input's, in the order they were made
	Batches       uint64           // batches written
	Queued        int              // messages waiting in the queue
	QueueCapacity int              // the queue's slots: QueueSlots of Config.QueueSize
	// QueuedBytes are the bytes of the messages received and not yet
	// stored (queued, batched or being written); QueueMaxBytes bounds them
	// (Config.QueueBytes).
	QueuedBytes, QueueMaxBytes int64
	// WriteP50 and WriteP99 are the median and 99th percentile of the time
	// one batch took to write, over the last writes.
	WriteP50, WriteP99 time.Duration
	// Writer is what the writer is doing and how its writes went.
	Writer WriterStats
	// Spool is the state of the spool; nil without one.
	Spool *spool.Stats
}

// counter is a counter updated by several goroutines.
type counter = atomic.Uint64

// Stats returns the pipeline's counters so far.
func (p *Pipeline) Stats() Stats {
	p.mu.Lock()
	inputs := slices.Clone(p.inputs)
	p.mu.Unlock()
	st := Stats{Batches: p.batches.Load(), Queued: len(p.queue), QueueCapacity: cap(p.queue),
		QueuedBytes: p.bytes.used.Load(), QueueMaxBytes: p.cfg.QueueBytes}
	if p.held != p.bytes {
		st.QueuedBytes += p.held.used.Load()
	}
	for _, in := range inputs {
		ts := TransportStats{Transport: in.name, Counts: Counts{
			Received:  in.received.Load(),
			Stored:    in.stored.Load(),
			Dropped:   in.dropped.Load(),
			Malformed: in.malformed.Load(),
			Lost:      in.lost.Load(),
		}, Stream: in.stream}
		if in.stream {
			ts.ConnCounts = ConnCounts{Open: in.conns.open.Load(), Refused: in.conns.refused.Load(),
				Timeouts: in.conns.timeouts.Load(), Broken: in.conns.broken.Load(), Cut: in.conns.cut.Load(),
				Resets: in.conns.resets.Load()}
		}
		st.Transports = append(st.Transports, ts)
		st.add(ts.Counts)
	}
	p.writes.snapshot(&st)
	if p.cfg.Spool != nil {
		sst := p.cfg.Spool.Stats()
		st.Spool = &sst
	}
	return st
}

// report logs the counters at every tick while anything is received or
// dropped, until everything is written.
func (p *Pipeline) report(t *time.Ticker) {
	defer t.Stop()
	var last Stats
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.reportChange(&last)
		}
	}
}

// reportChange logs the counters if anything was received or dropped since
// last, which it then updates; it reports whether it logged.
func (p *Pipeline) reportChange(last *Stats) bool {
	st := p.Stats()
	if st.Received == last.Received && st.Dropped == last.Dropped {
		return false
	}
	*last = st
	lvl := slog.LevelInfo
	if st.Dropped > 0 {
		lvl = slog.LevelWarn
	}
	p.logStats("stats", st, lvl)
	return true
}

// logStats logs st as one line: the totals, the queue, the write latency,
// then a group of counters per transport (udp.received=…).
func (p *Pipeline) logStats(msg string, st Stats, lvl slog.Level) {
	attrs := []any{
		"received", st.Received, "stored", st.Stored, "dropped", st.Dropped,
		"malformed", st.Malformed, "lost", st.Lost, "queue", st.Queued, "queue_bytes", st.QueuedBytes,
		"batches", st.Batches, "write_p50", st.WriteP50, "write_p99", st.WriteP99,
	}
	if st.Spool != nil {
		attrs = append(attrs, "spool", st.Spool.Messages, "spool_bytes", st.Spool.Bytes)
	}
	for _, ts := range st.Transports {
		group := []any{"received", ts.Received, "stored", ts.Stored, "dropped", ts.Dropped, "malformed", ts.Malformed}
		if ts.Stream {
			group = append(group, "open", ts.Open, "refused", ts.Refused, "timeouts", ts.Timeouts,
				"broken", ts.Broken, "cut", ts.Cut, "resets", ts.Resets)
		}
		attrs = append(attrs, slog.Group(ts.Transport, group...))
	}
	p.logger().Log(context.Background(), lvl, msg, attrs...)
}
