package session

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func newLimiter() (*LoginLimiter, *clock) {
	c := &clock{t0}
	return &LoginLimiter{Now: c.Now}, c
}

func allowed(l *LoginLimiter, name string) bool {
	ok, _ := l.Allow(name)
	return ok
}

func TestFiveFailuresInAMinuteLockTheName(t *testing.T) {
	l, clk := newLimiter()
	for i := range 4 {
		l.Fail("admin")
		clk.Advance(10 * time.Second)
		if !allowed(l, "admin") {
			t.Fatalf("locked after %d failures", i+1)
		}
	}
	l.Fail("admin") // the fifth, 40 s after the first
	ok, wait := l.Allow("admin")
	if ok || wait != time.Minute {
		t.Fatalf("after 5 failures: ok %v, retry after %v; want locked for 1m", ok, wait)
	}
	if !allowed(l, "alice") {
		t.Error("another name is locked too")
	}
	clk.Advance(59 * time.Second)
	if ok, wait := l.Allow("admin"); ok || wait != time.Second {
		t.Errorf("59 s later: ok %v, retry after %v", ok, wait)
	}
	clk.Advance(time.Second)
	if !allowed(l, "admin") {
		t.Error("still locked a minute later")
	}
	l.Fail("admin") // the count started again
	if !allowed(l, "admin") {
		t.Error("one failure after the lockout locks again")
	}
}

func TestFailuresOutsideTheWindowDoNotCount(t *testing.T) {
	l, clk := newLimiter()
	for range 10 {
		l.Fail("admin")
		clk.Advance(16 * time.Second) // four in any minute, never five
		if !allowed(l, "admin") {
			t.Fatal("locked by failures spread over more than a minute")
		}
	}
}

func TestResetForgetsFailures(t *testing.T) {
	l, _ := newLimiter()
	for range 4 {
		l.Fail("admin")
	}
	l.Reset("admin") // logged in
	l.Fail("admin")
	if !allowed(l, "admin") || l.Tracked() != 1 {
		t.Errorf("after a reset and one failure: allowed %v, tracked %d", allowed(l, "admin"), l.Tracked())
	}
}

func TestLimiterSettings(t *testing.T) {
	c := &clock{t0}
	l := &LoginLimiter{MaxFailures: 2, Window: time.Second, Lockout: time.Hour, Now: c.Now}
	l.Fail("x")
	l.Fail("x")
	if ok, wait := l.Allow("x"); ok || wait != time.Hour {
		t.Errorf("ok %v, wait %v; want locked for an hour after 2", ok, wait)
	}
}

func TestAMillionNamesStayBounded(t *testing.T) {
	l, clk := newLimiter()
	for range 5 {
		l.Fail("admin") // the name under attack, locked
	}
	long := strings.Repeat("n", 10000)
	for i := range 1_000_000 {
		name := strconv.Itoa(i)
		if i%1000 == 0 {
			name = long + name // long names cost no more than short ones
		}
		l.Fail(name)
		if i%100_000 == 0 {
			clk.Advance(time.Second)
		}
	}
	if n := l.Tracked(); n > DefaultMaxNames {
		t.Errorf("%d names tracked; want at most %d", n, DefaultMaxNames)
	}
	if allowed(l, "admin") {
		t.Error("the flood of names unlocked the name under attack")
	}
	for k := range l.names {
		if len(k) > 33 {
			t.Fatalf("a key of %d bytes is kept", len(k))
		}
	}
}

func TestZeroLimiterIsUsable(t *testing.T) {
	var l LoginLimiter
	for range DefaultMaxFailures {
		l.Fail("admin")
	}
	if allowed(&l, "admin") {
		t.Error("the zero LoginLimiter does not lock")
	}
}
