// Package rulesfile owns the [[alert]] table, in the main configuration
// and in the rules file: the file beside the database (DATABASE-rules.toml)
// that the web page writes and serve reads, with the same [[alert]]
// tables as the configuration. It reads a table into an alert.Rule with
// each mistake named by its line and key, and writes the file atomically
// (a temporary file, synced, renamed over the old one), mode 0600.
package rulesfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// Alert is one [[alert]] table.
type Alert struct {
	Name           string   `toml:"name"`
	Query          string   `toml:"query"`
	Threshold      *int     `toml:"threshold,omitempty"` // nil: alert.DefaultThreshold
	Window         string   `toml:"window,omitempty"`    // "": alert.DefaultWindow
	Repeat         string   `toml:"repeat,omitempty"`    // "": alert.DefaultRepeat
	Notify         []string `toml:"notify,omitempty"`
	NotifyResolved *bool    `toml:"notify_resolved,omitempty"` // nil: true
	// MutedUntil holds the rule's notifications back until then
	// (alert.Forever: until unmuted); nil: not muted.
	MutedUntil *time.Time `toml:"muted_until,omitempty"`
}

// File is the document of a rules file: its rules, and the mutes the page
// set on rules of the configuration, which it does not change otherwise.
type File struct {
	Alerts []Alert `toml:"alert"`
	Mutes  []Mute  `toml:"mute,omitempty"`
}

// Mute is one [[mute]] table: the rule named Alert (of the configuration)
// notifies nobody until Until (alert.Forever: until unmuted). A mute of a
// rule that no longer exists is left alone.
type Mute struct {
	Alert string    `toml:"alert"`
	Until time.Time `toml:"until"`
}

// Apply sets the mutes of f on rules: a rule named by a [[mute]] is muted
// until the later of its own muted_until and the mute's until.
func (f *File) Apply(rules []alert.Rule) []alert.Rule {
	for _, m := range f.Mutes {
		for i := range rules {
			if rules[i].Name == m.Alert && m.Until.After(rules[i].MutedUntil) {
				rules[i].MutedUntil = m.Until
			}
		}
	}
	return rules
}

// checkMutes reports the first [[mute]] that cannot work.
func (f *File) checkMutes() error {
	seen := map[string]bool{}
	for i, m := range f.Mutes {
		switch {
		case m.Alert == "":
			return fmt.Errorf("[[mute]] #%d: alert is missing: name the rule it mutes", i+1)
		case m.Until.IsZero():
			return fmt.Errorf("[[mute]] %q: until is missing: a date-time (9999-12-31T23:59:59Z: until unmuted)", m.Alert)
		case seen[m.Alert]:
			return fmt.Errorf("[[mute]] %q: the rule is muted by another [[mute]]", m.Alert)
		}
		seen[m.Alert] = true
	}
	return nil
}

// KeyError is a mistake in the Index-th [[alert]] (from 0): its Key, and
// what is wrong with it.
type KeyError struct {
	Index   int
	Name    string
	Key     string
	Problem string // as " = 0: want 1 to 100000"
}

func (e *KeyError) Error() string {
	who := fmt.Sprintf("#%d", e.Index+1)
	if e.Name != "" {
		who = fmt.Sprintf("%q", e.Name)
	}
	return fmt.Sprintf("[[alert]] %s: %s%s", who, e.Key, e.Problem)
}

// Rule is a as a rule; known tells whether a notifier of that name exists.
// Its mistakes are *KeyError (Index 0).
func (a *Alert) Rule(known func(notifier string) bool) (alert.Rule, error) {
	bad := func(key, format string, args ...any) error {
		return &KeyError{Name: a.Name, Key: key, Problem: fmt.Sprintf(format, args...)}
	}
	if a.Name == "" {
		return alert.Rule{}, bad("name", " is missing: every alert needs one; it is shown in each notification")
	}
	r, err := alert.NewRule(a.Name, a.Query)
	if err != nil {
		return alert.Rule{}, bad("query", " = %q: %v", a.Query, err)
	}
	if a.Threshold != nil {
		r.Threshold = *a.Threshold
	}
	if r.Window, err = durationOr(a.Window, alert.DefaultWindow); err != nil {
		return alert.Rule{}, bad("window", ": %v", err)
	}
	if r.Repeat, err = durationOr(a.Repeat, alert.DefaultRepeat); err != nil {
		return alert.Rule{}, bad("repeat", ": %v", err)
	}
	if a.NotifyResolved != nil {
		r.NotifyResolved = *a.NotifyResolved
	}
	if err := r.Validate(); err != nil {
		key, problem, _ := strings.Cut(err.Error(), " ")
		return alert.Rule{}, bad(key, " %s", problem)
	}
	for _, name := range a.Notify {
		if !known(name) {
			return alert.Rule{}, bad("notify", ": no [[notifier]] is named %q", name)
		}
	}
	r.Notify = a.Notify
	if a.MutedUntil != nil {
		r.MutedUntil = *a.MutedUntil
	}
	return r, nil
}

