package alert

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// benchQueries are the kinds of rule people write; benchRules cycles
// through them.
var benchQueries = []string{
	`tag:sshd "Failed password"`,
	`severity:err host:web-*`,
	`"link down" OR "link up"`,
	`tag:kernel (oom OR "out of memory")`,
	`facility:auth -host:bastion`,
	`sudo* user=root`,
	`msgid:ID47 sd.origin.ip:10.1.2.3`,
	`disk full`,
	`ip:10.0.0.0/8 tag:nginx 502`,
	`message:panic`,
}

func benchRules(b *testing.B, n int) []Rule {
	var rules []Rule
	for i := range n {
		r, err := NewRule(fmt.Sprintf("rule %d", i), benchQueries[i%len(benchQueries)])
		if err != nil {
			b.Fatal(err)
		}
		r.Threshold, r.Window = 100, 5*time.Minute
		rules = append(rules, r)
	}
	return rules
}

var benchTexts = []string{
	"Failed password for invalid user admin from 203.0.113.7 port 52144 ssh2",
	"Accepted publickey for deploy from 10.1.2.3 port 40022 ssh2: ED25519 SHA256:abc",
	"GET /api/v1/items?page=2 HTTP/1.1 502 0.003",
	"Interface GigabitEthernet0/1, changed state to down (link down)",
	"pam_unix(sudo:session): session opened for user root by bob(uid=1000)",
	"kernel: Out of memory: Killed process 1234 (java)",
}

// benchBatch is n records from many hosts and tags, received now.
func benchBatch(n int) []search.Row {
	rng := rand.New(rand.NewPCG(1, 2))
	tags := []string{"sshd", "nginx", "kernel", "sudo", "cron", "systemd"}
	b := make([]search.Row, n)
	for i := range b {
		b[i] = search.Row{ReceivedAt: time.Now(), Source: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 514),
			Message: syslog.Message{Priority: syslog.Priority(rng.IntN(192)), Hostname: fmt.Sprintf("web-%d", rng.IntN(50)),
				AppName: tags[rng.IntN(len(tags))], Text: benchTexts[rng.IntN(len(benchTexts))]}}
	}
	return b
}

// BenchmarkEvaluate is what one stored batch of 1000 messages costs the
// evaluator, with 1, 10 and 50 rules; ns/msg/rule divides by both.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			e := &Evaluator{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			e.apply(context.Background(), benchRules(b, n), nil)
			batch := benchBatch(1000)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e.evaluate(stored{n: 1, records: batch})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000/float64(n), "ns/msg/rule")
		})
	}
}
