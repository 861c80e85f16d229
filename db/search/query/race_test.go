//go:build race

package query_test

// raceEnabled: the race detector makes sync.Pool drop what is put in it,
// so that allocation counts mean nothing.
const raceEnabled = true
