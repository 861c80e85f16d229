package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// Notifier sends one message somewhere. Send must give up when ctx ends.
type Notifier interface {
	Send(ctx context.Context, m *Message) error
}

// The results a Dispatcher counts for each alert and notifier.
const (
	ResultSent    = "sent"    // delivered
	ResultRetried = "retried" // an attempt failed; another follows
	ResultFailed  = "failed"  // every attempt failed: given up
	ResultDropped = "dropped" // the notifier's queue was full
	ResultUnknown = "unknown" // the rule names no such notifier
)

// Defaults for the zero fields of a Dispatcher.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultAttempts = 4
	DefaultBackoff  = time.Second
	// DefaultDrain bounds how long Run sends what is queued once its
	// context ends.
	DefaultDrain = 10 * time.Second
)

// queued bounds the messages waiting for one notifier; noticesQueued the
// notices waiting to be made into messages (every rule may fire at once).
const (
	queued        = 64
	noticesQueued = 1024
)

// Dispatcher sends notices (it is an alert.Sink) through the notifiers
// their rules name. Run does the work.
type Dispatcher struct {
	// Events, when set, is where the newest matches of a notice are read.
	Events   alert.History
	Timeout  time.Duration // of one attempt; 0 = DefaultTimeout
	Attempts int           // 0 = DefaultAttempts
	Backoff  time.Duration // before the second attempt, doubling; 0 = DefaultBackoff
	Drain    time.Duration // 0 = DefaultDrain
	Logger   *slog.Logger  // nil = slog.Default()
	// Delivered, when set, is told the final result of each notice through
	// each notifier (sent, failed, dropped, unknown), from the notifier's
	// goroutine: the evaluator's Delivered, for the state file.
	Delivered func(rule string, d alert.Delivery)

	once      sync.Once
	notices   chan alert.Notice
	notifiers atomic.Pointer[map[string]Notifier]
	baseURL   atomic.Pointer[string]
	workers   map[string]chan *Message // the Run goroutine's
	counts    counts
}

func (d *Dispatcher) init() {
	d.once.Do(func() { d.notices = make(chan alert.Notice, noticesQueued) })
}

// SetNotifiers replaces the notifiers, by name. It is safe to call while
// Run runs; what is queued for a notifier goes to the one of that name
// when it is sent.
func (d *Dispatcher) SetNotifiers(m map[string]Notifier) { d.notifiers.Store(&m) }

// SetBaseURL sets the web UI's address, for the links of messages; ""
// for none. It is safe to call while Run runs.
func (d *Dispatcher) SetBaseURL(u string) { d.baseURL.Store(&u) }

func (d *Dispatcher) notifier(name string) Notifier {
	if m := d.notifiers.Load(); m != nil {
		return (*m)[name]
	}
	return nil
}

// Notify queues n without waiting; when the queue is full, n is counted
// as dropped for each of its notifiers.
func (d *Dispatcher) Notify(n alert.Notice) {
	d.init()
	select {
	case d.notices <- n:
	default:
		for _, name := range n.Rule.Notify {
			d.counts.add(n.Rule.Name, name, ResultDropped)
			d.result(n.Rule.Name, name, n.State, ResultDropped, nil)
		}
		d.logger().Error("alert notice dropped: too many queued", "alert", n.Rule.Name)
	}
}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}

// Run sends the notices queued until ctx ends; then it sends what is
// queued for at most Drain, and returns when every notifier's goroutine
// has.
func (d *Dispatcher) Run(ctx context.Context) {
	d.init()
	d.workers = map[string]chan *Message{}
	drainCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var wg sync.WaitGroup
	for done := false; !done; {
		select {
		case n := <-d.notices:
			d.dispatch(drainCtx, &wg, n)
		case <-ctx.Done():
			done = true
		}
	}
	stop := time.AfterFunc(pick(d.Drain, DefaultDrain), cancel)
	defer stop.Stop()
	for {
		select {
		case n := <-d.notices:
			d.dispatch(drainCtx, &wg, n)
			continue
		default:
		}
		break
	}
	for _, q := range d.workers {
		close(q)
	}
	wg.Wait()
}

