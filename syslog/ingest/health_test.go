package ingest_test

import (
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// The writer's state follows its writes: in progress, failing with the
// store's error, then stored with its time in the histogram.
func TestWriterStats(t *testing.T) {
	store := &memStore{block: make(chan struct{})}
	store.fail.Store(1)
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	before := time.Now()
	if w := p.Stats().Writer; !w.WriteStarted.IsZero() || !w.LastCommit.IsZero() || w.WriteTimes.Count != 0 {
		t.Errorf("idle writer = %+v, want nothing started or stored", w)
	}
	p.Input("udp").Offer(msg("one"))
	waitFor(t, "the write to start", func() bool { return store.writing.Load() == 1 })
	if w := p.Stats().Writer; w.WriteStarted.Before(before) || !w.FailingSince.IsZero() {
		t.Errorf("writing: %+v, want WriteStarted set and not failing", w)
	}
	store.block <- struct{}{} // the first write fails
	waitFor(t, "the failure", func() bool { return p.Stats().Writer.StoreErrors == 1 })
	w := p.Stats().Writer
	if w.FailingSince.Before(before) || w.LastError != "disk on fire" || !w.LastCommit.IsZero() {
		t.Errorf("failing: %+v, want FailingSince, LastError and no commit", w)
	}
	close(store.block) // the retry succeeds
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	w = p.Stats().Writer
	if w.LastCommit.Before(before) || !w.FailingSince.IsZero() || w.LastError != "" || !w.WriteStarted.IsZero() {
		t.Errorf("after the retry: %+v, want a commit and no failure", w)
	}
	if h := w.WriteTimes; h.Count != 1 || h.Sum <= 0 || h.Counts[len(h.Counts)-1] != 1 {
		t.Errorf("histogram = %+v, want the one stored write", h)
	}
}
