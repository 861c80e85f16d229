//go:build e2e

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
)

// searchRun runs `aiosyslogd search --db dbPath ARGS…` in dir with TZ=UTC,
// so that times without a zone and -o text are the same everywhere.
func searchRun(t *testing.T, dir, dbPath string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runBinary(t, dir, []string{"TZ=UTC"}, append([]string{"search", "--db", dbPath}, args...)...)
}

// searchJSONEvent is one line of `search -o json`, as the tests read it.
type searchJSONEvent struct {
	Table              string
	ID                 int64
	Facility           int
	Priority           int
	FromHost           string
	FromHostIP         *string
	InfoUnitID         int
	ReceivedAt         string
	DeviceReportedTime *string
	SysLogTag          string
	ProcessID          string
	MsgID              string
	StructuredData     json.RawMessage
	Message            string
	RawMessage         []byte
}

// searchParseJSON reads NDJSON output; every line must be one JSON object
// with exactly the documented keys.
func searchParseJSON(t *testing.T, out string) []searchJSONEvent {
	t.Helper()
	var events []searchJSONEvent
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &keys); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		want := []string{"DeviceReportedTime", "Facility", "FromHost", "FromHostIP", "ID", "InfoUnitID", "Message", "MsgID",
			"Priority", "ProcessID", "RawMessage", "ReceivedAt", "StructuredData", "SysLogTag", "Table"}
		var got []string
		for k := range keys {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("line %d has keys %v, want %v", i+1, got, want)
		}
		var e searchJSONEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		events = append(events, e)
	}
	return events
}

// searchMessages runs a search with -o json and returns the Messages found,
// in order, and the exit status.
func searchMessages(t *testing.T, dir, dbPath string, args ...string) ([]string, int) {
	t.Helper()
	stdout, stderr, code := searchRun(t, dir, dbPath, append([]string{"-o", "json"}, args...)...)
	if stderr != "" {
		t.Errorf("search %q wrote to stderr: %s", args, stderr)
	}
	var msgs []string
	for _, e := range searchParseJSON(t, stdout) {
		msgs = append(msgs, e.Message)
	}
	return msgs, code
}

// searchWaitCount waits until `search --count` says the database holds
// want events; it runs search while serve writes.
func searchWaitCount(t *testing.T, dir, dbPath string, want int) {
	t.Helper()
	eventually(t, 30*time.Second, func() error {
		stdout, stderr, code := searchRun(t, dir, dbPath, "--count")
		n, err := strconv.Atoi(strings.TrimSpace(stdout))
		if err == nil && n == want {
			return nil
		}
		if code == 2 && !strings.Contains(stderr, "does not exist") {
			t.Fatalf("search --count while serve runs: exit %d: %s", code, stderr)
		}
		return fmt.Errorf("database holds %q events, want %d (exit %d, %s)", stdout, want, code, stderr)
	})
}

// searchFollower is a running `search --follow` whose stdout lines the
// test reads.
type searchFollower struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *syncBuilder
}

func searchStartFollow(t *testing.T, dir, dbPath string, args ...string) *searchFollower {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	f := &searchFollower{lines: make(chan string, 100), stderr: &syncBuilder{}}
	f.cmd = exec.CommandContext(ctx, binPath, append([]string{"search", "--db", dbPath, "--follow"}, args...)...)
	f.cmd.Dir = dir
	f.cmd.Env = append(cleanEnv(), "TZ=UTC")
	f.cmd.Stderr = f.stderr
	stdout, err := f.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(f.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f.lines <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	t.Cleanup(func() {
		if f.cmd.ProcessState == nil {
			f.cmd.Process.Kill()
			f.cmd.Wait()
		}
	})
	return f
}

// expect reads the next lines and compares the Message of each (-o json).
func (f *searchFollower) expect(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case line, ok := <-f.lines:
			if !ok {
				t.Fatalf("search --follow ended, want %q; stderr: %s", w, f.stderr.String())
			}
			var e searchJSONEvent
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("search --follow printed %q: %v", line, err)
			}
			if e.Message != w {
				t.Fatalf("search --follow printed %q, want %q", e.Message, w)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("search --follow printed nothing in 15s, want %q; stderr: %s", w, f.stderr.String())
		}
	}
}

// searchWriteFixture stores records with sqlite.Store, for tests that need
// chosen ReceivedAt values (month boundaries, golden files).
func searchWriteFixture(t *testing.T, path string, records []search.Row) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), records); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
