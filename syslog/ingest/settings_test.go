package ingest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// batchSizes returns the size of each batch the store has written.
func (m *memStore) batchSizes() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sizes []int
	for _, b := range m.batches {
		sizes = append(sizes, len(b))
	}
	return sizes
}

// SetBatch changes a running pipeline's batches from the next message on:
// a smaller size, then a short timeout in place of an hour.
func TestSetBatchChangesTheRunningPipeline(t *testing.T) {
	store := &memStore{}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour})
	in := p.Input("udp")
	p.SetBatch(2, time.Hour)
	for _, s := range []string{"a", "b", "c", "d"} {
		in.Offer(msg(s))
	}
	waitFor(t, "two batches of two", func() bool { return len(store.texts()) == 4 })
	p.SetBatch(1000, 20*time.Millisecond)
	in.Offer(msg("e"))
	waitFor(t, "the timeout flush", func() bool { return len(store.texts()) == 5 })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got := store.batchSizes(); !slices.Equal(got, []int{2, 2, 1}) {
		t.Errorf("batch sizes %v, want [2 2 1]", got)
	}
}

// Messages pending when SetBatch shrinks the size below their number are
// written at once; pending under a new, shorter timeout, within it.
func TestSetBatchWritesWhatIsPending(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		timeout time.Duration
	}{
		{"size below the pending count", 2, time.Hour},
		{"shorter timeout", 1000, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &memStore{}
			p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour})
			defer p.Close()
			in := p.Input("udp")
			for _, s := range []string{"a", "b", "c"} {
				in.Offer(msg(s))
			}
			waitFor(t, "the batcher to take them", func() bool { return p.Stats().Queued == 0 })
			p.SetBatch(tt.size, tt.timeout)
			waitFor(t, "the pending batch", func() bool { return len(store.texts()) == 3 })
		})
	}
}

// SetDump starts and stops the dump of a running pipeline, from the next
// message the batcher takes.
func TestSetDump(t *testing.T) {
	store := &memStore{}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	in := p.Input("udp")
	in.Offer(msg("before"))
	waitFor(t, "the first message", func() bool { return len(store.texts()) == 1 })
	var dump syncWriter
	p.SetDump(&dump)
	in.Offer(msg("during"))
	waitFor(t, "the dumped line", func() bool { return strings.Contains(dump.String(), "during") })
	p.SetDump(nil)
	in.Offer(msg("after"))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got := dump.String(); strings.Count(got, "\n") != 1 || strings.Contains(got, "before") || strings.Contains(got, "after") {
		t.Errorf("dump = %q, want the one message sent while it was on", got)
	}
	if got := store.texts(); !slices.Equal(got, []string{"before", "during", "after"}) {
		t.Errorf("stored %q", got)
	}
}
