//go:build e2e

package postgres

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/internal/testpg"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

func TestMain(m *testing.M) { os.Exit(testpg.Main(m)) }

// sharedDSN is a new database of the test binary's cluster.
func sharedDSN(tb testing.TB) string {
	tb.Helper()
	return testpg.Shared(tb).NewDatabase(tb)
}

// openStore opens a Store on a new database of the test cluster.
func openStore(t *testing.T) (*Store, string) {
	t.Helper()
	dsn := sharedDSN(t)
	s, err := Open(context.Background(), Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn
}

func row(at time.Time, host, app, text string) search.Row {
	return search.Row{
		ReceivedAt: at,
		Source:     netip.MustParseAddrPort("192.0.2.7:514"),
		Message: syslog.Message{Priority: syslog.NewPriority(syslog.Facility(4), syslog.Severity(6)),
			Timestamp: at.Add(-time.Second), Hostname: host, AppName: app, ProcID: "42", Text: text},
	}
}

// messages returns the Messages of every stored event, oldest first.
func messages(t *testing.T, r *Reader) []string {
	t.Helper()
	var got []string
	err := r.Search(context.Background(), search.Query{Order: search.OldestFirst}, func(e search.Event) error {
		got = append(got, e.Message)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestWriteReadBack writes batches that span a month boundary (the next
// month's partition is made on demand) and reads every column back.
func TestWriteReadBack(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 23, 59, 59, 999999000, time.UTC)
	b1 := []search.Row{row(at, "web1", "sshd", "first"), row(at.Add(time.Microsecond), "web2", "nginx", "second")}
	b1[1].Message.StructuredData = []syslog.SDElement{{ID: "x@1", Params: []syslog.SDParam{{Name: "k", Value: `v"q`}}}}
	b1[1].Raw = []byte("raw\x00bytes")
	b1[1].Message.Text = "nul\x00inside"
	b2 := []search.Row{row(at.Add(time.Hour), "", "cron", "third")}
	b2[0].Message.Timestamp = time.Time{}
	for _, b := range [][]search.Row{b1, b2} {
		if err := s.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	var got []search.Event
	err := s.Reader().Search(ctx, search.Query{Order: search.OldestFirst}, func(e search.Event) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("read %d events, want 3: %+v", len(got), got)
	}
	e := got[1]
	if e.Table != "SystemEvents202612" || got[0].Table != "SystemEvents202611" {
		t.Errorf("tables %s, %s", got[0].Table, e.Table)
	}
	if !e.ReceivedAt.Equal(at.Add(time.Microsecond)) || !e.DeviceReportedTime.Equal(at.Add(time.Microsecond-time.Second)) {
		t.Errorf("times %s %s", e.ReceivedAt, e.DeviceReportedTime)
	}
	if e.FromHost != "web2" || e.SysLogTag != "nginx" || e.ProcessID != "42" || e.FromHostIP != "192.0.2.7" ||
		e.Facility != 4 || e.Severity != 6 || e.InfoUnitID != 1 {
		t.Errorf("fields %+v", e)
	}
	if e.StructuredData != `[x@1 k="v\"q"]` || string(e.RawMessage) != "raw\x00bytes" || e.Message != "nul\uFFFDinside" {
		t.Errorf("sd %q raw %q message %q", e.StructuredData, e.RawMessage, e.Message)
	}
	if got[2].FromHost != "192.0.2.7" || !got[2].DeviceReportedTime.IsZero() {
		t.Errorf("no hostname, no timestamp: %+v", got[2])
	}
	if got[0].ID >= got[1].ID || got[1].ID >= got[2].ID {
		t.Errorf("IDs not in arrival order: %d %d %d", got[0].ID, got[1].ID, got[2].ID)
	}
	months, err := s.Reader().Months(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(months) < 3 || months[len(months)-1] != "SystemEvents202611" {
		t.Errorf("months %v: want this month, the next, and those written", months)
	}
}

// TestRetryAfterLostCommit loses the answer of a COMMIT that succeeded,
// as a connection broken during it would: the pipeline retries the same
// batch, which must not be stored twice. A new batch with the same
// content is a new batch, and is stored.
func TestRetryAfterLostCommit(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	at := time.Now().UTC()
	batch := []search.Row{row(at, "h", "a", "one"), row(at.Add(time.Millisecond), "h", "a", "two")}
	lost := errors.New("connection reset during COMMIT")
	s.commit = func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		return lost
	}
	if err := s.Write(ctx, batch); !errors.Is(err, lost) {
		t.Fatalf("Write = %v, want the lost commit", err)
	}
	s.commit = func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) }
	if err := s.Write(ctx, batch); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := messages(t, s.Reader()); len(got) != 2 {
		t.Fatalf("after the retry: %q, want one and two once", got)
	}
	again := append([]search.Row(nil), batch...)
	if err := s.Write(ctx, again); err != nil {
		t.Fatal(err)
	}
	if got := messages(t, s.Reader()); len(got) != 4 {
		t.Fatalf("a new batch of the same rows: %q, want 4 events", got)
	}
}

// TestCollectorsStartTogether opens several Stores on one empty database
// at once, as collectors started together would, each making the schema
// and the same partitions: none fails.
func TestCollectorsStartTogether(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	ctx := context.Background()
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	month := time.Date(2031, 1, 31, 23, 0, 0, 0, time.UTC)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, Options{DSN: dsn, MaxConns: 2})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			errs <- s.Write(ctx, []search.Row{row(month.Add(time.Duration(i)*time.Minute), "h", "a", "m")})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	r, err := OpenReader(ctx, Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := messages(t, r); len(got) != n {
		t.Errorf("stored %d events, want %d", len(got), n)
	}
}

// TestOpenReaderEmpty: a database serve never wrote to is an error that
// says so.
func TestOpenReaderEmpty(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	_, err := OpenReader(context.Background(), Options{DSN: dsn})
	if !errors.Is(err, ErrNoSchema) {
		t.Fatalf("OpenReader of an empty database = %v, want ErrNoSchema", err)
	}
}
