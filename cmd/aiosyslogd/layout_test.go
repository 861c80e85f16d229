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
		// What every store shares holds no SQL and no driver: the engines
		// below it do.
		{"github.com/aiosyslogd/aiosyslogd/db", []string{"net/http", "github.com/urfave/cli/v2", "github.com/aiosyslogd/aiosyslogd/syslog/ingest",
			"database/sql", "modernc.org/sqlite", "github.com/jackc/pgx/v5"}},
		// A store writes search.Row: it knows nothing of the pipeline.
		{"github.com/aiosyslogd/aiosyslogd/db/sqlite", []string{"net/http", "github.com/urfave/cli/v2", "github.com/aiosyslogd/aiosyslogd/syslog/ingest"}},
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
	for _, pkg := range []string{"github.com/aiosyslogd/aiosyslogd/db", "github.com/aiosyslogd/aiosyslogd/db/sqlite"} {
		out, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", pkg).Output()
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(strings.Fields(string(out)), "net") {
			t.Errorf("package %s imports net: storage knows nothing of sockets", pkg)
		}
	}
	checkEngineInternals(t)
	checkEngineChoice(t)
	out, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", "github.com/aiosyslogd/aiosyslogd/web").Output()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(strings.Fields(string(out)), "database/sql") {
		t.Errorf("package web imports database/sql: its queries are sqlite.Reader's")
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

// engineInternal is where each engine keeps its generated code.
var engineInternal = []string{
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/",
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/",
}

// checkEngineInternals fails when a package outside an engine imports that
// engine's generated code: above db, a store is its package's API, and
// the generated statements and structs are the engine's own.
func checkEngineInternals(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "list", "-tags", "e2e", "-test", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "github.com/aiosyslogd/aiosyslogd/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list listed %d packages, want the whole module", len(lines))
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		// An external test package (x_test) lives in x's folder.
		pkg := strings.TrimSuffix(fields[0], "_test")
		for _, imp := range fields[1:] {
			for _, internal := range engineInternal {
				engine := strings.TrimSuffix(internal, "/internal/")
				if strings.HasPrefix(imp, internal) && pkg != engine && !strings.HasPrefix(pkg, engine+"/") {
					t.Errorf("%s imports %s: only %s uses its generated code", fields[0], imp, engine)
				}
			}
		}
	}
}

// engines are the store packages; cmd picks one from the configuration.
var engines = []string{
	"github.com/aiosyslogd/aiosyslogd/db/sqlite",
	"github.com/aiosyslogd/aiosyslogd/db/postgres",
}

// checkEngineChoice fails when a package (its non-test files) outside
// cmd/ and the engines imports an engine: web, syslog and db/search see
// only package db's contract and never know which engine fulfils it.
func checkEngineChoice(t *testing.T) {
	t.Helper()
	const module = "github.com/aiosyslogd/aiosyslogd/"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list listed %d packages, want the whole module", len(lines))
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		pkg := fields[0]
		if strings.HasPrefix(pkg, module+"cmd/") || isEngine(pkg) {
			continue
		}
		for _, imp := range fields[1:] {
			if isEngine(imp) {
				t.Errorf("%s imports %s: only cmd picks an engine, from the configuration", pkg, imp)
			}
		}
	}
}

// isEngine tells whether pkg is an engine or one of its packages.
func isEngine(pkg string) bool {
	for _, e := range engines {
		if pkg == e || strings.HasPrefix(pkg, e+"/") {
			return true
		}
	}
	return false
}
