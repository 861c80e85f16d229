package receive

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

// lockedBuffer is output a test reads while it is written.
type lockedBuffer = testwait.Log

// A flood logs its first line at once and, at the interval's end, one
// line with how many were left out; the next interval starts afresh.
func TestLimitedLogCountsWhatItLeavesOut(t *testing.T) {
	var out lockedBuffer
	logger := slog.New(slog.NewTextHandler(&out, nil))
	l := &limitedLog{every: 100 * time.Millisecond}
	for i := range 1000 {
		l.log(logger, "bad frame", "n", i)
	}
	eventually(t, 5*time.Second, func() error {
		if !strings.Contains(out.String(), "more_like_this=999") {
			return fmt.Errorf("no summary of 999 lines left out:\n%s", out.String())
		}
		return nil
	})
	if got := strings.Count(out.String(), "\n"); got != 2 {
		t.Errorf("%d lines for a flood of 1000, want 2:\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), `msg="bad frame" n=0`+"\n") || !strings.Contains(out.String(), "n=1 more_like_this=999 within=100ms") {
		t.Errorf("want the first line whole and the summary with the first left out:\n%s", out.String())
	}
	l.log(logger, "bad frame", "n", 1000) // a new interval: logged at once
	if !strings.Contains(out.String(), "n=1000\n") {
		t.Errorf("the first line of the next interval is missing:\n%s", out.String())
	}
	l.flush() // nothing left out: no line
	if got := strings.Count(out.String(), "\n"); got != 3 {
		t.Errorf("%d lines, want 3:\n%s", got, out.String())
	}
}

// Stopping writes the summary of the interval at once.
func TestLimitedLogFlush(t *testing.T) {
	var out lockedBuffer
	logger := slog.New(slog.NewTextHandler(&out, nil))
	l := &limitedLog{}
	l.log(logger, "refused")
	l.log(logger, "refused")
	l.log(logger, "refused")
	l.flush()
	if got := out.String(); strings.Count(got, "\n") != 2 || !strings.Contains(got, "more_like_this=2 within=10s") {
		t.Errorf("want the first line and a summary of 2:\n%s", got)
	}
}

// eventually is testwait's: tests wait on conditions, bounded in time.
var eventually = testwait.Eventually
