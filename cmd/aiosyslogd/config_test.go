package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// The file serve writes on first run reads back as the defaults.
func TestDefaultConfigTextIsTheDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aiosyslogd.toml")
	if err := os.WriteFile(path, []byte(defaultConfigText()), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := parseConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := defaultConfig(); !reflect.DeepEqual(got, want) {
		t.Errorf("default file reads as\n%+v\nwant\n%+v", got, want)
	}
}

// configDefaults is every key of the configuration ("server.bind_ip") with
// its default written as TOML writes it.
func configDefaults(t *testing.T) map[string]string {
	t.Helper()
	var text strings.Builder
	if err := toml.NewEncoder(&text).Encode(defaultConfig()); err != nil {
		t.Fatal(err)
	}
	var tables map[string]map[string]any
	if _, err := toml.Decode(text.String(), &tables); err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for table, kv := range tables {
		for k, v := range kv {
			if s, ok := v.(string); ok {
				keys[table+"."+k] = fmt.Sprintf("%q", s)
			} else {
				keys[table+"."+k] = fmt.Sprint(v)
			}
		}
	}
	return keys
}

// Every key is in the default file and in README's table, with its
// default; README lists no key that does not exist.
func TestEveryKeyIsDocumented(t *testing.T) {
	keys := configDefaults(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+\\.[a-z0-9_]+)` \\| `([^`]*)` \\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		documented[m[1]] = m[2]
	}
	text := defaultConfigText()
	for key, def := range keys {
		if got, ok := documented[key]; !ok || got != def {
			t.Errorf("README's table has %s = %q, want a row with default %s", key, got, def)
		}
		table, name, _ := strings.Cut(key, ".")
		if !regexp.MustCompile(`(?m)^` + name + ` = `).MatchString(tableText(text, table)) {
			t.Errorf("the default file does not set %s", key)
		}
	}
	// A key that defaults to another is documented with that key as its
	// default, and is in the default file as a comment.
	for key, from := range inheritedKeys {
		if got := documented[key]; got != from {
			t.Errorf("README's table has %s = %q, want a row with default %s", key, got, from)
		}
		table, name, _ := strings.Cut(key, ".")
		if !regexp.MustCompile(`(?m)^# ` + name + ` = `).MatchString(tableText(text, table)) {
			t.Errorf("the default file does not mention %s (as a comment: it defaults to %s)", key, from)
		}
		keys[key] = from
	}
	for key := range documented {
		if _, ok := keys[key]; !ok {
			t.Errorf("README documents %s, which is not a key", key)
		}
	}
	if len(keys) == 0 || !slices.Contains(sortedKeys(keys), "server.bind_ip") {
		t.Fatalf("found no keys: %v", keys)
	}
}

// tableText is the part of a TOML text from the line [table] to the next
// table.
func tableText(text, table string) string {
	start := strings.Index("\n"+text, "\n["+table+"]")
	if start < 0 {
		return ""
	}
	section := text[start:]
	if end := strings.Index(section, "\n["); end >= 0 {
		section = section[:end]
	}
	return section
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Every command has its one-line usage and its description from help/.
func TestCommandsHaveHelp(t *testing.T) {
	for _, c := range newApp().Commands {
		if c.Usage == "" || c.Description == "" || strings.Contains(c.Usage, "\n") {
			t.Errorf("%s: usage %q, description %q", c.Name, c.Usage, c.Description)
		}
	}
}
