//go:build e2e

package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// copySource is three events of an SQLite month as its reader returns
// them: every column set, one with raw bytes, invalid UTF-8 and a NUL.
func copySource() []search.Event {
	at := time.Date(2026, 9, 14, 8, 30, 0, 123456000, time.UTC)
	return []search.Event{
		{Table: "SystemEvents202609", ID: 7, Facility: syslog.Facility(4), Severity: syslog.Severity(2), FromHost: "web-07",
			FromHostIP: "192.0.2.9", InfoUnitID: 1, ReceivedAt: at, DeviceReportedTime: at.Add(-time.Second),
			SysLogTag: "sshd", ProcessID: "4242", MsgID: "AUTH", StructuredData: `[origin ip="10.1.2.3"][x a="b\"c"]`,
			Message: "Failed password for root from 10.1.2.3"},
		{Table: "SystemEvents202609", ID: 9, Facility: syslog.Facility(1), Severity: syslog.Severity(5), FromHost: "192.0.2.10",
			InfoUnitID: 1, ReceivedAt: at.Add(time.Microsecond), Message: "bad \xff text \x00 NUL",
			RawMessage: []byte("bad \xff text \x00 NUL")},
		{Table: "SystemEvents202609", ID: 12, Facility: syslog.Facility(23), Severity: syslog.Severity(7), FromHost: "h",
			InfoUnitID: 3, ReceivedAt: at.Add(time.Hour), SysLogTag: "app", Message: "Café plain"},
	}
}

// TestCopyBatchStoresEveryColumnOnce copies a batch, reads each event
// back equal to Stored of its source, and finds that the same batch
// again (a second copy of the source running, or a retry after the
// progress moved) stores nothing.
func TestCopyBatchStoresEveryColumnOnce(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	src := copySource()
	m := db.MonthOf(src[0].ReceivedAt)
	if err := s.CopyBatch(ctx, "/data/a.sqlite3", m, 0, src[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.CopyBatch(ctx, "/data/a.sqlite3", m, 9, src[2:]); err != nil {
		t.Fatal(err)
	}
	err := s.CopyBatch(ctx, "/data/a.sqlite3", m, 0, src[:2])
	if !errors.Is(err, ErrCopyMoved) {
		t.Errorf("the same batch again: %v, want ErrCopyMoved", err)
	}
	// Another source's progress is its own.
	if err := s.CopyBatch(ctx, "/data/b.sqlite3", m, 0, src[2:]); err != nil {
		t.Fatal(err)
	}
	p, err := s.CopyProgress(ctx, "/data/a.sqlite3")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p[m.String()], (CopiedMonth{LastID: 12, Events: 3}); got != want || len(p) != 1 {
		t.Errorf("progress %v, want %s: %+v", p, m, want)
	}
	if n, err := s.CountMonth(ctx, m); err != nil || n != 4 {
		t.Errorf("CountMonth = %d, %v; want 4", n, err)
	}
	for i := range src {
		want := Stored(&src[i])
		got, err := s.EventsReceivedAt(ctx, want.ReceivedAt)
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if len(got) != 2 {
				t.Fatalf("event %d: %d events at its time, want 2 (two sources)", i, len(got))
			}
		} else if len(got) != 1 {
			t.Fatalf("event %d: %d events at its time, want 1", i, len(got))
		}
		g := Stored(&got[0])
		if g.Table != "" || got[0].Table != m.Table() {
			t.Errorf("event %d: table %q", i, got[0].Table)
		}
		if !equalEvents(&want, &g) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, g, want)
		}
	}
	if st := Stored(&src[1]); st.Message != "bad \uFFFD text \uFFFD NUL" || string(st.RawMessage) != string(src[1].RawMessage) {
		t.Errorf("Stored message %q, raw %q", st.Message, st.RawMessage)
	}
	// The words are indexed as the writer indexes them.
	expr, err := query.Parse("cafe")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Reader().Count(ctx, search.Query{Expr: expr}); err != nil || n != 2 {
		t.Errorf("count cafe = %d, %v; want 2", n, err)
	}
}

func equalEvents(a, b *search.Event) bool {
	return a.Facility == b.Facility && a.Severity == b.Severity && a.FromHost == b.FromHost && a.FromHostIP == b.FromHostIP &&
		a.InfoUnitID == b.InfoUnitID && a.ReceivedAt.Equal(b.ReceivedAt) && a.DeviceReportedTime.Equal(b.DeviceReportedTime) &&
		a.SysLogTag == b.SysLogTag && a.ProcessID == b.ProcessID && a.MsgID == b.MsgID && a.StructuredData == b.StructuredData &&
		a.Message == b.Message && string(a.RawMessage) == string(b.RawMessage)
}
