// Package testwait is how tests wait for something to happen: they poll a
// condition, bounded in time, instead of sleeping for a guess. Only tests
// import it.
package testwait

import "time"

// Poll calls cond until it returns nil or within has passed, and returns
// what it returned last. Waits between calls grow from 1 ms to 50 ms.
func Poll(within time.Duration, cond func() error) error {
	deadline := time.Now().Add(within)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait)
	}
}

// T is the part of testing.TB that Eventually uses.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Eventually waits until cond returns nil, failing the test with the last
// error it returned if that takes longer than within.
func Eventually(t T, within time.Duration, cond func() error) {
	t.Helper()
	if err := Poll(within, cond); err != nil {
		t.Fatalf("not within %s: %v", within, err)
	}
}
