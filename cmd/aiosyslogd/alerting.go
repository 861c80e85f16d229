package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/notify"
)

// alerting is serve's alerts: the evaluator that watches the pipeline and
// the dispatcher that sends its notices, each run by its own goroutine,
// which stop returns after.
type alerting struct {
	eval   *alert.Evaluator
	disp   *notify.Dispatcher
	reader db.Searcher // nil without a database
	stop   func()
}

// startAlerting starts evaluating the rules of cfg; the evaluator is the
// pipeline's Observer. Its goroutines run until stop: after the pipeline
// has written everything, so that the last batches are evaluated too.
func startAlerting(cfg *Config, logger *slog.Logger) (*alerting, error) {
	rules, err := cfg.Rules()
	if err != nil {
		return nil, err
	}
	notifiers, err := cfg.NotifierSet()
	if err != nil {
		return nil, err
	}
	a := &alerting{disp: &notify.Dispatcher{Logger: logger}}
	a.eval = &alert.Evaluator{Sink: a.disp, Logger: logger}
	if cfg.SQLite.Enabled {
		// The store has made the database: the reader reads back the
		// windows of rules that start and the newest matches of notices.
		if a.reader, err = db.OpenReader(context.Background(), cfg.SQLite.Database); err != nil {
			return nil, err
		}
		a.eval.History, a.disp.Events = a.reader, a.reader
		a.eval.StatePath = alertStatePath(cfg)
	}
	if cfg.PostgreSQL.Enabled {
		// The windows of rules that start and the matches of notices are
		// read back from PostgreSQL too; a rule's firing is not kept
		// across restarts there yet (no state file).
		r, err := openPostgresReader(context.Background(), cfg)
		if err != nil {
			return nil, err
		}
		a.reader, a.eval.History, a.disp.Events = r, r, r
	}
	a.disp.SetNotifiers(notifiers)
	a.disp.SetBaseURL(cfg.Web.BaseURL)
	if len(rules) > 0 {
		logger.Info("alerting", "rules", len(rules), "notifiers", len(notifiers), "state", a.eval.StatePath)
	}
	a.stop = a.run(rules)
	return a, nil
}

// alertStatePath is the file that keeps each rule's firing across
// restarts: beside the database, whose messages it is about.
func alertStatePath(cfg *Config) string { return cfg.SQLite.Database + "-alerts.json" }

// run starts the evaluator and the dispatcher; the returned function stops
// the evaluator (it evaluates what it was handed), then the dispatcher (it
// sends what is queued, within its drain time).
func (a *alerting) run(rules []alert.Rule) (stop func()) {
	evalCtx, stopEval := context.WithCancel(context.Background())
	dispCtx, stopDisp := context.WithCancel(context.Background())
	evalDone, dispDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(evalDone); a.eval.Run(evalCtx, rules) }()
	go func() { defer close(dispDone); a.disp.Run(dispCtx) }()
	return func() {
		stopEval()
		<-evalDone
		stopDisp()
		<-dispDone
		if a.reader != nil {
			a.reader.Close()
		}
	}
}

// reloadable replaces the rules, the notifiers and the base URL of links
// at a reload.
func (a *alerting) reloadable() reloadable {
	return reloadable{keys: []string{"alert", "notifier", "web_server.base_url"}, prepare: func(cfg *Config) (func(), error) {
		rules, err := cfg.Rules()
		if err != nil {
			return nil, err
		}
		notifiers, err := cfg.NotifierSet()
		if err != nil {
			return nil, errors.Join(errors.New("notifiers"), err)
		}
		return func() {
			a.eval.SetRules(rules)
			a.disp.SetNotifiers(notifiers)
			a.disp.SetBaseURL(cfg.Web.BaseURL)
		}, nil
	}}
}
