package main

import (
	"strings"
	"testing"
	"time"
)

// TestProgressBar: on a terminal the bar is redrawn in place and its line
// ended at the end; elsewhere each report is a plain line, and only when
// its interval has passed.
func TestProgressBar(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tty      bool
		elapsed  time.Duration // since the last report, when add is called
		lastDue  bool          // the second add is due too
		want     []string
		wantNot  []string
		newlines int
	}{
		{"terminal", true, time.Second, false, []string{"\r[###############...............]  50.0% 50/100 events", "2026-11", "\r[##############################] 100.0% 100/100 events"}, nil, 1},
		{"pipe, due", false, 11 * time.Second, false, []string{"copied 50 of 100 events (50.0%)", "copied 100 of 100 events (100.0%)", "month 2026-11\n"}, []string{"\r", "["}, 2},
		{"pipe, not due", false, time.Second, false, []string{"copied 100 of 100 events (100.0%)"}, []string{"copied 50 of"}, 1},
		{"pipe, the last due", false, time.Second, true, []string{"copied 100 of 100 events (100.0%)"}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			p := newProgressBar(&out, tc.tty)
			p.total, p.month = 100, "2026-11"
			p.shown = time.Now().Add(-tc.elapsed)
			p.add(50)
			p.shown = time.Now()
			if tc.lastDue {
				p.shown = time.Now().Add(-time.Minute)
			}
			p.add(50)
			p.finish()
			got := out.String()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%q", w, got)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("output has %q:\n%q", w, got)
				}
			}
			if n := strings.Count(got, "\n"); n != tc.newlines {
				t.Errorf("%d lines, want %d:\n%q", n, tc.newlines, got)
			}
		})
	}
}
