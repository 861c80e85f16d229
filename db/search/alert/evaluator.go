package alert

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// Notice is what a rule's notifiers are told: it fires (first, or again
// after Repeat), or it resolved.
type Notice struct {
	Rule  Rule
	State State
	Count int64 // matches within the window when the notice was made
	// Since is when the rule started firing; Until when it resolved, or,
	// while it fires, when the notice was made.
	Since, Until time.Time
	Repeat       bool // a reminder of a firing already notified
	Test         bool // made by `alert send`, not by the rule
}

// Sink takes the notices of an Evaluator. Notify is called from the
// evaluating goroutine and must not block.
type Sink interface {
	Notify(n Notice)
}

// History is the stored messages, for the windows of rules that start
// (*sqlite.Reader, *postgres.Reader).
type History interface {
	Search(ctx context.Context, q search.Query, each func(search.Event) error) error
}

// DefaultTick is how often an Evaluator looks for rules that resolved and
// reminders due.
const DefaultTick = time.Second

// queuedBatches bounds the stored batches waiting to be evaluated; a batch
// that finds the queue full is not evaluated (and counted): the writer
// never waits for alerting.
const queuedBatches = 256

// Evaluator matches every stored message against the rules and tells its
// Sink when one fires, repeats or resolves. It is an ingest.Observer; Run
// does the work.
type Evaluator struct {
	Sink Sink
	// History, when set, fills the windows of rules when they start, so
	// that a restart neither forgets nor re-sends a firing.
	History History
	// State keeps each rule's firing across restarts (a StateFile, or
	// the PostgreSQL store's table); nil keeps it in memory only.
	State  StateStore
	Tick   time.Duration // 0 = DefaultTick
	Logger *slog.Logger  // nil = slog.Default()

	once    sync.Once
	batches chan stored
	reload  chan []Rule
	handed  atomic.Uint64 // the batches Stored was given; the last one's number
	running atomic.Bool   // Run runs, for Stats

	rules []*ruleState   // the Run goroutine's
	qr    query.Record   // the record being matched, reused: the Run goroutine's
	prep  query.Prepared // what the rules' matchers computed of qr: its tokens, cut once
	out   []Transition   // scratch: a record's transitions
	stats evalStats

	mu         sync.Mutex
	firing     map[string]bool                // each rule's, for Stats
	deliveries map[string]map[string]Delivery // by rule, by notifier
	delivered  atomic.Bool                    // a delivery not yet in the state file
}

// stored is a batch as Stored or StoredEvents took it: numbered in the
// order it was committed (by this collector's writer, or, read back from
// the database, by every collector).
type stored struct {
	n       uint64
	records []search.Row
	events  []search.Event
}

func (e *Evaluator) init() {
	e.once.Do(func() {
		e.batches = make(chan stored, queuedBatches)
		e.reload = make(chan []Rule, 1)
	})
}

// Stored takes a stored batch for evaluation without waiting: when
// evaluation is that far behind, the batch is counted as skipped.
func (e *Evaluator) Stored(batch []search.Row) {
	e.init()
	select {
	case e.batches <- stored{n: e.handed.Add(1), records: batch}:
	default:
		e.stats.skipped.Add(uint64(len(batch)))
	}
}

// StoredEvents takes events read back from the database (all that
// became visible since the last call, as postgres.Reader.Feed passes
// them) for evaluation without waiting, as Stored takes a batch from the
// writer. Use one or the other, not both.
func (e *Evaluator) StoredEvents(events []search.Event) {
	e.init()
	select {
	case e.batches <- stored{n: e.handed.Add(1), events: events}:
	default:
		e.stats.skipped.Add(uint64(len(events)))
	}
}

// SetRules replaces the rules (a reload). A rule whose name, query,
// threshold and window are unchanged keeps its count and state.
func (e *Evaluator) SetRules(rules []Rule) {
	e.init()
	for {
		select {
		case e.reload <- rules:
			return
		default:
		}
		select { // a reload not yet taken: this one replaces it
		case <-e.reload:
		default:
		}
	}
}

func (e *Evaluator) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.Default()
	}
	return e.Logger
}

