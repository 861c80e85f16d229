package ingest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// kilo is a message of about 1,000 bytes, numbered i.
func kilo(i int) ingest.Received {
	return msg(fmt.Sprintf("m%03d %s", i, strings.Repeat("x", 990)))
}

// slack is what parsing may add to the bytes held in these tests: each
// parsed message's record is 160 bytes larger than its queue slot, and
// fewer than ten are in hand.
const slack = 10 * 160

// With the writer stuck, Offer takes messages until their bytes reach
// QueueBytes, far below QueueSize, then counts the rest as dropped; once
// stored, every byte is given back.
func TestOfferDropsAtTheByteLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &memStore{block: make(chan struct{})}
		p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour,
			QueueSize: 1000, QueueBytes: 10_000})
		in := p.Input("udp")
		accepted := 0
		for i := range 50 {
			if in.Offer(kilo(i)) {
				accepted++
			}
			synctest.Wait() // the batcher takes what it can
			if st := p.Stats(); st.QueuedBytes > st.QueueMaxBytes+slack {
				t.Fatalf("after %d offers: %d bytes held, over the limit of %d", i+1, st.QueuedBytes, st.QueueMaxBytes)
			}
		}
		st := p.Stats()
		if accepted < 7 || accepted > 9 {
			t.Errorf("accepted %d messages of 1 kB with a limit of 10 kB, want 7 to 9", accepted)
		}
		if st.Dropped != uint64(50-accepted) || st.QueuedBytes < st.QueueMaxBytes-1200 { // within one message's charge
			t.Errorf("stats = %+v, want %d dropped and the bytes at the limit", st, 50-accepted)
		}
		close(store.block)
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if st := p.Stats(); st.Stored != uint64(accepted) || st.QueuedBytes != 0 {
			t.Errorf("after Close: %d stored (want %d), %d bytes still held", st.Stored, accepted, st.QueuedBytes)
		}
	})
}

// Submit waits while the bytes are at the limit, and goes on as the
// writer stores: nothing is dropped and order is kept.
func TestSubmitWaitsForBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &memStore{block: make(chan struct{})}
		p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour,
			QueueSize: 1000, QueueBytes: 10_000})
		in := p.Input("tcp")
		const total = 30
		var submitted atomic.Int32
		done := make(chan error, 1)
		go func() {
			for i := range total {
				if err := in.Submit(context.Background(), kilo(i)); err != nil {
					done <- err
					return
				}
				submitted.Add(1)
			}
			done <- nil
		}()
		synctest.Wait()
		if n := submitted.Load(); n < 7 || n > 9 {
			t.Errorf("%d Submits of 1 kB returned with a limit of 10 kB and the writer stuck, want 7 to 9", n)
		}
		if st := p.Stats(); st.QueuedBytes > st.QueueMaxBytes+slack || st.Dropped != 0 {
			t.Errorf("stats = %+v, want the bytes within the limit and nothing dropped", st)
		}
		close(store.block)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for i := range total {
			want = append(want, fmt.Sprintf("m%03d", i))
		}
		for _, text := range store.texts() {
			got = append(got, text[:4])
		}
		if !slices.Equal(got, want) {
			t.Errorf("stored %q, want every message in order", got)
		}
		if st := p.Stats(); st.Stored != total || st.QueuedBytes != 0 {
			t.Errorf("stats = %+v, want %d stored and no bytes held", st, total)
		}
	})
}

// The batch being filled is handed over at a quarter of QueueBytes, not at
// BatchSize or after BatchTimeout: its bytes are held until it is stored,
// and a sender waiting for them must not wait for the timeout.
func TestPendingBatchDoesNotHoldTheBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &memStore{}
		p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour, QueueBytes: 10_000})
		in := p.Input("tcp")
		start := time.Now()
		for i := range 100 {
			if err := in.Submit(context.Background(), kilo(i)); err != nil {
				t.Fatal(err)
			}
		}
		if waited := time.Since(start); waited >= time.Hour {
			t.Errorf("100 messages of 1 kB took %v with a 10 kB limit: they waited for the batch timeout", waited)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if st := p.Stats(); st.Stored != 100 || st.Batches < 25 {
			t.Errorf("stats = %+v, want 100 stored in batches of 2 or 3", st)
		}
	})
}