func durationOr(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	return alert.ParseDuration(s)
}

// Rules are alerts as rules, checked: each mistake, and a name used twice,
// is a *KeyError with its index.
func Rules(alerts []Alert, known func(notifier string) bool) ([]alert.Rule, error) {
	rules := make([]alert.Rule, 0, len(alerts))
	for i := range alerts {
		r, err := alerts[i].Rule(known)
		var ke *KeyError
		if errors.As(err, &ke) {
			ke.Index = i
		}
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(rules, func(o alert.Rule) bool { return o.Name == r.Name }) {
			return nil, &KeyError{Index: i, Name: r.Name, Key: "name", Problem: " is used by another [[alert]]: names must be unique"}
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// Known is the known of Rule for a list of notifier names.
func Known(notifiers []string) func(string) bool {
	return func(name string) bool { return slices.Contains(notifiers, name) }
}

// Read reads the rules file at path: its tables, and the rules of its
// [[alert]] tables (without the mutes of [[mute]]: see File.Apply). A
// missing file has none. A mistake is an error naming the file, the line
// and the key, as the configuration's are.
func Read(path string, notifiers []string) (File, []alert.Rule, error) {
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return File{}, nil, nil
	}
	if err != nil {
		return File{}, nil, fmt.Errorf("read rules file: %w", err)
	}
	return Parse(path, text, notifiers)
}

// Parse reads the text of the rules file named path (for errors).
func Parse(path string, text []byte, notifiers []string) (File, []alert.Rule, error) {
	var f File
	md, err := toml.Decode(string(text), &f)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return File{}, nil, fmt.Errorf("rules file %s: line %d: %s", path, perr.Position.Line, perr.Message)
		}
		return File{}, nil, fmt.Errorf("rules file %s: %w", path, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return File{}, nil, fmt.Errorf("rules file %s: unknown key %q: it holds only [[alert]] tables (keys as in the configuration) and [[mute]] tables (alert, until)",
			path, undecoded[0].String())
	}
	rules, err := Rules(f.Alerts, Known(notifiers))
	if err != nil {
		var ke *KeyError
		if errors.As(err, &ke) {
			if line := ItemKeyLine(string(text), "alert", ke.Index, ke.Key); line > 0 {
				return File{}, nil, fmt.Errorf("rules file %s: line %d: %w", path, line, err)
			}
		}
		return File{}, nil, fmt.Errorf("rules file %s: %w", path, err)
	}
	if err := f.checkMutes(); err != nil {
		return File{}, nil, fmt.Errorf("rules file %s: %w", path, err)
	}
	return f, rules, nil
}

// header is the comment the written file starts with.
const header = `# Alert rules made in the web page (aiosyslogd web, /alerts), read by
# aiosyslogd serve beside [[alert]] in its configuration, without a restart.
# The same keys as [[alert]] there; a name must not be used in both.
# [[mute]] (alert, until) mutes a rule of the configuration from the page.
# The page rewrites this file whole: edit it there, or by hand while no one
# uses the page.

`

// Encode writes f as the text of a rules file.
func Encode(f File) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	if err := toml.NewEncoder(&b).Encode(f); err != nil {
		return nil, fmt.Errorf("encode rules: %w", err)
	}
	return b.Bytes(), nil
}

// Write checks f (as Read would) and replaces the rules file at path with
// it: a temporary file in the same directory, synced, mode 0600, renamed
// over the old one, so that serve reads the old rules or the new, never a
// part.
func Write(path string, f File, notifiers []string) error {
	text, err := Encode(f)
	if err != nil {
		return err
	}
	if _, _, err := Parse(path, text, notifiers); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".rules-*.toml")
	if err != nil {
		return fmt.Errorf("write rules file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	_, err = tmp.Write(text)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write rules file %s: %w", path, err)
	}
	return nil
}

var tableLine = regexp.MustCompile(`^\s*\[`)

// ItemKeyLine finds the line where key is assigned in the index-th
// [[table]], or where that table opens; 0 when not found.
func ItemKeyLine(text, table string, index int, key string) int {
	header := regexp.MustCompile(`^\s*\[\[\s*` + regexp.QuoteMeta(table) + `\s*\]\]`)
	assign := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	seen, opened := -1, 0
	for i, line := range strings.Split(text, "\n") {
		switch {
		case header.MatchString(line):
			seen++
			if seen == index {
				opened = i + 1
			}
		case seen == index && tableLine.MatchString(line):
			return opened // the next table: key left out
		case seen == index && assign.MatchString(line):
			return i + 1
		}
	}
	return opened
}
