package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// apply makes rules the rules in force. A rule that counts as before
// (same name and key) is kept as it is; any other starts with its window
// read from History and its firing from saved.
func (e *Evaluator) apply(ctx context.Context, rules []Rule, saved map[string]SavedRule) {
	old := map[string]*ruleState{}
	for _, rs := range e.rules {
		old[rs.rule.Name] = rs
	}
	next := make([]*ruleState, 0, len(rules))
	now := time.Now()
	for _, r := range rules {
		if rs, ok := old[r.Name]; ok && rs.rule.key() == r.key() {
			rs.rule = r // its notifiers, repeat and notify_resolved may change
			next = append(next, rs)
			continue
		}
		rs := newRuleState(r)
		if err := e.fill(ctx, rs, now); err != nil {
			e.logger().Error("alert window not read from the database; counting from now", "alert", r.Name, "error", err)
		}
		if s, ok := saved[r.Name]; ok && len(s.Deliveries) > 0 {
			for _, d := range s.Deliveries {
				e.Delivered(r.Name, d)
			}
		}
		if s, ok := saved[r.Name]; ok && s.Key == r.key() && s.Firing {
			rs.firing, rs.since, rs.notified = true, s.Since, s.Notified
		}
		next = append(next, rs)
	}
	e.rules = next
	e.stats.dirty = true
	e.start(now)
}

// start fires the rules whose window read from history is already over
// their threshold, and resolves the firings restored that are not.
func (e *Evaluator) start(now time.Time) {
	for _, rs := range e.rules {
		if !rs.firing && rs.w.n > 0 && rs.w.over(now.UnixNano()) {
			rs.firing, rs.since = true, now
			e.act(rs, []Transition{{State: Firing, At: now}}, now)
		}
	}
	e.step(now)
}

// fill counts the matches of rs stored within its window before now,
// oldest first; the batches stored after it began come through Stored.
func (e *Evaluator) fill(ctx context.Context, rs *ruleState, now time.Time) error {
	if e.History == nil {
		return nil
	}
	// Read before the query: a batch handed over by then was committed
	// before it, and the query counts it.
	counted := e.handed.Load()
	// No Until: what was committed since now, the query counts too.
	q := search.Query{Expr: rs.rule.Expr, Since: now.Add(-rs.rule.Window), Order: search.OldestFirst}
	err := e.History.Search(ctx, q, func(ev search.Event) error {
		rs.w.add(ev.ReceivedAt.UnixNano())
		return nil
	})
	if err != nil {
		rs.w = newWindow(rs.rule.Window, rs.rule.Threshold)
		return fmt.Errorf("read the window of alert %q: %w", rs.rule.Name, err)
	}
	rs.counted = counted
	return nil
}

// snapshot is the state of the rules in force, as the state file keeps it.
func (e *Evaluator) snapshot() map[string]SavedRule {
	m := make(map[string]SavedRule, len(e.rules))
	for _, rs := range e.rules {
		m[rs.rule.Name] = SavedRule{Key: rs.rule.key(), Firing: rs.firing, Since: rs.since, Notified: rs.notified,
			Deliveries: e.deliveriesOf(rs.rule.Name)}
	}
	return m
}

func (e *Evaluator) loadState(ctx context.Context) (map[string]SavedRule, error) {
	if e.State == nil {
		return nil, nil
	}
	return e.State.LoadState(ctx)
}

// saveTimeout bounds a save of the state: the evaluation waits for it.
const saveTimeout = 10 * time.Second

// save writes the state, when there is a store for it.
func (e *Evaluator) save() {
	e.stats.dirty = false
	if e.State == nil {
		return
	}
	// Not the Run context: the last save, when Run ends, must happen.
	ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
	defer cancel()
	if err := e.State.SaveState(ctx, e.snapshot()); err != nil {
		e.logger().Error("alert state not saved", "error", err)
	}
}