// Run evaluates rules, starting with rules, until ctx ends; then it
// evaluates the batches already handed to it, saves the state and
// returns. Run may be called again once it returned (a collector that
// leads the evaluation again): each run starts afresh, its windows read
// from History and its firings from State.
func (e *Evaluator) Run(ctx context.Context, rules []Rule) {
	e.init()
	e.rules = nil
	e.running.Store(true)
	defer e.running.Store(false)
	defer e.unpublish()
	saved, err := e.loadState(ctx)
	if err != nil {
		e.logger().Error("alert state not read; starting without it", "error", err)
	}
	e.apply(ctx, rules, saved)
	tick := time.NewTicker(orDefault(e.Tick, DefaultTick))
	defer tick.Stop()
	for {
		select {
		case b := <-e.batches:
			e.evaluate(b)
		case <-tick.C:
			e.step(time.Now())
		case rs := <-e.reload:
			e.apply(ctx, rs, e.snapshot())
		case <-ctx.Done():
			e.drain()
			return
		}
	}
}

// drain evaluates the batches already queued.
func (e *Evaluator) drain() {
	for {
		select {
		case b := <-e.batches:
			e.evaluate(b)
		default:
			e.step(time.Now())
			return
		}
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// evaluate matches each record of b against each rule that has not
// counted it from history.
func (e *Evaluator) evaluate(b stored) {
	if len(e.rules) == 0 {
		return
	}
	start := time.Now()
	for i := range b.records {
		r := &b.records[i]
		e.match(b.n, db.QueryRecord(r), r.ReceivedAt.UnixNano(), start)
	}
	for i := range b.events {
		ev := &b.events[i]
		e.match(b.n, ev.Record(), ev.ReceivedAt.UnixNano(), start)
	}
	e.step(start)
	e.stats.observe(time.Since(start))
}

// match counts rec, received at t (Unix ns), of stored batch n, for each
// rule it matches and that has not counted it from history.
func (e *Evaluator) match(n uint64, rec query.Record, t int64, now time.Time) {
	e.qr = rec
	e.prep.Reset()
	for _, rs := range e.rules {
		if n <= rs.counted || !rs.m.MatchPrepared(&e.qr, &e.prep) {
			continue
		}
		e.out = rs.add(t, e.out[:0])
		e.act(rs, e.out, now)
	}
}

// step resolves the rules that fell below their threshold by now and
// sends the reminders that are due.
func (e *Evaluator) step(now time.Time) {
	var out []Transition
	for _, rs := range e.rules {
		out = rs.advance(now.UnixNano(), out[:0])
		e.act(rs, out, now)
		if rs.firing && now.Sub(rs.notified) >= rs.rule.Repeat {
			e.notify(rs, Notice{State: Firing, Since: rs.since, Until: now, Repeat: true}, now)
		}
	}
	if e.delivered.Swap(false) {
		e.stats.dirty = true
	}
	if e.stats.dirty {
		e.publish()
		e.save()
	}
}

// act notifies the transitions of rs.
func (e *Evaluator) act(rs *ruleState, ts []Transition, now time.Time) {
	for _, t := range ts {
		switch t.State {
		case Firing:
			e.logger().Info("alert firing", "alert", rs.rule.Name, "count", t.Count, "since", t.At)
			e.notify(rs, Notice{State: Firing, Since: t.At, Until: now}, now)
		case Resolved:
			e.logger().Info("alert resolved", "alert", rs.rule.Name, "since", rs.since, "until", t.At)
			if rs.rule.NotifyResolved {
				e.notify(rs, Notice{State: Resolved, Since: rs.since, Until: t.At}, now)
			}
			rs.notified = time.Time{}
			e.stats.dirty = true
		}
	}
}

func (e *Evaluator) notify(rs *ruleState, n Notice, now time.Time) {
	n.Rule = rs.rule
	n.Count = rs.w.count(n.Until.UnixNano())
	rs.notified = now
	e.stats.dirty = true
	if rs.rule.Muted(now) {
		e.logger().Info("alert muted: notice not sent", "alert", rs.rule.Name, "state", n.State, "muted_until", rs.rule.MutedUntil)
		return
	}
	if e.Sink != nil {
		e.Sink.Notify(n)
	}
}
