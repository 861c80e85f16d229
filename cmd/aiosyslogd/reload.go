package main

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/cmd/aiosyslogd/internal/sdnotify"
)

// reloadable is one part of the configuration that serve changes while it
// runs. At a reload, prepare is called with the new configuration on every
// reloadable first, then each apply it returned: an error from any prepare
// keeps the running configuration whole. prepare runs at every reload,
// changed keys or not, so that files named by the configuration are read
// again (renewed TLS certificates).
type reloadable struct {
	keys    []string // the keys it applies; a change to any other key needs a restart
	prepare func(cfg *Config) (apply func(), err error)
}

// always is the prepare of a change that cannot fail.
func always(apply func(cfg *Config)) func(*Config) (func(), error) {
	return func(cfg *Config) (func(), error) { return func() { apply(cfg) }, nil }
}

// reloadables are what a SIGHUP applies. A transport that reads files at
// start (the TLS certificate and key) adds itself here: prepare loads the
// files the new configuration names, apply swaps them in.
func (s *server) reloadables() []reloadable {
	r := []reloadable{
		{keys: []string{"server.debug"}, prepare: always(func(cfg *Config) { s.level.Set(logLevel(cfg)) })},
		{keys: []string{"server.log_dump"}, prepare: always(func(cfg *Config) { s.p.SetDump(dumpTarget(cfg)) })},
		{keys: []string{"sqlite.batch_size", "sqlite.batch_timeout", "postgresql.batch_size", "postgresql.batch_timeout"}, prepare: always(func(cfg *Config) {
			s.p.SetBatch(cfg.BatchSize(), cfg.BatchTimeout())
		})},
	}
	if s.store != nil {
		r = append(r, reloadable{keys: []string{"sqlite.retention_months"}, prepare: always(func(cfg *Config) {
			s.store.SetRetentionMonths(cfg.SQLite.RetentionMonths)
		})})
	}
	if s.keyPair != nil {
		r = append(r, s.tlsReloadable())
	}
	if s.alerts != nil {
		r = append(r, s.alerts.reloadable())
	}
	return r
}

// tlsReloadable reads the TLS certificate and key again at every reload
// (renewed files under the same names; new names need a restart). A pair
// that does not load is logged and the one in use kept, without holding
// back the rest of the reload.
func (s *server) tlsReloadable() reloadable {
	return reloadable{prepare: func(*Config) (func(), error) {
		cert, err := s.keyPair.Read()
		if err != nil {
			s.logger.Error("SIGHUP: TLS certificate not reloaded, keeping the one in use", "error", err)
			return func() {}, nil
		}
		return func() {
			s.keyPair.Use(cert)
			logCertificate(s.logger, "SIGHUP: TLS certificate reloaded", s.keyPair)
		}, nil
	}}
}

// reloadOnHUP reloads the configuration at each signal from hups until
// ctx ends.
func (s *server) reloadOnHUP(ctx context.Context, hups <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hups:
			s.notify(sdnotify.Reloading())
			if err := s.reload(); err != nil {
				s.logger.Error("reload failed; keeping the running configuration", "file", s.path, "error", err)
			}
			s.notify(sdnotify.Ready)
		}
	}
}

// reload reads the configuration file again, with the flags over it, and
// applies what can change live. A changed key that needs a restart is
// logged, and keeps its running value.
func (s *server) reload() error {
	next, err := parseConfigFile(s.path)
	if err != nil {
		return err
	}
	if err := s.flags.apply(&next); err != nil {
		return err
	}
	reloadables := s.reloadables()
	var live []string
	for _, r := range reloadables {
		live = append(live, r.keys...)
	}
	changes := configChanges(&s.cfg, &next)
	for _, ch := range changes {
		if !slices.Contains(live, ch.key) {
			s.logger.Warn("reload: the change needs a restart; keeping the running value",
				"key", ch.key, "running", ch.old, "file", ch.new)
			ch.undo(&next)
		}
	}
	var applies []func()
	for _, r := range reloadables {
		apply, err := r.prepare(&next)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.Join(r.keys, ", "), err)
		}
		applies = append(applies, apply)
	}
	for _, apply := range applies {
		apply()
	}
	for _, ch := range changes {
		if slices.Contains(live, ch.key) {
			s.logger.Info("reload: applied", "key", ch.key, "was", ch.old, "now", ch.new)
		}
	}
	s.cfg = next
	s.logger.Info("configuration reloaded", "file", s.path, "changed", len(changes))
	return nil
}

// configChange is one key whose value differs between two configurations.
type configChange struct {
	key      string // "table.key"
	old, new any
	undo     func(cfg *Config) // sets the key of cfg back to old
}

// configChanges lists the keys whose values differ from old to next, in
// the order of the Config struct, by their TOML names: a table added to
// Config is compared with no change here.
func configChanges(old, next *Config) []configChange {
	var changes []configChange
	ov, nv := reflect.ValueOf(old).Elem(), reflect.ValueOf(next).Elem()
	for i := range ov.NumField() {
		table := ov.Type().Field(i).Tag.Get("toml")
		ot, nt := ov.Field(i), nv.Field(i)
		if ot.Kind() != reflect.Struct { // [[alert]], [[notifier]]: one key each
			if !reflect.DeepEqual(ot.Interface(), nt.Interface()) {
				i, was := i, reflect.ValueOf(ot.Interface())
				changes = append(changes, configChange{key: table,
					old: fmt.Sprintf("%d tables", ot.Len()), new: fmt.Sprintf("%d tables", nt.Len()),
					undo: func(cfg *Config) { reflect.ValueOf(cfg).Elem().Field(i).Set(was) }})
			}
			continue
		}
		for j := range ot.NumField() {
			of, nf := ot.Field(j), nt.Field(j)
			if reflect.DeepEqual(of.Interface(), nf.Interface()) {
				continue
			}
			i, j, was := i, j, of.Interface()
			changes = append(changes, configChange{
				key: table + "." + ot.Type().Field(j).Tag.Get("toml"), old: was, new: nf.Interface(),
				undo: func(cfg *Config) { reflect.ValueOf(cfg).Elem().Field(i).Field(j).Set(reflect.ValueOf(was)) },
			})
		}
	}
	return changes
}
