//go:build e2e

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/internal/testpg"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// sourceMonths are the two months of the test's SQLite history: the two
// before this one.
func sourceMonths() [2]db.Month {
	this := db.MonthOf(time.Now())
	return [2]db.Month{this.Prev().Prev(), this.Prev()}
}

// writeCopySource writes perMonth messages into each of sourceMonths in a
// new SQLite database through the SQLite store, parsed as serve parses
// them: RFC 5424 with structured data, RFC 3164, and one malformed
// message (no PRI, invalid UTF-8, a NUL) kept in RawMessage.
func writeCopySource(t *testing.T, path string, perMonth int) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var p syslog.Parser
	for _, m := range sourceMonths() {
		var batch []search.Row
		for i := range perMonth {
			at := m.Start().Add(time.Duration(i)*17*time.Minute + time.Duration(i)*time.Microsecond)
			var line string
			switch {
			case i == perMonth/2:
				line = "\xff\xfe not syslog at all \x00 with a NUL and word malformed"
			case i%5 == 0:
				line = fmt.Sprintf("<%d>%s host%d app%d[%d]: bsd line %d word%d", 8+i%100, at.Format(time.Stamp), i%7, i%3, 1000+i, i, i%11)
			default:
				line = fmt.Sprintf(`<%d>1 %s host%d app%d %d ID%d [origin@32473 ip="10.0.0.%d" seq="%d"][meta x="a\"b"] message %d word%d caf%s`,
					8+i%100, at.Add(-time.Second).Format(time.RFC3339Nano), i%7, i%3, 1000+i, i%4, i%250, i, i, i%11, "é")
			}
			msg, err := p.Parse([]byte(line))
			row := search.Row{ReceivedAt: at, Source: netip.MustParseAddrPort(fmt.Sprintf("192.0.2.%d:514", 1+i%200)), Message: msg}
			if err != nil || !utf8.ValidString(line) || strings.IndexByte(line, 0) >= 0 {
				row.Raw = []byte(line)
			}
			if batch = append(batch, row); len(batch) == 500 || i == perMonth-1 {
				if err := store.Write(ctx, batch); err != nil {
					t.Fatal(err)
				}
				batch = nil
			}
		}
	}
}

