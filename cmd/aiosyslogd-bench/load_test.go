package main

import (
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The generated load is well-formed syslog of the requested size and mix,
// so that the benchmark measures storing, not the raw fallback.
func TestGeneratorMakesWellFormedMessagesOfTheRequestedSize(t *testing.T) {
	for _, size := range []int{200, 512} {
		o := options{size: size, mix: 0.5}
		g := newGenerator(o, 1)
		var bsd, ietf int
		var p syslog.Parser
		for i := range 2000 {
			msg := string(g.next())
			if len(msg) != size {
				t.Fatalf("message %d is %d bytes, want %d: %q", i, len(msg), size, msg)
			}
			m, err := p.Parse([]byte(msg))
			if err != nil {
				t.Fatalf("message %d does not parse: %v\n%q", i, err, msg)
			}
			if m.Hostname != "web-1" || m.AppName != "nginx" || m.ProcID != "1001" || !strings.HasPrefix(m.Text, "seq: ") {
				t.Fatalf("message %d parsed as %+v", i, m)
			}
			if strings.HasPrefix(msg, "<134>1 ") {
				ietf++
			} else {
				bsd++
			}
		}
		if bsd < 800 || ietf < 800 {
			t.Errorf("size %d: %d RFC 3164 and %d RFC 5424 messages, want about half each", size, bsd, ietf)
		}
	}
}

// The daemon's stopped line: the totals and each transport's group, which
// the large-tcp and collectors scenarios read.
func TestStopFields(t *testing.T) {
	line := `time=2026-12-03T12:22:01Z level=INFO msg=stopped received=96001 stored=96000 dropped=0 malformed=0 lost=0 ` +
		`queue=0 write_p50=41ms tcp.received=96000 tcp.stored=96000 tcp.dropped=0 udp.stored=1`
	got := stopFields(line)
	for k, want := range map[string]string{"stored": "96000", "dropped": "0", "tcp.stored": "96000", "tcp.dropped": "0",
		"udp.stored": "1", "write_p50": "41ms", "msg": "stopped"} {
		if got[k] != want {
			t.Errorf("stopFields(…)[%q] = %q, want %q", k, got[k], want)
		}
	}
}
