package main

import "time"

// poll calls cond until it returns nil or within has passed, and returns
// what it returned last. Waits between calls grow from 1 ms to 50 ms.
func poll(within time.Duration, cond func() error) error {
	deadline := time.Now().Add(within)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait)
	}
}

// eventually waits until cond returns nil, failing the test with the last
// error it returned if that takes longer than within.
func eventually(t interface {
	Helper()
	Fatalf(format string, args ...any)
}, within time.Duration, cond func() error) {
	t.Helper()
	if err := poll(within, cond); err != nil {
		t.Fatalf("not within %s: %v", within, err)
	}
}