// TestCopySQLiteToPostgres copies an SQLite history of two months into
// PostgreSQL with the binary, kills the first copy -9 while a batch is
// in flight, runs it again, and checks that each event is stored once,
// every column equal: the command's own comparison, and search on both
// stores returning the same events.
func TestCopySQLiteToPostgres(t *testing.T) {
	const perMonth = 1500
	dir := t.TempDir()
	src := filepath.Join(dir, "syslog.sqlite3")
	writeCopySource(t, src, perMonth)
	dsn := testpg.Shared(t).NewDatabase(t)
	cfg := filepath.Join(dir, "pg.toml")
	if err := os.WriteFile(cfg, []byte(postgresConfig(dsn)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	store, err := postgres.Open(ctx, postgres.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	abs, _ := filepath.Abs(src)
	copied := func() int64 {
		p, err := store.CopyProgress(ctx, abs)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, m := range p {
			n += m.Events
		}
		return n
	}

	// The first copy: once it has stored some batches, the test locks
	// the table and its partitions, so its next batch waits inside its transaction
	// (the progress already moved in it, the COPY waiting); then kill -9.
	first := exec.CommandContext(ctx, binPath, "--config", cfg, "copy", "--from", "sqlite:"+src, "--to", "postgresql", "--batch-size", "25")
	first.Dir, first.Env = dir, cleanEnv()
	var firstOut testwait.Log
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	testwait.Eventually(t, time.Minute, func() error {
		select {
		case err := <-exited:
			t.Fatalf("the copy ended (%v) before it was killed\n%s", err, firstOut.String())
		default:
		}
		if n := copied(); n < 200 {
			return fmt.Errorf("the copy stored %d events, waiting for 200:\n%s", n, firstOut.String())
		}
		return nil
	})
	locker, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(context.Background())
	tx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	months := sourceMonths()
	if _, err := tx.Exec(ctx, "LOCK TABLE SystemEvents IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	testwait.Eventually(t, time.Minute, func() error {
		select {
		case err := <-exited:
			t.Fatalf("the copy ended (%v) before it was killed: give it more events\n%s", err, firstOut.String())
		default:
		}
		return checkWaiting(ctx, dsn)
	})
	before := copied()
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if before <= 0 || before >= 2*perMonth {
		t.Fatalf("killed after %d events of %d: want a copy cut in the middle", before, 2*perMonth)
	}
	if after := copied(); after != before {
		t.Errorf("the killed batch moved the progress: %d before the kill, %d after", before, after)
	}
	t.Logf("the first copy was killed after %d of %d events", before, 2*perMonth)

	// The second copy goes on and checks counts and a sample.
	out, errOut, code := runBinary(t, dir, nil, "--config", cfg, "copy", "--from", "sqlite:"+src, "--to", "postgresql:"+dsn, "--batch-size", "400", "--sample", "300")
	if code != 0 {
		t.Fatalf("copy: status %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{fmt.Sprintf("resuming: %d events stored by an earlier run", before),
		fmt.Sprintf("copied %d of %d events (100.0%%)", 2*perMonth, 2*perMonth), "copy complete: counts and sample equal", "sample: "} {
		if !strings.Contains(out, want) {
			t.Errorf("copy output lacks %q:\n%s", want, out)
		}
	}
	for _, m := range months {
		n, err := store.CountMonth(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if n != perMonth {
			t.Errorf("%s holds %d events in PostgreSQL, want %d", m, n, perMonth)
		}
	}
	// A third run finds everything copied and stores nothing.
	out, errOut, code = runBinary(t, dir, nil, "--config", cfg, "copy", "--from", "sqlite:"+src)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("resuming: %d events", 2*perMonth)) {
		t.Errorf("copy again: status %d\n%s%s", code, out, errOut)
	}
	compareCopySearches(t, dir, src, cfg)

	// The comparison fails when PostgreSQL differs: a changed column, a
	// missing event.
	for _, tc := range []struct{ change, want string }{
		{"UPDATE SystemEvents SET ProcessID = ProcessID || 'x'", "differs in ProcessID"},
		{"DELETE FROM SystemEvents WHERE ID = (SELECT min(ID) FROM SystemEvents)", "MISMATCH: postgresql holds fewer"},
	} {
		if _, err := locker.Exec(ctx, tc.change); err != nil {
			t.Fatal(err)
		}
		out, errOut, code = runBinary(t, dir, nil, "--config", cfg, "copy", "--from", "sqlite:"+src, "--sample", "20")
		if code != 1 || !strings.Contains(out, tc.want) || !strings.Contains(errOut, "mismatches") {
			t.Errorf("copy after %q: status %d, want 1 and %q:\n%s%s", tc.change, code, tc.want, out, errOut)
		}
	}
}

// checkWaiting is nil once a statement of the copy waits for a lock.
func checkWaiting(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.application_name = 'aiosyslogd'").Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("the copy does not wait for the lock yet")
	}
	return nil
}

// compareCopySearches runs the same searches on the SQLite file and on
// PostgreSQL and wants the same events (IDs aside) and counts.
func compareCopySearches(t *testing.T, dir, src, cfg string) {
	t.Helper()
	for _, q := range []string{"", "malformed", "word3", "tag:app1", "host:host2 AND word5", "cafe", "msgid:ID3", "pid:1005"} {
		args := []string{"-o", "json", "--limit", "0", "--reverse"}
		if q != "" {
			args = append(args, q)
		}
		sqOut, sqErr, sqCode := runBinary(t, dir, []string{"TZ=UTC"}, append([]string{"search", "--db", src}, args...)...)
		pgOut, pgErr, pgCode := runBinary(t, dir, []string{"TZ=UTC"}, append([]string{"--config", cfg, "search"}, args...)...)
		if sqCode != 0 || pgCode != 0 {
			t.Fatalf("search %q: status %d and %d: %s%s", q, sqCode, pgCode, sqErr, pgErr)
		}
		// PostgreSQL's text holds no NUL: both stores keep the exact
		// bytes in RawMessage, PostgreSQL's Message has U+FFFD for NUL.
		sq, pg := withoutIDs(t, strings.ReplaceAll(sqOut, `\u0000`, "\uFFFD")), withoutIDs(t, pgOut)
		if len(sq) == 0 {
			t.Errorf("search %q found nothing in SQLite", q)
		}
		if !slices.Equal(sq, pg) {
			t.Errorf("search %q: SQLite found %d events, PostgreSQL %d, not the same", q, len(sq), len(pg))
			for i := range min(len(sq), len(pg)) {
				if sq[i] != pg[i] {
					t.Errorf("first difference:\nsqlite:     %s\npostgresql: %s", sq[i], pg[i])
					break
				}
			}
		}
	}
}

// withoutIDs is search's NDJSON events with their IDs left out.
func withoutIDs(t *testing.T, out string) []string {
	t.Helper()
	var lines []string
	for _, e := range searchParseJSON(t, out) {
		e.ID = 0
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	return lines
}
