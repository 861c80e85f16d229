package testwait

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPollReturnsOnceTheConditionHolds(t *testing.T) {
	calls := 0
	err := Poll(10*time.Second, func() error {
		if calls++; calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("Poll = %v after %d calls, want nil after 3", err, calls)
	}
}

func TestPollGivesUpWithTheLastError(t *testing.T) {
	calls := 0
	err := Poll(20*time.Millisecond, func() error { calls++; return fmt.Errorf("try %d", calls) })
	if err == nil || err.Error() != fmt.Sprintf("try %d", calls) {
		t.Errorf("Poll = %v after %d calls, want the last call's error", err, calls)
	}
}

// fatal records what Eventually reports.
type fatal struct{ msg string }

func (f *fatal) Helper()                        {}
func (f *fatal) Fatalf(format string, a ...any) { f.msg = fmt.Sprintf(format, a...) }

func TestEventuallyFailsWithTheLastError(t *testing.T) {
	var f fatal
	Eventually(&f, 10*time.Millisecond, func() error { return errors.New("no row yet") })
	if !strings.Contains(f.msg, "not within 10ms: no row yet") {
		t.Errorf("Eventually reported %q", f.msg)
	}
}

func TestLogIsReadWhileWritten(t *testing.T) {
	var l Log
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			fmt.Fprintf(&l, "line %d\n", i)
		}
	}()
	Eventually(t, 10*time.Second, func() error {
		if n := strings.Count(l.String(), "\n"); n != 100 {
			return fmt.Errorf("%d lines", n)
		}
		return nil
	})
	<-done
}
