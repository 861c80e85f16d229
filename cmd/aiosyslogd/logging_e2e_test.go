//go:build e2e

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// log_format = "json": every line of the daemon's log is a JSON object
// with time, level and msg, and the counters are numbers.
func TestServeLogsJSON(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string { return testConfig(p, `log_format = "json"`, "") })
	d.send("<13>1 - h app - - - one", "<999>two")
	d.waitRows(2, 30*time.Second)
	d.Stop()
	var stopped map[string]any
	lines := strings.Split(strings.TrimSpace(d.Stderr()), "\n")
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log line lacks %q: %s", k, line)
			}
		}
		if rec["msg"] == "stopped" {
			stopped = rec
		}
	}
	if stopped == nil || stopped["received"] != 2.0 || stopped["malformed"] != 1.0 {
		t.Errorf("stopped line = %v, want received 2 and malformed 1 as numbers", stopped)
	}
}

// Under systemd, when stderr is the journal's stream ($JOURNAL_STREAM
// names its device and inode), lines carry no time of their own; when the
// variable names another file (stderr redirected), they do.
func TestServeLeavesTimestampsToJournald(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, format string
		matching     bool
		timeField    string
		wantTime     bool
	}{
		{"text on the journal", "text", true, "time=", false},
		{"json on the journal", "json", true, `"time":`, false},
		{"text redirected elsewhere", "text", false, "time=", true},
		{"json redirected elsewhere", "json", false, `"time":`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := serveUntilListening(t, tt.format, tt.matching)
			for _, line := range lines {
				if strings.Contains(line, tt.timeField) != tt.wantTime {
					t.Errorf("time in %q = %v, want %v", line, !tt.wantTime, tt.wantTime)
				}
			}
		})
	}
}

// serveUntilListening runs serve with its stderr on a pipe and
// JOURNAL_STREAM naming that pipe (matching) or another file, and returns
// its log lines up to the listening one.
func serveUntilListening(t *testing.T, format string, matching bool) []string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "test.toml")
	os.WriteFile(cfg, []byte(testConfig(filepath.Join(dir, "x.db"), fmt.Sprintf("log_format = %q", format), "")), 0o644)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	named := w
	if !matching { // both ends of a pipe are one inode: name another file
		if named, err = os.Create(filepath.Join(dir, "elsewhere")); err != nil {
			t.Fatal(err)
		}
		defer named.Close()
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(named.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binPath, "--config", cfg, "serve")
	cmd.Env = append(cleanEnv(), fmt.Sprintf("JOURNAL_STREAM=%d:%d", st.Dev, st.Ino))
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	r.SetReadDeadline(time.Now().Add(60 * time.Second))
	var lines []string
	for sc := bufio.NewScanner(r); sc.Scan(); {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), "listening") {
			return lines
		}
	}
	t.Fatalf("serve did not log listening:\n%s", strings.Join(lines, "\n"))
	return nil
}
