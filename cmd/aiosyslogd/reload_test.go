package main

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// configChanges names each changed key by its TOML name, and undo puts the
// running value back.
func TestConfigChanges(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
		want []string
	}{
		{"nothing", func(*Config) {}, nil},
		{"one key", func(c *Config) { c.Server.Debug = true }, []string{"server.debug"}},
		{"keys of three tables", func(c *Config) {
			c.Server.BindPort, c.SQLite.BatchTimeout, c.Metrics.Enabled = 514, 1, true
		}, []string{"server.bind_port", "sqlite.batch_timeout", "metrics.enabled"}},
	}
	for _, tt := range tests {
		old, next := defaultConfig(), defaultConfig()
		tt.edit(&next)
		changes := configChanges(&old, &next)
		var keys []string
		for _, ch := range changes {
			keys = append(keys, ch.key)
			ch.undo(&next)
		}
		if !reflect.DeepEqual(keys, tt.want) {
			t.Errorf("%s: changed %v, want %v", tt.name, keys, tt.want)
		}
		if !reflect.DeepEqual(next, old) {
			t.Errorf("%s: after undo %+v, want the old configuration", tt.name, next)
		}
	}
}

// Every key that a reloadable applies is a key of the configuration.
func TestReloadablesNameRealKeys(t *testing.T) {
	s := &server{p: ingest.New(ingest.Config{})}
	defer s.p.Close()
	keys := configDefaults(t)
	for _, r := range s.reloadables() {
		for _, k := range r.keys {
			if _, ok := keys[k]; !ok {
				t.Errorf("reloadable key %q is not in the configuration", k)
			}
		}
	}
}

func TestWriteStuck(t *testing.T) {
	now := time.Now()
	tests := []struct {
		started time.Time
		want    error
	}{
		{time.Time{}, nil}, // waiting for a batch: an idle server
		{now.Add(-time.Second), nil},
		{now.Add(-20 * time.Second), errors.New("a batch write has been running for 20s")},
	}
	for _, tt := range tests {
		err := writeStuck(ingest.WriterStats{WriteStarted: tt.started}, now, stuckWrite)
		if (err == nil) != (tt.want == nil) || (err != nil && err.Error() != tt.want.Error()) {
			t.Errorf("started %s ago: %v, want %v", now.Sub(tt.started), err, tt.want)
		}
	}
}

func TestSpoolFull(t *testing.T) {
	tests := []struct {
		st   *spool.Stats
		want string
	}{
		{nil, ""}, // no spool
		{&spool.Stats{Bytes: 900 << 20, MaxBytes: 1000 << 20}, ""}, // 90%: still ready
		{&spool.Stats{Bytes: 901 << 20, MaxBytes: 1000 << 20, Messages: 42},
			"spool over 90% full: 901 of 1000 MiB, 42 messages waiting to be stored"},
	}
	for _, tt := range tests {
		err := spoolFull(tt.st)
		if got := fmt.Sprint(err); (err == nil) != (tt.want == "") || err != nil && got != tt.want {
			t.Errorf("spoolFull(%+v) = %v, want %q", tt.st, err, tt.want)
		}
	}
}
