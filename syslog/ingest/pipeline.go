// Package ingest is the way every received message goes to the store: a
// bounded queue, the parser, the batcher, the writer that retries a failing
// store, and the counters of each transport.
//
// Receivers (package syslog/receive) feed it through an Input, one per
// transport, which has two ways in: Offer never waits and counts a drop when
// the queue is full (UDP, which cannot push back anyway); Submit waits for
// room (stream transports: while the queue is full the connection is not
// read, and the kernel's window pushes back on the sender). The queue is
// full at QueueSize messages or at QueueBytes bytes, whichever comes first;
// the bytes count every message from its arrival until it is stored.
//
// With a Spool (Config.Spool), the queue is drained into a disk spool and
// the batcher reads from there: a backlog waits on disk rather than in
// memory, and a crash loses nothing that reached the spool. Messages are
// acknowledged in the spool once stored.
//
// It knows nothing of sockets or of SQL: a store is anything with Write.
package ingest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// Defaults for the zero fields of a Config.
const (
	DefaultBatchSize     = 1000
	DefaultBatchTimeout  = 5 * time.Second
	DefaultQueueSize     = 1 << 20
	DefaultQueueBytes    = 256 << 20
	DefaultStatsInterval = 10 * time.Second
	DefaultShutdownRetry = 30 * time.Second
)

// Config says how a Pipeline parses, batches and stores. The zero value
// parses with the zero syslog.Parser, uses the defaults above and only
// counts what it receives (no Store).
type Config struct {
	Store        Store         // where batches go; nil = receive and count only
	Parser       syslog.Parser // zone and clock of RFC 3164 timestamps
	BatchSize    int           // write at this many pending messages; 0 = DefaultBatchSize
	BatchTimeout time.Duration // write this long after the first pending message; 0 = DefaultBatchTimeout
	QueueSize    int           // messages held between the receivers and the writer; 0 = DefaultQueueSize
	// QueueBytes bounds the bytes of the messages received and not yet
	// stored (queued, batched or being written), the messages' text and
	// what holds it; with a Spool they take at most half of it
	// (HeldBytes); 0 = DefaultQueueBytes.
	QueueBytes int64
	Logger     *slog.Logger // the pipeline's own log; nil = slog.Default()
	// Dump, when set, receives every message as an RFC 5424 line.
	Dump io.Writer
	// Observer, when set, is told of every batch once it is stored (or,
	// without a Store, handled): alerting watches the stream there,
	// beside the pipeline rather than in it.
	Observer Observer
	// StatsInterval is how often the counters are logged while traffic
	// flows; 0 = DefaultStatsInterval.
	StatsInterval time.Duration
	// ShutdownRetry bounds how long, after Close, a failing store is
	// retried before the remaining messages are given up; 0 =
	// DefaultShutdownRetry.
	ShutdownRetry time.Duration
	// Spool, when set, holds every message between the queue and the
	// batcher; the pipeline reads it from the first message not yet
	// stored, so that what a previous run left is stored first. The
	// caller opens it and closes it after Close.
	Spool *spool.Spool
	// SpoolDrain bounds how long, after Close, the pipeline goes on
	// storing what the spool holds; what is left stays there for the next
	// start. 0 = DefaultSpoolDrain.
	SpoolDrain time.Duration
}

func (c *Config) setDefaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.BatchTimeout <= 0 {
		c.BatchTimeout = DefaultBatchTimeout
	}
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.QueueBytes <= 0 {
		c.QueueBytes = DefaultQueueBytes
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.StatsInterval <= 0 {
		c.StatsInterval = DefaultStatsInterval
	}
	if c.ShutdownRetry <= 0 {
		c.ShutdownRetry = DefaultShutdownRetry
	}
	if c.SpoolDrain <= 0 {
		c.SpoolDrain = DefaultSpoolDrain
	}
}

// SpoolQueueSlots bounds the queue's slots when a spool holds the backlog:
// the queue then only carries messages to spoolIn, which appends them in
// batches to the page cache, so 65,536 slots (0.65 s at 100,000 msgs/s,
// 5 MiB) are plenty. A million slots (80 MiB, all of them pointers) would
// count as live heap: the collector would scan them at every cycle and let
// the heap grow to twice them, which was most of the daemon's peak RSS.
const SpoolQueueSlots = 1 << 16

// QueueSlots is how many slots the queue of a pipeline with Config.QueueSize
// queueSize has: queueSize (DefaultQueueSize when 0), or at most
// SpoolQueueSlots when spooled.
func QueueSlots(queueSize int, spooled bool) int {
	if queueSize <= 0 {
		queueSize = DefaultQueueSize
	}
	if spooled {
		return min(queueSize, SpoolQueueSlots)
	}
	return queueSize
}

// spoolShare is what each side of a spool may hold of Config.QueueBytes
// queueBytes: a quarter waiting to be appended, a quarter read back and
// being parsed, batched and stored. The backlog waits on disk, so memory
// needs no more, and the other half is room for the garbage the collector
// has not reclaimed yet and for what Go does not allocate (serve's soft
// memory limit follows HeldBytes). Batches are handed
// over at a quarter of their side (a sixteenth of QueueBytes), so a batch
// of large messages holds at most that, whatever BatchSize says.
func spoolShare(queueBytes int64) int64 { return max(queueBytes/4, 1) }