// dispatch makes n into a message and queues it for each notifier of its
// rule, starting the notifier's goroutine the first time.
func (d *Dispatcher) dispatch(ctx context.Context, wg *sync.WaitGroup, n alert.Notice) {
	m := d.Message(ctx, n)
	for _, name := range n.Rule.Notify {
		q, ok := d.workers[name]
		if !ok {
			q = make(chan *Message, queued)
			d.workers[name] = q
			wg.Add(1)
			go func() {
				defer wg.Done()
				for m := range q {
					d.deliver(ctx, name, m)
				}
			}()
		}
		select {
		case q <- m:
		default:
			d.counts.add(n.Rule.Name, name, ResultDropped)
			d.result(n.Rule.Name, name, n.State, ResultDropped, nil)
			d.logger().Error("alert notice dropped: the notifier is too far behind", "alert", n.Rule.Name, "notifier", name)
		}
	}
}

// Message makes n into a message: its newest matches, and its link.
func (d *Dispatcher) Message(ctx context.Context, n alert.Notice) *Message {
	var base string
	if u := d.baseURL.Load(); u != nil {
		base = *u
	}
	m := &Message{Notice: n, Link: Link(base, &n)}
	if d.Events == nil {
		return m
	}
	q := search.Query{Expr: n.Rule.Expr, Since: n.Since.Add(-n.Rule.Window), Until: n.Until.Add(time.Second),
		Limit: MaxEvents}
	err := d.Events.Search(ctx, q, func(e search.Event) error {
		m.Events = append(m.Events, e)
		return nil
	})
	if err != nil {
		d.logger().Warn("alert notice without its messages", "alert", n.Rule.Name, "error", err)
	}
	return m
}

// deliver sends m through the notifier name, retrying with back-off.
func (d *Dispatcher) deliver(ctx context.Context, name string, m *Message) {
	nf := d.notifier(name)
	if nf == nil {
		d.counts.add(m.Rule.Name, name, ResultUnknown)
		d.result(m.Rule.Name, name, m.State, ResultUnknown, nil)
		d.logger().Error("alert names no such notifier", "alert", m.Rule.Name, "notifier", name)
		return
	}
	err := d.Send(ctx, name, nf, m)
	if err != nil {
		d.result(m.Rule.Name, name, m.State, ResultFailed, err)
		d.logger().Error("alert notification failed", "alert", m.Rule.Name, "notifier", name, "state", m.State, "error", err)
		return
	}
	d.result(m.Rule.Name, name, m.State, ResultSent, nil)
	d.logger().Info("alert notification sent", "alert", m.Rule.Name, "notifier", name, "state", m.State)
}

// result tells Delivered, when set, what became of a notice.
func (d *Dispatcher) result(rule, notifier string, state alert.State, result string, err error) {
	if d.Delivered == nil {
		return
	}
	dl := alert.Delivery{Notifier: notifier, State: state, At: time.Now(), Result: result}
	if err != nil {
		dl.Error = err.Error()
	}
	d.Delivered(rule, dl)
}

// Send sends m through nf (named name), with the timeout, attempts and
// back-off of d, counting each result.
func (d *Dispatcher) Send(ctx context.Context, name string, nf Notifier, m *Message) error {
	backoff := pick(d.Backoff, DefaultBackoff)
	attempts := d.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	var err error
	for i := 1; ; i++ {
		actx, cancel := context.WithTimeout(ctx, pick(d.Timeout, DefaultTimeout))
		err = nf.Send(actx, m)
		cancel()
		if err == nil {
			d.counts.add(m.Rule.Name, name, ResultSent)
			return nil
		}
		if i >= attempts || ctx.Err() != nil {
			break
		}
		d.counts.add(m.Rule.Name, name, ResultRetried)
		d.logger().Warn("alert notification failed; retrying", "alert", m.Rule.Name, "notifier", name,
			"attempt", i, "retry_in", backoff, "error", err)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
		}
		backoff *= 2
	}
	d.counts.add(m.Rule.Name, name, ResultFailed)
	return fmt.Errorf("notifier %s: %w", name, err)
}

func pick(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Count is how many notifications of one alert through one notifier had
// one result.
type Count struct {
	Alert, Notifier, Result string
	N                       uint64
}

type countKey struct{ alert, notifier, result string }

type counts struct {
	mu sync.Mutex
	m  map[countKey]uint64
}

func (c *counts) add(alert, notifier, result string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[countKey]uint64{}
	}
	c.m[countKey{alert, notifier, result}]++
}

// Counts returns every count so far. It is safe to call while Run runs.
func (d *Dispatcher) Counts() []Count {
	d.counts.mu.Lock()
	defer d.counts.mu.Unlock()
	out := make([]Count, 0, len(d.counts.m))
	for k, n := range d.counts.m {
		out = append(out, Count{Alert: k.alert, Notifier: k.notifier, Result: k.result, N: n})
	}
	return out
}
