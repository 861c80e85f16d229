package ingest

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The stats line is logged when something was received or dropped since
// the last one, and not while the pipeline is idle.
func TestReportChangeIsQuietWhenIdle(t *testing.T) {
	var logs strings.Builder
	p := New(Config{Store: nil, BatchSize: 1, BatchTimeout: time.Hour, StatsInterval: time.Hour,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	defer p.Close()
	in := p.Input("udp")
	var last Stats
	steps := []struct {
		received int
		wantLine bool
	}{
		{0, false}, // nothing yet
		{2, true},
		{0, false}, // idle
		{0, false},
		{1, true},
	}
	for i, s := range steps {
		for range s.received {
			in.Offer(Received{Data: []byte("<13>x")})
		}
		before := strings.Count(logs.String(), "msg=stats")
		logged := p.reportChange(&last)
		if got := strings.Count(logs.String(), "msg=stats") - before; logged != s.wantLine || got != btoi(s.wantLine) {
			t.Errorf("step %d: logged = %v (%d lines), want %v", i, logged, got, s.wantLine)
		}
	}
	if !strings.Contains(logs.String(), "received=3") {
		t.Errorf("last stats line lacks received=3:\n%s", logs.String())
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