// HeldBytes is what a pipeline with Config.QueueBytes queueBytes holds at
// most of the messages received and not yet stored (beside what parsing
// adds without waiting; see budget): queueBytes, or half of it with a
// spool.
func HeldBytes(queueBytes int64, spooled bool) int64 {
	if queueBytes <= 0 {
		queueBytes = DefaultQueueBytes
	}
	if spooled {
		return 2 * spoolShare(queueBytes)
	}
	return queueBytes
}

// Pipeline takes messages from Inputs and writes them to the store in
// batches. Its goroutines run from New until Close has written everything.
type Pipeline struct {
	cfg   Config
	queue chan item
	bytes *budget // the bytes of the messages received and not yet stored
	// held is the budget of what the batcher and the writer hold: bytes
	// itself without a spool; with one, a budget of its own (spoolShare),
	// so that reading the spool back never waits for room that only
	// spooling can make.
	held     *budget
	drainCtx context.Context // cancelled when drainEnd closes

	closing chan struct{} // closed by Close: no more input comes
	done    chan struct{} // closed when everything is written or given up
	err     error         // the writer's result, set before done closes
	once    sync.Once
	// drainEnd is closed SpoolDrain after Close: the spool's readers and
	// writers stop there.
	drainEnd chan struct{}

	// With a spool: spoolInDone is closed once the queue is all appended,
	// spoolRoom has a value when stored messages made room, waiters are the
	// senders waiting for spooled messages.
	spoolInDone chan struct{}
	spoolRoom   chan struct{}
	waiters     waiters

	mu     sync.Mutex
	inputs []*Input // in the order they were made

	writes  writes
	batches counter
	// changes holds what SetBatch and SetDump asked for until the batcher
	// takes it: after New, cfg.BatchSize, cfg.BatchTimeout and cfg.Dump
	// are the batcher's.
	changes changes
}

// New starts a pipeline with cfg. Call Close when every receiver feeding it
// has returned.
func New(cfg Config) *Pipeline {
	cfg.setDefaults()
	p := &Pipeline{
		cfg:     cfg,
		queue:   make(chan item, QueueSlots(cfg.QueueSize, cfg.Spool != nil)),
		bytes:   newBudget(cfg.QueueBytes),
		closing: make(chan struct{}),
		done:    make(chan struct{}),
		changes: changes{ready: make(chan struct{}, 1)},

		drainEnd:    make(chan struct{}),
		spoolInDone: make(chan struct{}),
		spoolRoom:   make(chan struct{}, 1),
	}
	p.held = p.bytes
	var cancel context.CancelFunc
	p.drainCtx, cancel = context.WithCancel(context.Background())
	go func() { <-p.drainEnd; cancel() }()
	batches := make(chan []record, 1)
	var fromSpool chan spooled
	if cfg.Spool != nil {
		p.bytes = newBudget(spoolShare(cfg.QueueBytes))
		p.held = newBudget(spoolShare(cfg.QueueBytes))
		fromSpool = make(chan spooled, 256)
		go p.spoolIn()
		go p.spoolOut(fromSpool)
	}
	go p.batch(batches, fromSpool)
	go func() {
		defer close(p.done)
		p.err = p.write(batches)
	}()
	go p.report(time.NewTicker(cfg.StatsInterval))
	return p
}

// Input returns the way in for the datagram transport named name ("udp"),
// with its own counters; the same name gives the same Input.
func (p *Pipeline) Input(name string) *Input {
	return p.input(name, false)
}

// StreamInput is Input for a stream transport ("tcp", "tls", "relp"):
// its counters include its connections (Input.Conns), and the stats lines
// show them.
func (p *Pipeline) StreamInput(name string) *Input {
	return p.input(name, true)
}

func (p *Pipeline) input(name string, stream bool) *Input {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, in := range p.inputs {
		if in.name == name {
			return in // made by the first call, Input or StreamInput
		}
	}
	in := &Input{name: name, p: p, stream: stream}
	p.inputs = append(p.inputs, in)
	return in
}

// Close says that no more input comes: every receiver feeding the pipeline
// must have returned. It waits until every queued message is written (or,
// when the store keeps failing, given up after ShutdownRetry), logs the
// final counters and returns. The error is non-nil only when messages could
// not be stored. Close may be called more than once; each call returns the
// same result.
func (p *Pipeline) Close() error {
	p.once.Do(func() {
		close(p.closing)
		drain := time.AfterFunc(p.cfg.SpoolDrain, func() { close(p.drainEnd) })
		<-p.done
		if drain.Stop() {
			close(p.drainEnd) // ends drainCtx's goroutine
		}
		if p.cfg.Spool != nil {
			<-p.spoolInDone // the caller closes the spool next
		}
		p.logStats("stopped", p.Stats(), slog.LevelInfo)
		if p.cfg.Spool != nil {
			p.logSpoolLeft()
		}
	})
	<-p.done
	return p.err
}

func (p *Pipeline) logger() *slog.Logger { return p.cfg.Logger }
