package main

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/cmd/aiosyslogd/internal/sdnotify"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// health is what /readyz and the watchdog know of a running serve.
type health struct {
	p         *ingest.Pipeline
	listening atomic.Bool // every listener is bound and served
	stopping  atomic.Bool // shutdown began
}

// stuckWrite is how long one batch write may run before serve is not
// ready: longer than the store's busy timeout (10 s), which a write waits
// for another process's lock before it fails.
const stuckWrite = 15 * time.Second

// ready is nil when serve listens and its writer keeps up: the last write
// succeeded, or nothing was waiting to be written. Otherwise it says why
// not, in one line.
func (h *health) ready() error {
	switch {
	case h.stopping.Load():
		return errors.New("shutting down")
	case !h.listening.Load():
		return errors.New("starting: not listening yet")
	}
	st := h.p.Stats()
	if err := spoolFull(st.Spool); err != nil {
		return err
	}
	w := st.Writer
	if !w.FailingSince.IsZero() {
		return fmt.Errorf("store failing since %s: %s", w.FailingSince.UTC().Format(time.RFC3339),
			strings.ReplaceAll(w.LastError, "\n", " "))
	}
	return writeStuck(w, time.Now(), stuckWrite)
}

// spoolReady is the share of spool.max_size_mb past which serve is not
// ready: the spool is near the point where senders are slowed.
const spoolReady = 0.9

// spoolFull is an error when the spool, if any, is over spoolReady of its
// size.
func spoolFull(st *spool.Stats) error {
	if st == nil || st.MaxBytes <= 0 || float64(st.Bytes) <= spoolReady*float64(st.MaxBytes) {
		return nil
	}
	return fmt.Errorf("spool over 90%% full: %d of %d MiB, %d messages waiting to be stored",
		st.Bytes>>20, st.MaxBytes>>20, st.Messages)
}

// writeStuck is an error when the write in progress began more than limit
// before now.
func writeStuck(w ingest.WriterStats, now time.Time, limit time.Duration) error {
	if w.WriteStarted.IsZero() {
		return nil
	}
	if d := now.Sub(w.WriteStarted); d > limit {
		return fmt.Errorf("a batch write has been running for %s", d.Round(time.Second))
	}
	return nil
}

// watchdog sends WATCHDOG=1 every half of timeout (the unit's WatchdogSec)
// while the writer makes progress: waiting for a batch, as an idle server
// does, or in a write begun less than half of timeout ago. A failing store
// is progress (the writer retries and the queue holds the messages, which
// a restart would lose); a write that never returns is not, and systemd
// then restarts the service. The returned function stops it. It does
// nothing when timeout is 0 (no watchdog).
func (s *server) watchdog(timeout time.Duration) (stop func()) {
	if timeout <= 0 {
		return func() {}
	}
	every := timeout / 2
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if err := writeStuck(s.p.Stats().Writer, time.Now(), every); err != nil {
				s.logger.Error("not telling the watchdog that all is well", "error", err)
			} else {
				s.notify(sdnotify.Watchdog)
			}
			select {
			case <-t.C:
			case <-quit:
				return
			}
		}
	}()
	return func() { close(quit); <-done }
}
