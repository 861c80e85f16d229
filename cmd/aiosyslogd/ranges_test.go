package main

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// numericKeys are the keys of Config's tables whose values are numbers,
// found by their Go types: a key added later is checked too.
func numericKeys() []string {
	var keys []string
	ct := reflect.TypeOf(Config{})
	for i := range ct.NumField() {
		table := ct.Field(i)
		if table.Type.Kind() != reflect.Struct {
			continue // [[alert]] and [[notifier]]: their keys are README's Alerts tables, checked with the rules
		}
		for j := range table.Type.NumField() {
			f := table.Type.Field(j)
			kind := f.Type.Kind()
			if kind == reflect.Pointer {
				kind = f.Type.Elem().Kind()
			}
			if kind == reflect.Int || kind == reflect.Float64 {
				keys = append(keys, table.Tag.Get("toml")+"."+f.Tag.Get("toml"))
			}
		}
	}
	return keys
}

// Every numeric key has a range, which README's table, its "What you can
// rely on" (ports aside) and the default file (on the comment line right
// above the key) give.
func TestEveryNumericKeyHasADocumentedRange(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := defaultConfigText()
	reliable := string(readme)[strings.Index(string(readme), "## What you can rely on"):]
	reliable = strings.Join(strings.Fields(reliable), " ") // a range may wrap
	keys := numericKeys()
	if len(keys) < 14 {
		t.Fatalf("found %d numeric keys: %v", len(keys), keys)
	}
	for _, key := range keys {
		r := rangeOf(key)
		row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(key) + "` \\|.*$").FindString(string(readme))
		if !strings.Contains(row, "range "+r.String()) {
			t.Errorf("README's row of %s lacks \"range %s\": %s", key, r, row)
		}
		if !strings.HasSuffix(key, ".bind_port") && !strings.Contains(reliable, "`"+key+"` "+r.String()) {
			t.Errorf("README's What you can rely on lacks %s %s", key, r)
		}
		table, name, _ := strings.Cut(key, ".")
		above := regexp.MustCompile(`(?m)^# Range: ` + regexp.QuoteMeta(r.String()) + `\.\n#? ?` + name + ` = `)
		if !above.MatchString(tableText(text, table)) {
			t.Errorf("the default file lacks \"# Range: %s.\" right above %s", r, key)
		}
	}
}

// A value outside its key's range is refused with the file's line and the
// key, however absurd (the values that crashed or hung serve, NaN and
// infinities); the bounds themselves are taken.
func TestConfigRefusesValuesOutOfRange(t *testing.T) {
	tests := []struct {
		table, line string
		want        string // "" = valid
	}{
		{"server", "queue_size = 500000000", "server.queue_size = 500000000: want 1 to 16,777,216 messages"},
		{"server", "queue_size = 4611686018427387904", "server.queue_size = 4611686018427387904: want 1 to 16,777,216"},
		{"server", "queue_size = 0", "server.queue_size = 0: want 1 to 16,777,216"},
		{"server", "queue_size = 16777216", ""},
		{"server", "queue_max_mb = 0", "server.queue_max_mb = 0: want 1 to 65536 MiB"},
		{"server", "queue_max_mb = 65537", "server.queue_max_mb = 65537: want 1 to 65536 MiB"},
		{"server", "queue_max_mb = 65536", ""},
		{"server", "bind_port = -1", "server.bind_port = -1: want 0 to 65535"},
		{"tcp", "bind_port = 65536", "tcp.bind_port = 65536: want 0 to 65535"},
		{"tcp", "max_connections = 100001", "tcp.max_connections = 100001: want 1 to 100,000 connections"},
		{"tcp", "idle_timeout = 9223372036", "tcp.idle_timeout = 9223372036: want 1 to 604,800 seconds"},
		{"tcp", "idle_timeout = 0", "tcp.idle_timeout = 0: want 1 to 604,800 seconds"},
		{"tcp", "max_message_size = 16777217", "tcp.max_message_size = 16777217: want 1 to 16,777,216 bytes"},
		{"tls", "bind_port = 99999", "tls.bind_port = 99999: want 0 to 65535"},
		{"relp", "bind_port = 70000", "relp.bind_port = 70000: want 0 to 65535"},
		{"sqlite", "batch_size = 1000000000000", "sqlite.batch_size = 1000000000000: want 1 to 100,000 messages"},
		{"sqlite", "batch_size = 100000", ""},
		{"sqlite", "batch_timeout = nan", "sqlite.batch_timeout = NaN: want 0.001 to 3600 seconds"},
		{"sqlite", "batch_timeout = inf", "sqlite.batch_timeout = +Inf: want 0.001 to 3600 seconds"},
		{"sqlite", "batch_timeout = -inf", "sqlite.batch_timeout = -Inf: want 0.001 to 3600 seconds"},
		{"sqlite", "batch_timeout = 1e300", "sqlite.batch_timeout = 1e+300: want 0.001 to 3600 seconds"},
		{"sqlite", "batch_timeout = 0.0001", "sqlite.batch_timeout = 0.0001: want 0.001 to 3600 seconds"},
		{"sqlite", "batch_timeout = 0.001", ""},
		{"sqlite", "batch_timeout = 3600", ""},
		{"sqlite", "retention_months = 99999999999999", "sqlite.retention_months = 99999999999999: want 0 to 1200 months (0 keeps all)"},
		{"sqlite", "retention_months = -1", "sqlite.retention_months = -1: want 0 to 1200"},
		{"sqlite", "retention_months = 1200", ""},
		{"metrics", "bind_port = 65536", "metrics.bind_port = 65536: want 0 to 65535"},
		{"web_server", "bind_port = 65536", "web_server.bind_port = 65536: want 0 to 65535"},
		{"web_server", "session_hours = 3000000", "web_server.session_hours = 3000000: want 1 to 8760 hours"},
		{"web_server", "session_hours = 0", "web_server.session_hours = 0: want 1 to 8760 hours"},
	}
	for _, tt := range tests {
		t.Run(tt.table+"."+tt.line, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cfg.toml")
			text := "# a comment\n[" + tt.table + "]\n" + tt.line + "\n"
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := parseConfigFile(path)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), path+": line 3: "+tt.want)):
				t.Errorf("error %v, want %q on line 3", err, tt.want)
			}
		})
	}
}

// A range holds its bounds and refuses what lies beyond them, NaN included.
func TestKeyRangeCheck(t *testing.T) {
	r := keyRange{key: "t.k", min: 1, max: 10, unit: "things"}
	for _, v := range []any{1, 10, 5.5} {
		if err := r.check(v); err != nil {
			t.Errorf("%v: %v", v, err)
		}
	}
	for _, v := range []any{0, 11, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxInt, math.MinInt} {
		if err := r.check(v); err == nil {
			t.Errorf("%v taken, want refused", v)
		}
	}
}

// Bounds read as README writes numbers: separators from 100,000 on.
func TestFormatBound(t *testing.T) {
	for f, want := range map[float64]string{0: "0", 0.001: "0.001", 3600: "3600", 65535: "65535",
		100_000: "100,000", 604_800: "604,800", 1 << 24: "16,777,216"} {
		if got := formatBound(f); got != want {
			t.Errorf("formatBound(%v) = %q, want %q", f, got, want)
		}
	}
}
