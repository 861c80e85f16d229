package ingest_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

func openSpool(t *testing.T, dir string, maxBytes int64) (*spool.Spool, spool.Recovered) {
	t.Helper()
	s, found, err := spool.Open(spool.Options{Dir: dir, MaxBytes: maxBytes, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s, found
}

func numbered(n int) []string {
	var s []string
	for i := 0; i < n; i++ {
		s = append(s, fmt.Sprintf("m%05d", i))
	}
	return s
}

// Every message goes through the spool to the store, in order, and the
// spool is empty once they are stored.
func TestSpooledMessagesAreStoredInOrder(t *testing.T) {
	sp, _ := openSpool(t, t.TempDir(), 0)
	defer sp.Close()
	store := &memStore{}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 100, BatchTimeout: 10 * time.Millisecond, Spool: sp})
	udp, tcp := p.Input("udp"), p.StreamInput("tcp")
	want := numbered(2000)
	for i, s := range want {
		if i%2 == 0 {
			udp.Offer(msg(s))
		} else if err := tcp.Submit(context.Background(), msg(s)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "every message stored", func() bool { return len(store.texts()) == len(want) })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got := store.texts(); !slices.Equal(got, want) {
		t.Fatalf("stored %d messages out of order or changed", len(got))
	}
	if st := sp.Stats(); st.Messages != 0 {
		t.Fatalf("spool after everything is stored: %+v", st)
	}
	st := p.Stats()
	if st.Stored != 2000 || st.Transports[1].Stored != 1000 {
		t.Fatalf("counted %+v", st)
	}
}

// When the store fails until the drain deadline, Close leaves the messages
// in the spool, and the next pipeline on the same spool stores them first,
// each once.
func TestUnstoredMessagesWaitInTheSpoolForTheNextStart(t *testing.T) {
	dir := t.TempDir()
	sp, _ := openSpool(t, dir, 0)
	failing := &memStore{}
	failing.fail.Store(1 << 30)
	p := ingest.New(ingest.Config{Store: failing, BatchSize: 50, BatchTimeout: 10 * time.Millisecond, Spool: sp,
		SpoolDrain: 200 * time.Millisecond, ShutdownRetry: time.Hour})
	first := numbered(500)
	for _, s := range first {
		p.Input("udp").Offer(msg(s))
	}
	waitFor(t, "the writer to try", func() bool { return failing.writing.Load() > 0 })
	if err := p.Close(); err != nil {
		t.Fatalf("Close with everything kept in the spool: %v", err)
	}
	if st := sp.Stats(); st.Messages != 500 {
		t.Fatalf("spool after Close: %+v, want 500 messages", st)
	}
	sp.Close()

	sp2, found := openSpool(t, dir, 0)
	defer sp2.Close()
	if found.Messages != 500 {
		t.Fatalf("found %+v", found)
	}
	store := &memStore{}
	p2 := ingest.New(ingest.Config{Store: store, BatchSize: 50, BatchTimeout: 10 * time.Millisecond, Spool: sp2})
	p2.Input("udp").Offer(msg("after restart"))
	waitFor(t, "everything stored", func() bool { return len(store.texts()) == 501 })
	if err := p2.Close(); err != nil {
		t.Fatal(err)
	}
	if got := store.texts(); !slices.Equal(got, append(first, "after restart")) {
		t.Fatalf("stored %d messages, not the 500 left then the new one in order", len(got))
	}
}

// A full spool makes the queue fill: UDP is counted as dropped and a
// stream sender waits; once stored messages make room, both go on.
func TestFullSpoolPushesBack(t *testing.T) {
	sp, _ := openSpool(t, t.TempDir(), 64<<10)
	defer sp.Close()
	store := &memStore{block: make(chan struct{})}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 10, BatchTimeout: time.Millisecond, Spool: sp,
		QueueSize: 100, QueueBytes: 1 << 20})
	udp, tcp := p.Input("udp"), p.StreamInput("tcp")
	waitFor(t, "the spool to fill", func() bool {
		for i := 0; i < 20; i++ {
			udp.Offer(msg("filler"))
		}
		return sp.Stats().Bytes > 60<<10
	})
	dropped := p.Stats().Dropped
	waitFor(t, "the queue to fill and UDP to drop", func() bool {
		for i := 0; i < 200; i++ {
			udp.Offer(msg("filler"))
		}
		return p.Stats().Dropped >= dropped+1000
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := tcp.Submit(ctx, msg("waits")); err == nil {
		t.Fatal("a stream sender did not wait while the spool and the queue were full")
	}
	close(store.block)
	if err := tcp.Submit(context.Background(), msg("goes on")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the stream message stored", func() bool { return slices.Contains(store.texts(), "goes on") })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	if got := uint64(len(store.texts())); got != st.Stored || st.Stored+st.Dropped != st.Received {
		t.Fatalf("stored %d, counts %+v: received = stored + dropped must hold", got, st.Counts)
	}
}

// A sender that waits for its message to be committed (RELP) is told only
// after the store returns, through the spool too.
func TestSpooledCommittedAfterTheStore(t *testing.T) {
	sp, _ := openSpool(t, t.TempDir(), 0)
	defer sp.Close()
	store := &memStore{block: make(chan struct{})}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 10, BatchTimeout: time.Hour, Spool: sp})
	var acks committedLog
	for i := 0; i < 3; i++ {
		r := msg(fmt.Sprint("relp ", i))
		r.Committed = acks.callback()
		if err := p.StreamInput("relp").Submit(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the writer to hold a batch", func() bool { return store.writing.Load() >= 1 })
	if n := acks.count(); n != 0 {
		t.Fatalf("Committed called %d times before the store returned", n)
	}
	close(store.block)
	waitFor(t, "three acknowledgements", func() bool { return acks.count() == 3 })
	for _, err := range acks.errs() {
		if err != nil {
			t.Fatalf("Committed(%v)", err)
		}
	}
	p.Close()
}

// With a spool, the queue in front of it has at most SpoolQueueSlots
// slots whatever QueueSize says: the spool holds the backlog, and a
// million slots would be live heap for the collector to scan. Without one,
// QueueSize is the queue's capacity.
func TestQueueSlots(t *testing.T) {
	for _, tc := range []struct {
		size    int
		spooled bool
		want    int
	}{
		{0, false, ingest.DefaultQueueSize},
		{0, true, ingest.SpoolQueueSlots},
		{1 << 24, true, ingest.SpoolQueueSlots},
		{1 << 24, false, 1 << 24},
		{1000, true, 1000},
		{1000, false, 1000},
	} {
		if got := ingest.QueueSlots(tc.size, tc.spooled); got != tc.want {
			t.Errorf("QueueSlots(%d, %t) = %d, want %d", tc.size, tc.spooled, got, tc.want)
		}
	}
	sp, _ := openSpool(t, t.TempDir(), 0)
	defer sp.Close()
	p := ingest.New(ingest.Config{Store: &memStore{}, QueueSize: 1 << 20, Spool: sp})
	defer p.Close()
	if got := p.Stats().QueueCapacity; got != ingest.SpoolQueueSlots {
		t.Fatalf("spooled pipeline's queue capacity %d, want %d", got, ingest.SpoolQueueSlots)
	}
}
