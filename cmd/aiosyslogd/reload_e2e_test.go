//go:build e2e

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// reload writes config as the daemon's configuration file, sends SIGHUP
// and waits for the daemon to log the outcome (want: "configuration
// reloaded" or "reload failed") for the n-th time.
func (d *daemon) reload(config string, want string, n int) {
	d.t.Helper()
	if err := os.WriteFile(filepath.Join(d.dir, "test.toml"), []byte(config), 0o644); err != nil {
		d.t.Fatal(err)
	}
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		d.t.Fatal(err)
	}
	eventually(d.t, 30*time.Second, func() error {
		if log := d.Stderr(); strings.Count(log, want) < n {
			return fmt.Errorf("no %q (#%d) since SIGHUP:\n%s", want, n, log)
		}
		return nil
	})
}

// A steady stream across ten SIGHUPs, each changing the batch settings
// and the log level: every message sent is stored, none dropped.
func TestSIGHUPLosesNothing(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "batch_size = 100") })
	sent, stop := d.flood("steady", 1<<30, 10)
	defer stop()
	for i := 1; i <= 10; i++ {
		// Messages in flight at every reload: 500 more sent since the last.
		want := sent.Load() + 500
		eventually(t, 30*time.Second, func() error {
			if n := sent.Load(); n < want {
				return fmt.Errorf("sent only %d, want %d", n, want)
			}
			return nil
		})
		sqlite := fmt.Sprintf("batch_size = %d\nbatch_timeout = %v", []int{7, 500}[i%2], []float64{0.05, 1}[i%2])
		d.reload(testConfig(d.dbPath, fmt.Sprintf("debug = %v", i%2 == 0), sqlite), "configuration reloaded", i)
	}
	stop()
	d.Stop()
	received, stored, dropped := d.stoppedCount("received"), d.stoppedCount("stored"), d.stoppedCount("dropped")
	rows := rowCount(t, d.dbPath)
	if received != sent.Load() || stored != received || dropped != 0 || rows != received {
		t.Errorf("sent %d, received %d, stored %d, dropped %d, rows %d: want every message sent stored",
			sent.Load(), received, stored, dropped, rows)
	}
	if n := strings.Count(d.Stderr(), `msg="reload: applied" key=sqlite.batch_size`); n != 10 {
		t.Errorf("%d lines say batch_size was applied, want 10", n)
	}
}

// Each key that changes live does, from the reload on; a key that needs a
// restart is logged and keeps its value; a bad file keeps the running
// configuration.
func TestSIGHUPAppliesWhatChangesLive(t *testing.T) {
	tests := []struct {
		name                 string
		server, sqlite       string // the configuration at start
		newServer, newSQLite string // after the reload; newFile replaces both
		newFile              string
		setup                func(t *testing.T, dbPath string)
		before, after        func(d *daemon) // sent before and checked after the reload
		wantLog              []string
	}{
		{
			name: "debug", newServer: "debug = true",
			after: func(d *daemon) {
				d.send("<999>not syslog")
				d.waitLog("malformed message, stored raw", 30*time.Second)
			},
			wantLog: []string{`msg="reload: applied" key=server.debug was=false now=true`},
		},
		{
			name: "log_dump", newServer: "log_dump = true",
			after: func(d *daemon) {
				d.send("<13>1 - h app - - - dumped after the reload")
				d.waitStdout("<13>1 - h app - - - dumped after the reload\n", 30*time.Second)
			},
			wantLog: []string{`key=server.log_dump was=false now=true`},
		},
		{
			name: "batch_timeout", sqlite: "batch_timeout = 600", newSQLite: "batch_timeout = 0.1",
			before: func(d *daemon) { d.send("<13>1 - h app - - - pending at the reload") },
			after:  func(d *daemon) { d.waitRows(1, 30*time.Second) }, // not 600 s later
		},
		{
			name: "retention_months", newSQLite: "retention_months = 1", setup: oldMonth,
			after: func(d *daemon) {
				d.send("<13>1 - h app - - - the next write prunes")
				d.waitLog(`msg="dropped month past retention" table=SystemEvents202001`, 30*time.Second)
			},
		},
		{
			name: "queue_size needs a restart", newServer: "queue_size = 5",
			after: func(d *daemon) {
				d.send("<13>1 - h app - - - after the reload")
				d.waitRows(1, 30*time.Second)
			},
			wantLog: []string{`msg="reload: the change needs a restart; keeping the running value" key=server.queue_size running=1048576 file=5`},
		},
		{
			name: "queue_max_mb needs a restart", newServer: "queue_max_mb = 5",
			after: func(d *daemon) {
				d.send("<13>1 - h app - - - after the reload")
				d.waitRows(1, 30*time.Second)
			},
			wantLog: []string{`msg="reload: the change needs a restart; keeping the running value" key=server.queue_max_mb running=256 file=5`},
		},
		{
			name: "queue_max_mb out of its range is refused", newFile: "[server]\ndebug = true\nqueue_max_mb = 65537\n",
			after: func(d *daemon) {
				d.send("<13>1 - h app - - - after a failed reload")
				d.waitRows(1, 30*time.Second)
			},
			wantLog: []string{`msg="reload failed; keeping the running configuration"`, "line 3: server.queue_max_mb = 65537: want 1 to 65536 MiB"},
		},
		{
			name: "a bad file keeps the running configuration", newFile: "[server]\ndebug = true\nqueue_size = 0\n",
			after: func(d *daemon) {
				d.send("<13>1 - h app - - - after a failed reload")
				d.waitRows(1, 30*time.Second)
			},
			wantLog: []string{`msg="reload failed; keeping the running configuration"`, "line 3: server.queue_size = 0"},
		},
		{
			// Applied before, then the batcher's allocation crashed the
			// daemon and lost the queue.
			name: "a value out of range keeps the running configuration", newFile: "[sqlite]\nbatch_size = 1000000000000\n",
			after: func(d *daemon) {
				d.send("<13>1 - h app - - - after a refused reload")
				d.waitRows(1, 30*time.Second)
			},
			wantLog: []string{`msg="reload failed; keeping the running configuration"`,
				"line 2: sqlite.batch_size = 1000000000000: want 1 to 100,000 messages"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "syslog.db")
			if tt.setup != nil {
				tt.setup(t, dbPath)
			}
			d := startDaemon(t, func(string) string { return testConfig(dbPath, tt.server, tt.sqlite) })
			d.dbPath = dbPath
			if tt.before != nil {
				tt.before(d)
			}
			file, outcome := tt.newFile, "reload failed"
			if file == "" {
				file, outcome = testConfig(dbPath, tt.newServer, tt.newSQLite), "configuration reloaded"
			}
			d.reload(file, outcome, 1)
			tt.after(d)
			for _, w := range tt.wantLog {
				if !strings.Contains(d.Stderr(), w) {
					t.Errorf("log lacks %q:\n%s", w, d.Stderr())
				}
			}
			d.Stop()
		})
	}
}

// oldMonth makes the database at dbPath with one message of January 2020.
func oldMonth(t *testing.T, dbPath string) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
	rec := ingest.NewRow(&syslog.Parser{}, ingest.Received{Data: []byte("<13>1 - h app - - - old"), At: at})
	if err := store.Write(context.Background(), []search.Row{rec}); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
}
