//go:build e2e

package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// execConvert runs the real binary's convert command with stdin and returns
// its stdout, its stderr and its exit status.
func execConvert(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(binPath, append([]string{"convert"}, args...)...)
	cmd.Dir = "testdata/convert"
	cmd.Env = cleanEnv()
	cmd.Stdin = stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

// nowStamp matches the timestamp convert gives lines that are not syslog.
var nowStamp = regexp.MustCompile(`(?m)^<13>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) - - - - -`)

// maskNow replaces the conversion time of lines that are not syslog with
// NOW, after checking that it is the time of the test run.
func maskNow(t *testing.T, out string, start time.Time) string {
	t.Helper()
	return nowStamp.ReplaceAllStringFunc(out, func(line string) string {
		ts := nowStamp.FindStringSubmatch(line)[1]
		at, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil || at.Before(start.Add(-time.Second)) || at.After(time.Now().Add(time.Second)) {
			return line // not a conversion-time stamp: the golden shows it
		}
		return strings.Replace(line, ts, "NOW", 1)
	})
}

// TestConvertCommand runs `aiosyslogd convert` and compares its output with
// testdata/convert/NAME.stdout and NAME.stderr; go test -update rewrites
// them.
func TestConvertCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		stdin  string // a file in testdata/convert, or ""
		status int
	}{
		{"stdin-utc", []string{"--year", "2026", "--tz", "UTC"}, "devices.input", 0},
		{"files-berlin", []string{"--year=2026", "--tz=Europe/Berlin", "devices.input", "second.input"}, "", 0},
		{"stdin-dash-offset", []string{"--year", "2025", "--tz", "-05:00", "second.input", "-"}, "devices.input", 0},
		{"strict", []string{"--strict", "--year", "2026", "--tz", "UTC", "devices.input", "-"}, "second.input", 1},
		{"bad-tz", []string{"--tz", "Mars/Olympus_Mons"}, "", 2},
		{"bad-offset", []string{"--tz", "+25:00"}, "", 2},
		{"bad-year", []string{"--year", "12345"}, "", 2},
		{"missing-file", []string{"--year", "2026", "no-such.input"}, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdin io.Reader = strings.NewReader("")
			if tt.stdin != "" {
				f, err := os.Open(filepath.Join("testdata/convert", tt.stdin))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				stdin = f
			}
			start := time.Now()
			stdout, stderr, status := execConvert(t, stdin, tt.args...)
			if status != tt.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.status, stderr)
			}
			goldenFile(t, "testdata/convert/"+tt.name+".stdout", maskNow(t, stdout, start))
			goldenFile(t, "testdata/convert/"+tt.name+".stderr", stderr)
			// Whatever convert writes is strict RFC 5424.
			for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
				if _, err := syslog.ParseRFC5424([]byte(line)); err != nil && stdout != "" {
					t.Errorf("output line %d %q: %v", i+1, line, err)
				}
			}
		})
	}
}

// goldenFile compares got with the file, or rewrites the file with -update.
func goldenFile(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update if the change is intended)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestConvertCommandLongLines sends lines of 1 MiB, invalid UTF-8 and NUL
// bytes through the binary.
func TestConvertCommandLongLines(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	in := "<13>Nov 24 03:41:06 host app: " + long + "\xff\x00\n" + long + "\n"
	stdout, stderr, status := execConvert(t, strings.NewReader(in), "--year", "2026", "--tz", "UTC")
	if status != 0 {
		t.Fatalf("exit status %d: %s", status, stderr)
	}
	lines := strings.Split(stdout, "\n")
	if len(lines) != 3 || lines[2] != "" {
		t.Fatalf("got %d lines, want 2", len(lines)-1)
	}
	if want := "<13>1 2026-11-24T03:41:06Z host app - - - " + long + "\xff\x00"; lines[0] != want {
		t.Errorf("line 1 has %d bytes, want %d", len(lines[0]), len(want))
	}
	if !strings.HasSuffix(lines[1], " - - - - - "+long) {
		t.Errorf("line 2 does not end with the 1 MiB text (%d bytes)", len(lines[1]))
	}
}

// TestConvertCommandStreams checks that convert answers each line of a pipe
// while the pipe stays open, and exits 0 when it closes.
func TestConvertCommandStreams(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binPath, "convert", "--year", "2026", "--tz", "UTC")
	cmd.Env = cleanEnv()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	out := bufio.NewReader(stdout)
	for _, in := range []string{
		"<13>Nov 24 03:41:06 host app: first",
		"<13>1 2026-11-24T03:41:07Z host app - - - second",
	} {
		if _, err := io.WriteString(stdin, in+"\n"); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() { line, _ := out.ReadString('\n'); got <- line }()
		select {
		case line := <-got:
			if !strings.HasPrefix(line, "<13>1 2026-11-24T03:41:0") || !strings.HasSuffix(line, "\n") {
				t.Errorf("got %q for %q", line, in)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no output for %q while the pipe is open", in)
		}
	}
	stdin.Close()
	if rest, _ := io.ReadAll(out); len(rest) != 0 {
		t.Errorf("unexpected output after EOF: %q", rest)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("convert exited with %v after EOF", err)
	}
}
