package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The table make bench prints at the end: a row per load, a column per
// server in the order they ran, a dash where a server did not run.
func TestComparisonTable(t *testing.T) {
	ours := report{name: "aiosyslogd", sent: 900_000, stored: 900_000, cpu: 11430 * time.Millisecond, hwm: 251 << 20}
	ng := report{name: "syslog-ng", sent: 900_000, stored: 865_300, cpu: 9 * time.Second, hwm: 235 << 20, noIndex: true}
	vl := report{name: "VictoriaLogs (victoria-logs-20250101-v1.26.0)", sent: 6_000_000, stored: 5_394_000,
		cpu: 44770 * time.Millisecond, hwm: 141 << 20}
	ours100 := report{name: "aiosyslogd", sent: 6_000_000, stored: 6_000_000, cpu: 73800 * time.Millisecond, hwm: 477 << 20}
	got := comparisonTable([]compareRun{
		{rate: 60000, duration: 15 * time.Second, reports: []report{ours, ng}},
		{rate: 100000, duration: 60 * time.Second, reports: []report{ours100, vl}},
	})
	want := `== loggen over UDP, 200-byte messages: lost, CPU per stored message, peak RSS
| offered | aiosyslogd | syslog-ng | VictoriaLogs (victoria-logs-20250101-v1.26.0) |
|---|---|---|---|
| 60,000 msgs/s × 15 s | **0 lost**, 12.7 µs CPU per stored message, peak RSS 251 MiB | 3.9% lost (34,700), 10.4 µs CPU per stored message, peak RSS 235 MiB | — |
| 100,000 msgs/s × 60 s | **0 lost**, 12.3 µs CPU per stored message, peak RSS 477 MiB | — | 10.1% lost (606,000), 8.3 µs CPU per stored message, peak RSS 141 MiB |

`
	if got != want {
		t.Errorf("comparisonTable:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseRuns(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []compareRun
		err  string
	}{
		{in: "60000x15s", want: []compareRun{{rate: 60000, duration: 15 * time.Second}}},
		{in: "60000x15s, 100000x1m", want: []compareRun{{rate: 60000, duration: 15 * time.Second}, {rate: 100000, duration: time.Minute}}},
		{in: "60000", err: "want RATExDURATION"},
		{in: "0x15s", err: "want RATExDURATION"},
		{in: "fastx15s", err: "want RATExDURATION"},
		{in: "60000x15", err: "want a duration"},
		{in: "60000x100ms", err: "want a duration"},
	} {
		got, err := parseRuns(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseRuns(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || len(got) != len(tt.want) {
			t.Errorf("parseRuns(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			continue
		}
		for i := range got {
			if got[i].rate != tt.want[i].rate || got[i].duration != tt.want[i].duration {
				t.Errorf("parseRuns(%q)[%d] = %v, want %v", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 496611: "496,611", 12016540: "12,016,540", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// What VictoriaLogs answers to `* | stats count() as rows`.
func TestParseVictoriaCount(t *testing.T) {
	for _, tt := range []struct {
		body string
		want int64
		err  bool
	}{
		{body: `{"rows":"5394000"}` + "\n", want: 5394000},
		{body: "", want: 0},
		{body: `{"rows":"many"}`, err: true},
		{body: `not json`, err: true},
	} {
		got, err := parseVictoriaCount(json.NewDecoder(strings.NewReader(tt.body)))
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseVictoriaCount(%q) = %d, %v; want %d, error %t", tt.body, got, err, tt.want, tt.err)
		}
	}
}

// The large-tcp scenario's verdicts: the RSS bound is queue_max_mb plus
// 64 MiB, and senders that got under 95% of what they offered were slowed.
func TestLargeReportVerdicts(t *testing.T) {
	for _, tt := range []struct {
		name       string
		r          largeReport
		verdict    string
		slowedWant bool
	}{
		{"within the bound, kept pace", largeReport{report: report{sent: 96000, sendTime: time.Minute, hwm: 300 << 20}, offered: 1600, queueMaxMB: 256}, "PASS", false},
		{"at the bound exactly", largeReport{report: report{sent: 96000, sendTime: time.Minute, hwm: 320 << 20}, offered: 1600, queueMaxMB: 256}, "PASS", false},
		{"over the bound, slowed", largeReport{report: report{sent: 30000, sendTime: time.Minute, hwm: 449 << 20}, offered: 1600, queueMaxMB: 256}, "FAIL", true},
		{"small limit", largeReport{report: report{sent: 96000, sendTime: time.Minute, hwm: 216 << 20}, offered: 1600, queueMaxMB: 64}, "FAIL", false},
		{"unpaced", largeReport{report: report{sent: 96000, sendTime: time.Minute, hwm: 100 << 20}, queueMaxMB: 64}, "PASS", true},
	} {
		if got := tt.r.verdict(); got != tt.verdict {
			t.Errorf("%s: verdict %s, want %s", tt.name, got, tt.verdict)
		}
		if got := tt.r.slowed(); got != tt.slowedWant {
			t.Errorf("%s: slowed %t, want %t", tt.name, got, tt.slowedWant)
		}
	}
}

// The server's CPU from /proc/pid/stat: user and system, with the ended
// children's when asked, and the parent's pid; a command name may hold
// spaces and parentheses.
func TestParseStatCPU(t *testing.T) {
	line := "4242 (postgres: bench (x)) S 4200 4242 4242 0 -1 4194304 100 0 0 0 150 50 30 20 20 0 1 0 100 1000 100"
	for _, tt := range []struct {
		children bool
		want     time.Duration
	}{
		{false, 2 * time.Second},        // 150 + 50 ticks
		{true, 2500 * time.Millisecond}, // and 30 + 20
	} {
		cpu, ppid, err := parseStatCPU(line, tt.children)
		if err != nil || cpu != tt.want || ppid != 4200 {
			t.Errorf("parseStatCPU(…, %t) = %s, %d, %v; want %s, 4200", tt.children, cpu, ppid, err, tt.want)
		}
	}
	for _, bad := range []string{"", "4242 no parenthesis", "4242 (short) S 1 2 3"} {
		if _, _, err := parseStatCPU(bad, true); err == nil {
			t.Errorf("parseStatCPU(%q) read it", bad)
		}
	}
}
