package main

import (
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// compareRun is one load of the compare scenario and what each server
// made of it.
type compareRun struct {
	rate     int
	duration time.Duration
	reports  []report
}

// parseRuns reads -runs: RATExDURATION, comma-separated (60000x15s).
func parseRuns(s string) ([]compareRun, error) {
	var runs []compareRun
	for _, f := range strings.Split(s, ",") {
		rate, dur, ok := strings.Cut(strings.TrimSpace(f), "x")
		r, err := strconv.Atoi(rate)
		if !ok || err != nil || r <= 0 {
			return nil, fmt.Errorf("-runs %q: want RATExDURATION, e.g. 60000x15s", f)
		}
		d, err := time.ParseDuration(dur)
		if err != nil || d < time.Second {
			return nil, fmt.Errorf("-runs %q: want a duration of at least 1s after the x", f)
		}
		runs = append(runs, compareRun{rate: r, duration: d})
	}
	return runs, nil
}

// runCompare offers each load of -runs (or -rate × -duration) with loggen
// over UDP to aiosyslogd, to syslog-ng when it is installed and to
// VictoriaLogs when its binary is on PATH, prints each load's reports and
// table, and at the end one table of all of them.
func runCompare(o options) error {
	runs := []compareRun{{rate: o.rate, duration: o.duration}}
	if o.runs != "" {
		var err error
		if runs, err = parseRuns(o.runs); err != nil {
			return err
		}
	}
	_, noSyslogNG := exec.LookPath("syslog-ng")
	if noSyslogNG != nil {
		fmt.Println("syslog-ng is not installed (.ci/install-syslog-ng unpacks it): left out of the comparison")
	}
	vl := victoriaBinary()
	if vl == "" {
		fmt.Println("no victoria-logs or victoria-logs-prod on PATH: VictoriaLogs left out of the comparison")
	}
	for i := range runs {
		lo := o
		lo.rate, lo.duration = runs[i].rate, runs[i].duration
		lo.count = int(float64(lo.rate) * lo.duration.Seconds())
		ours, err := runLoad("aiosyslogd", lo, loggenSender)
		if err != nil {
			return err
		}
		ours.print(lo)
		runs[i].reports = append(runs[i].reports, ours)
		if noSyslogNG == nil {
			theirs, err := runPeer(lo)
			if err != nil {
				return err
			}
			theirs.print(lo)
			runs[i].reports = append(runs[i].reports, theirs)
		}
		if vl != "" {
			theirs, err := runVictoria(lo, vl)
			if err != nil {
				return err
			}
			theirs.print(lo)
			runs[i].reports = append(runs[i].reports, theirs)
		}
		printComparison(runs[i].reports...)
	}
	fmt.Print(comparisonTable(runs))
	return nil
}

// comparisonTable is the markdown table of every load of the compare
// scenario: a row per load, a column per server (in the order they first
// ran), each cell what was lost, the CPU per stored message and the peak
// RSS.
func comparisonTable(runs []compareRun) string {
	var servers []string
	for _, run := range runs {
		for _, r := range run.reports {
			if !slices.Contains(servers, r.name) {
				servers = append(servers, r.name)
			}
		}
	}
	var b strings.Builder
	b.WriteString("== loggen over UDP, 200-byte messages: lost, CPU per stored message, peak RSS\n")
	b.WriteString("| offered | " + strings.Join(servers, " | ") + " |\n")
	b.WriteString("|---" + strings.Repeat("|---", len(servers)) + "|\n")
	for _, run := range runs {
		fmt.Fprintf(&b, "| %s msgs/s × %s |", thousands(int64(run.rate)), seconds(run.duration))
		for _, name := range servers {
			i := slices.IndexFunc(run.reports, func(r report) bool { return r.name == name })
			if i < 0 {
				b.WriteString(" — |")
				continue
			}
			b.WriteString(" " + comparisonCell(run.reports[i]) + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	return b.String()
}

// comparisonCell is one server's figures for one load.
func comparisonCell(r report) string {
	lost := "**0 lost**"
	if n := r.sent - r.stored; n != 0 {
		lost = fmt.Sprintf("%.1f%% lost (%s)", 100*float64(n)/float64(max(r.sent, 1)), thousands(n))
	}
	return fmt.Sprintf("%s, %.1f µs CPU per stored message, peak RSS %.0f MiB", lost, perMessage(r.cpu, r.stored), mib(r.hwm))
}

// seconds writes d as whole seconds: "15 s".
func seconds(d time.Duration) string {
	return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10) + " s"
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
