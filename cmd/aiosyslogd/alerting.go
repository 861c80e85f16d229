package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/notify"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// rulesPoll is how often serve looks at the rules file for a change (the
// web page's edits take effect without a signal).
const rulesPoll = 2 * time.Second

// alerting is serve's alerts: the evaluator and the dispatcher that sends
// its notices, each run by its own goroutine, and the watcher of the rules
// file; stop returns after all three. On SQLite the evaluator watches the
// pipeline; on PostgreSQL it runs only while this collector leads (see
// lead), fed from the database.
type alerting struct {
	eval      *alert.Evaluator
	disp      *notify.Dispatcher
	reader    db.Searcher // nil without a database
	logger    *slog.Logger
	cfgPath   string // the configuration's file, for errors
	rulesPath string // the rules file; "" without one
	stop      func()

	// On PostgreSQL: the primary's reader (History, Feed, AlertStates)
	// and this collector's bid for the lead; nil on SQLite.
	primary   *postgres.Reader
	candidate *postgres.Candidate
	leading   atomic.Bool // while a term of the lead runs, until it is lost

	mu        sync.Mutex
	cfgRules  []alert.Rule // the configuration's [[alert]]
	rules     []alert.Rule // in force: the configuration's and the rules file's
	notifiers []string     // the configuration's [[notifier]] names
	seen      os.FileInfo  // the rules file last read; nil when there was none
}

// startAlerting starts evaluating the rules of cfg (read from cfgPath)
// and of the rules file; on SQLite the evaluator is the pipeline's
// Observer, on PostgreSQL it runs while this collector leads. Its
// goroutines run until stop: after the pipeline has written everything,
// so that the last batches are evaluated too.
func startAlerting(cfg *Config, cfgPath string, logger *slog.Logger) (*alerting, error) {
	a := &alerting{disp: &notify.Dispatcher{Logger: logger}, logger: logger, cfgPath: cfgPath, rulesPath: alertRulesPath(cfg, cfgPath)}
	rules, err := a.prepareRules(cfg)
	if err != nil {
		return nil, err
	}
	notifiers, err := cfg.NotifierSet()
	if err != nil {
		return nil, err
	}
	a.eval = &alert.Evaluator{Sink: a.disp, Logger: logger}
	a.disp.Delivered = a.eval.Delivered
	if cfg.SQLite.Enabled {
		// The store has made the database: the reader reads back the
		// windows of rules that start and the newest matches of notices.
		src := readSource{cfg: cfg, file: cfg.SQLite.Database}
		if a.reader, err = openReader(context.Background(), src, 0); err != nil {
			return nil, err
		}
		a.eval.History, a.disp.Events = a.reader, a.reader
		a.eval.State = alert.StateFile(alertStatePath(cfg))
	}
	state := "memory"
	if cfg.SQLite.Enabled {
		state = alertStatePath(cfg)
	}
	if cfg.PostgreSQL.Enabled {
		if err := a.openLead(context.Background(), cfg); err != nil {
			return nil, err
		}
		state = "postgresql table AlertStates"
	}
	a.disp.SetNotifiers(notifiers)
	a.disp.SetBaseURL(cfg.Web.BaseURL)
	if len(rules) > 0 {
		logger.Info("alerting", "rules", len(rules), "notifiers", len(notifiers), "state", state, "rules_file", a.rulesPath)
	}
	a.stop = a.run(rules)
	return a, nil
}

// observer is what the pipeline tells of each stored batch: the evaluator
// on SQLite; nil on PostgreSQL, where the collector that leads reads every
// collector's batches back from the database.
func (a *alerting) observer() ingest.Observer {
	if a.candidate != nil {
		return nil
	}
	return a.eval
}

// alertStatePath is the file that keeps each rule's firing across
// restarts: beside the database, whose messages it is about.
func alertStatePath(cfg *Config) string { return cfg.SQLite.Database + "-alerts.json" }

// alertRulesPath is the rules file that the web page writes and serve
// reads: beside the SQLite database, as the state file; on PostgreSQL
// beside the configuration file cfgPath, named for it (aiosyslogd.toml:
// aiosyslogd-rules.toml); "" without either.
func alertRulesPath(cfg *Config, cfgPath string) string {
	switch {
	case cfg.SQLite.Enabled && cfg.SQLite.Database != "":
		return cfg.SQLite.Database + "-rules.toml"
	case cfg.PostgreSQL.Enabled && cfgPath != "":
		return strings.TrimSuffix(cfgPath, filepath.Ext(cfgPath)) + "-rules.toml"
	}
	return ""
}

// allRules are the rules of the configuration (read from cfgPath) and
// of the rules file, checked: a name in both is an error naming both
// files.
func allRules(cfg *Config, cfgPath string) ([]alert.Rule, error) {
	rules, err := cfg.Rules()
	if err != nil {
		return nil, err
	}
	path := alertRulesPath(cfg, cfgPath)
	if path == "" {
		return rules, nil
	}
	f, fileRules, err := rulesfile.Read(path, cfg.NotifierNames())
	if err != nil {
		return nil, err
	}
	all, err := mergeRules(rules, fileRules, cfgPath, path)
	return f.Apply(all), err
}

