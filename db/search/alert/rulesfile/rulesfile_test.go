package rulesfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

func ptr[T any](v T) *T { return &v }

// What Write writes, Read reads back the same, mode 0600, with no
// temporary file left.
func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "syslog.db-rules.toml")
	muted := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	alerts := []Alert{
		{Name: "ssh brute force", Query: `tag:sshd "Failed password"`, Threshold: ptr(10), Window: "5m", Notify: []string{"ops"}},
		{Name: `quotes " and 'these'`, Query: "severity:err", Repeat: "2h", NotifyResolved: ptr(false), MutedUntil: &muted},
		{Name: "forever", Query: "disk full", MutedUntil: ptr(alert.Forever)},
	}
	if err := Write(path, File{Alerts: alerts}, []string{"ops"}); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("rules file: %v, %v; want mode 0600", info, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".rules-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	got, rules, err := Read(path, []string{"ops"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Alerts) != 3 || len(rules) != 3 {
		t.Fatalf("read %d tables, %d rules", len(got.Alerts), len(rules))
	}
	r := rules[0]
	if r.Name != "ssh brute force" || r.Threshold != 10 || r.Window != 5*time.Minute || r.Repeat != alert.DefaultRepeat ||
		!r.NotifyResolved || len(r.Notify) != 1 || !r.MutedUntil.IsZero() {
		t.Errorf("rule 0 = %+v", r)
	}
	r = rules[1]
	if r.Name != alerts[1].Name || r.NotifyResolved || r.Repeat != 2*time.Hour || !r.MutedUntil.Equal(muted) || !r.Muted(muted.Add(-time.Second)) || r.Muted(muted) {
		t.Errorf("rule 1 = %+v", r)
	}
	if !rules[2].Muted(time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("rule 2 is not muted for ever: %v", rules[2].MutedUntil)
	}
	text, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(text), "# Alert rules made in the web page") || !strings.Contains(string(text), "[[alert]]") {
		t.Errorf("the file reads:\n%s", text)
	}
}

// A missing file has no rules; a mistake is named with the file, its
// line and key; Write refuses what Read would.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	if f, r, err := Read(filepath.Join(dir, "none.toml"), nil); f.Alerts != nil || r != nil || err != nil {
		t.Errorf("a missing file: %v, %v, %v", f, r, err)
	}
	tests := []struct{ name, text, want string }{
		{"bad query", "[[alert]]\nname = \"x\"\nquery = 'host:a AND'\n", `rules.toml: line 3: [[alert]] "x": query = "host:a AND": expected a term after AND at column 8`},
		{"unknown notifier", "[[alert]]\nname = \"x\"\nquery = 'a'\nnotify = [\"pager\"]\n", `line 4: [[alert]] "x": notify: no [[notifier]] is named "pager"`},
		{"bad window", "[[alert]]\nname = \"x\"\nwindow = \"5 minutes\"\n", `line 3: [[alert]] "x": window: "5 minutes" is not a duration`},
		{"threshold 0", "[[alert]]\nname = \"x\"\nthreshold = 0\n", `line 3: [[alert]] "x": threshold = 0: want 1 to 100000`},
		{"duplicate", "[[alert]]\nname = \"x\"\n\n[[alert]]\nname = \"x\"\n", `line 5: [[alert]] "x": name is used by another [[alert]]`},
		{"no name", "[[alert]]\nquery = \"a\"\n", `line 1: [[alert]] #1: name is missing`},
		{"unknown key", "[[alert]]\nname = \"x\"\nmuted = true\n", `unknown key "alert.muted"`},
		{"not TOML", "[[alert]\n", `rules.toml: line 2: expected end of table array name`},
		{"mute without until", "[[mute]]\nalert = \"x\"\n", `[[mute]] "x": until is missing`},
		{"mute twice", "[[mute]]\nalert = \"x\"\nuntil = 2026-12-03T10:00:00Z\n[[mute]]\nalert = \"x\"\nuntil = 2026-12-03T11:00:00Z\n", `[[mute]] "x": the rule is muted by another`},
		{"bad muted_until", "[[alert]]\nname = \"x\"\nmuted_until = \"tomorrow\"\n", `rules.toml: line 3: parsing time "tomorrow"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "rules.toml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := Read(path, []string{"ops"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read: %v, want %q", err, tt.want)
			}
		})
	}
	path := filepath.Join(dir, "written.toml")
	err := Write(path, File{Alerts: []Alert{{Name: "x", Query: "a", Notify: []string{"pager"}}}}, []string{"ops"})
	if err == nil || !strings.Contains(err.Error(), `no [[notifier]] is named "pager"`) {
		t.Errorf("Write of an unknown notifier: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a refused Write made the file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("[[alert]]\nname = \"x\"\nquery = 'a'\nthreshold = 3\nmuted_until = 2026-12-03T10:00:00Z\n")
	f.Add("[[alert]]\nquery = \"a\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		f, rules, err := Parse("f.toml", []byte(text), []string{"ops"})
		if err != nil {
			return
		}
		if len(f.Alerts) != len(rules) {
			t.Fatalf("%d tables, %d rules", len(f.Alerts), len(rules))
		}
		again, err := Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, rules2, err := Parse("f.toml", again, []string{"ops"}); err != nil || len(rules2) != len(rules) {
			t.Fatalf("written again it reads %d rules, %v:\n%s", len(rules2), err, again)
		}
	})
}

// A [[mute]] mutes a rule of either file until the later of the two.
func TestMutes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.toml")
	early, late := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	f := File{Alerts: []Alert{{Name: "page", Query: "a", MutedUntil: &late}},
		Mutes: []Mute{{Alert: "config", Until: early}, {Alert: "page", Until: early}, {Alert: "gone", Until: late}}}
	if err := Write(path, f, nil); err != nil {
		t.Fatal(err)
	}
	got, fileRules, err := Read(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := alert.NewRule("config", "b")
	rules := got.Apply(append([]alert.Rule{cfg}, fileRules...))
	if !rules[0].MutedUntil.Equal(early) || !rules[1].MutedUntil.Equal(late) {
		t.Errorf("muted until %v and %v, want %v and %v", rules[0].MutedUntil, rules[1].MutedUntil, early, late)
	}
}
