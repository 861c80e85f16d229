package storetest

import (
	"strings"
	"testing"
)

// TestBenchEventIsRealistic keeps the generator honest without making the
// database: the rare word is rare, and messages vary.
func TestBenchEventIsRealistic(t *testing.T) {
	rng := BenchRNG()
	const n = 100_000
	rare, attacker, withSD, errs := 0, 0, 0, 0
	texts, apps := map[string]bool{}, map[string]bool{}
	for i := range n {
		r := BenchEvent(rng, i, BenchStart)
		if strings.Contains(r.Message.Text, BenchRareWord) {
			rare++
		}
		if strings.Contains(r.Message.Text, BenchAttacker) {
			attacker++
		}
		if r.Message.StructuredData != nil {
			withSD++
		}
		if r.Message.AppName == "nginx" && r.Message.Priority.Severity() == 3 {
			errs++
		}
		texts[r.Message.Text] = true
		apps[r.Message.AppName] = true
	}
	if rare != n/1000 {
		t.Errorf("%q in %d of %d events, want 1 in 1000", BenchRareWord, rare, n)
	}
	// Shares, with room for chance: 1 in 2,000, 1 in 200, 1 in 18.
	if attacker < n/4000 || attacker > n/1000 {
		t.Errorf("%q in %d of %d events, want about 1 in 2000", BenchAttacker, attacker, n)
	}
	if withSD < n/400 || withSD > n/100 {
		t.Errorf("structured data in %d of %d events, want about 1 in 200", withSD, n)
	}
	if errs < n/30 || errs > n/10 {
		t.Errorf("nginx errors in %d of %d events, want about 1 in 18", errs, n)
	}
	if len(texts) < n*85/100 { // cron and systemd repeat, as they do
		t.Errorf("%d distinct messages of %d: not varied enough", len(texts), n)
	}
	if len(apps) < 7 {
		t.Errorf("%d distinct apps, want the whole mix", len(apps))
	}
}