// mergeRules is the configuration's rules, then the rules file's; a name
// in both is an error.
func mergeRules(cfgRules, fileRules []alert.Rule, cfgPath, rulesPath string) ([]alert.Rule, error) {
	if cfgPath == "" {
		cfgPath = "the configuration"
	}
	all := append([]alert.Rule(nil), cfgRules...)
	for _, r := range fileRules {
		for _, c := range cfgRules {
			if c.Name == r.Name {
				return nil, fmt.Errorf("[[alert]] %q is in both %s and %s: names must be unique (rename or delete one)",
					r.Name, cfgPath, rulesPath)
			}
		}
		all = append(all, r)
	}
	return all, nil
}

// prepareRules reads the rules of cfg and the rules file, and keeps what
// the watcher needs to read the file again.
func (a *alerting) prepareRules(cfg *Config) ([]alert.Rule, error) {
	cfgRules, err := cfg.Rules()
	if err != nil {
		return nil, err
	}
	seen, _ := os.Stat(a.rulesPath)
	rules, err := a.withFile(cfgRules, cfg.NotifierNames())
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.cfgRules, a.rules, a.notifiers, a.seen = cfgRules, rules, cfg.NotifierNames(), seen
	a.mu.Unlock()
	return rules, nil
}

// withFile is cfgRules and the rules of the rules file, with its mutes.
func (a *alerting) withFile(cfgRules []alert.Rule, notifiers []string) ([]alert.Rule, error) {
	if a.rulesPath == "" {
		return cfgRules, nil
	}
	f, fileRules, err := rulesfile.Read(a.rulesPath, notifiers)
	if err != nil {
		return nil, err
	}
	all, err := mergeRules(cfgRules, fileRules, a.cfgPath, a.rulesPath)
	return f.Apply(all), err
}

// run starts the evaluator, the dispatcher and the watcher of the rules
// file; the returned function stops the watcher, the evaluator (it
// evaluates what it was handed), then the dispatcher (it sends what is
// queued, within its drain time).
func (a *alerting) run(rules []alert.Rule) (stop func()) {
	evalCtx, stopEval := context.WithCancel(context.Background())
	dispCtx, stopDisp := context.WithCancel(context.Background())
	watchCtx, stopWatch := context.WithCancel(context.Background())
	evalDone, dispDone, watchDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(evalDone)
		if a.candidate != nil {
			a.lead(evalCtx)
			return
		}
		a.eval.Run(evalCtx, rules)
	}()
	go func() { defer close(dispDone); a.disp.Run(dispCtx) }()
	go func() { defer close(watchDone); a.watch(watchCtx) }()
	return func() {
		stopWatch()
		<-watchDone
		stopEval()
		<-evalDone
		stopDisp()
		<-dispDone
		if a.reader != nil {
			a.reader.Close()
		}
		if a.candidate != nil {
			a.candidate.Close()
		}
	}
}

// watch reads the rules file again whenever it changed (another file,
// size or modification time) until ctx ends.
func (a *alerting) watch(ctx context.Context) {
	if a.rulesPath == "" {
		return
	}
	tick := time.NewTicker(rulesPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			a.rulesFileChanged()
		}
	}
}

// rulesFileChanged applies the rules file when it is not the one last
// read. A file with a mistake is logged once, and the rules in force stay.
func (a *alerting) rulesFileChanged() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now, _ := os.Stat(a.rulesPath)
	if sameStamp(a.seen, now) {
		return
	}
	a.seen = now
	rules, err := a.withFile(a.cfgRules, a.notifiers)
	if err != nil {
		a.logger.Error("rules file not applied; keeping the rules in force", "file", a.rulesPath, "error", err)
		return
	}
	a.setRules(rules)
	a.logger.Info("rules file applied", "file", a.rulesPath, "rules", len(rules))
}

// setRules makes rules the rules in force; a.mu is held.
func (a *alerting) setRules(rules []alert.Rule) {
	a.rules = rules
	a.eval.SetRules(rules)
}

// rulesInForce are the rules a term of the lead starts with.
func (a *alerting) rulesInForce() []alert.Rule {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rules
}

// sameStamp tells whether two looks at a file saw the same file, unchanged
// (nil: no file).
func sameStamp(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// reloadable replaces the rules (of the configuration and of the rules
// file), the notifiers and the base URL of links at a reload.
func (a *alerting) reloadable() reloadable {
	return reloadable{keys: []string{"alert", "notifier", "web_server.base_url"}, prepare: func(cfg *Config) (func(), error) {
		cfgRules, err := cfg.Rules()
		if err != nil {
			return nil, err
		}
		seen, _ := os.Stat(a.rulesPath)
		rules, err := a.withFile(cfgRules, cfg.NotifierNames())
		if err != nil {
			return nil, err
		}
		notifiers, err := cfg.NotifierSet()
		if err != nil {
			return nil, errors.Join(errors.New("notifiers"), err)
		}
		return func() {
			a.mu.Lock()
			a.cfgRules, a.notifiers, a.seen = cfgRules, cfg.NotifierNames(), seen
			a.setRules(rules)
			a.mu.Unlock()
			a.disp.SetNotifiers(notifiers)
			a.disp.SetBaseURL(cfg.Web.BaseURL)
		}, nil
	}}
}
