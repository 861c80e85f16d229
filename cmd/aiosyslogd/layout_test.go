package main

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// goDeps lists the packages that pattern's packages import, directly or not.
func goDeps(t *testing.T, pattern string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pattern).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pattern, err)
	}
	return strings.Fields(string(out))
}

// The layout of the design: the protocol knows nothing of SQL, the search
// model nothing of HTTP or the command line, and the command only wires
// (no JSON of its own: that is the search model's).
func TestLayout(t *testing.T) {
	rules := []struct {
		pattern   string
		forbidden []string
	}{
		{"github.com/aiosyslogd/aiosyslogd/syslog/...", []string{"database/sql", "modernc.org/sqlite"}},
		{"github.com/aiosyslogd/aiosyslogd/db/search", []string{"net/http", "github.com/urfave/cli/v2", "database/sql"}},
		// The store writes search.Row: it knows nothing of the pipeline.
		{"github.com/aiosyslogd/aiosyslogd/db", []string{"net/http", "github.com/urfave/cli/v2", "github.com/aiosyslogd/aiosyslogd/syslog/ingest"}},
		{"github.com/aiosyslogd/aiosyslogd/db/postgres", []string{"net/http", "github.com/urfave/cli/v2", "github.com/aiosyslogd/aiosyslogd/syslog/ingest"}},
		// The web UI answers from the search model: no SQL of its own, no
		// command line.
		{"github.com/aiosyslogd/aiosyslogd/web/...", []string{"github.com/urfave/cli/v2", "github.com/chromedp/chromedp"}},
	}
	for _, r := range rules {
		deps := goDeps(t, r.pattern)
		for _, f := range r.forbidden {
			if slices.Contains(deps, f) {
				t.Errorf("%s depends on %s", r.pattern, f)
			}
		}
	}
	out, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", "github.com/aiosyslogd/aiosyslogd/db").Output()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(strings.Fields(string(out)), "net") {
		t.Errorf("package db imports net: storage knows nothing of sockets")
	}
	out, err = exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", "github.com/aiosyslogd/aiosyslogd/web").Output()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(strings.Fields(string(out)), "database/sql") {
		t.Errorf("package web imports database/sql: its queries are db.Reader's")
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "encoding/json" {
				t.Errorf("%s imports encoding/json: JSON is the search model's", name)
			}
		}
	}
}
