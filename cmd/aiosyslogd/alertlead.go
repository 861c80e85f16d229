package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// On PostgreSQL, the collectors writing one database take turns
// evaluating the alert rules: one at a time leads (postgres.Candidate),
// reading every collector's committed messages back from the database,
// so that each rule counts all of them once.
const (
	// leadPoll is how often a collector that does not lead asks for the
	// lead, and the leader checks that its session lives: a new leader
	// takes over within about this long after the last one's session
	// ended.
	leadPoll = 2 * time.Second
	// feedPoll is how often the leader reads what was committed since.
	feedPoll = time.Second
	// leadTimeout bounds asking for the lead, or checking it: a session
	// that does not answer within it is taken as lost.
	leadTimeout = 5 * time.Second
)

// openLead connects to cfg's primary (dsn, not read_dsn: the leader's
// windows, feed, state and lock must all be the primary's) for the
// evaluator's history, feed and state, and for this collector's bid.
// Its connections may write: the lead saves the state in AlertStates.
func (a *alerting) openLead(ctx context.Context, cfg *Config) error {
	o := postgres.Options{DSN: cfg.PostgreSQL.DSN, PasswordFile: cfg.PostgreSQL.PasswordFile}
	r, err := postgres.OpenLeadReader(ctx, o)
	if err != nil {
		return fmt.Errorf("postgresql: alerts: %w", err)
	}
	c, err := postgres.NewCandidate(ctx, o)
	if err != nil {
		r.Close()
		return fmt.Errorf("postgresql: alerts: %w", err)
	}
	a.primary, a.candidate, a.reader = r, c, r
	a.eval.History, a.disp.Events = r, r
	a.eval.State = leaderState{StateStore: r.AlertStates(), leading: &a.leading}
	return nil
}

// errNotLeading is why a collector that lost the lead saves nothing.
var errNotLeading = errors.New("this collector no longer leads: the state is the new leader's to save")

// leaderState is the rules' state in the database, saved only while this
// collector leads: one that lost the lead (its session ended under it)
// must not overwrite what the new leader saved since.
type leaderState struct {
	alert.StateStore
	leading *atomic.Bool
}

// SaveState saves rules while this collector leads.
func (s leaderState) SaveState(ctx context.Context, rules map[string]alert.SavedRule) error {
	if !s.leading.Load() {
		return errNotLeading
	}
	return s.StateStore.SaveState(ctx, rules)
}

// lead asks for the lead every leadPoll while there are rules and, while
// this collector holds it, evaluates them; it returns when ctx ends.
// Without rules it does not ask: the leader reads every row back, which
// is only worth it for rules.
func (a *alerting) lead(ctx context.Context) {
	tick := time.NewTicker(leadPoll)
	defer tick.Stop()
	for {
		led, err := false, error(nil)
		if len(a.rulesInForce()) > 0 {
			led, err = a.tryLead(ctx)
		}
		if err != nil && ctx.Err() == nil {
			a.logger.Warn("alert lead: asking again", "in", leadPoll, "error", err)
		}
		if led {
			a.logger.Info("alert lead taken: this collector evaluates the rules")
			a.term(ctx, tick.C)
			if ctx.Err() != nil {
				a.candidate.Resign(context.Background())
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// tryLead asks for the lead, or checks it, within leadTimeout.
func (a *alerting) tryLead(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, leadTimeout)
	defer cancel()
	return a.candidate.TryLead(ctx)
}

// term is one lead: the evaluator runs, fed by every collector's commits
// after the term began, until ctx ends, the feed fails, or the lead is
// lost (checked at each tick).
func (a *alerting) term(ctx context.Context, tick <-chan time.Time) {
	// The snapshot first: what it saw, the rules' windows count from
	// history when the evaluator starts; the feed passes what it did not.
	// A batch committed between the snapshot and a window's read may be
	// counted twice at a term's start, as on SQLite a batch committed
	// while a window is read may be.
	from, err := a.primary.TailSnapshot(ctx, search.Query{}, 0, nil)
	if err != nil {
		a.logger.Error("alert lead: cannot start the feed", "error", err)
		a.candidate.Resign(ctx)
		return
	}
	a.leading.Store(true)
	defer a.leading.Store(false)
	tctx, cancel := context.WithCancel(ctx)
	evalDone, feedDone := make(chan struct{}), make(chan error, 1)
	go func() { defer close(evalDone); a.eval.Run(tctx, a.rulesInForce()) }()
	go func() { feedDone <- a.primary.Feed(tctx, from, feedPoll, a.eval.StoredEvents) }()
	fed := a.hold(ctx, tick, feedDone)
	cancel()
	if !fed {
		<-feedDone
	}
	<-evalDone // it saved the state: then another collector may lead
	if ctx.Err() == nil {
		a.candidate.Resign(ctx)
	}
}

// hold waits until ctx ends, the feed ends (fed: its result was taken), or
// the lead is lost.
func (a *alerting) hold(ctx context.Context, tick <-chan time.Time, feedDone <-chan error) (fed bool) {
	for {
		select {
		case <-ctx.Done():
			return false
		case err := <-feedDone:
			a.logger.Error("alert lead given up: the feed from the database failed", "error", err)
			return true
		case <-tick:
			if len(a.rulesInForce()) == 0 {
				a.logger.Info("alert lead given back: no rules to evaluate")
				return false
			}
			if led, err := a.tryLead(ctx); !led {
				a.leading.Store(false) // before the evaluator's last save
				a.logger.Warn("alert lead lost: another collector may evaluate the rules", "error", err)
				return false
			}
		}
	}
}
