package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const alertsOK = `
[[notifier]]
name = "ops"
type = "webhook"
url = "http://127.0.0.1:9/hook"

[[alert]]
name = "ssh"
query = 'tag:sshd "Failed password"'
threshold = 10
window = "5m"
notify = ["ops"]
`

// Each mistake in [[alert]] and [[notifier]] is named with its line and
// key, as check, serve and a reload report it.
func TestAlertConfigErrors(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.secret")
	os.WriteFile(open, []byte("pw"), 0o644)
	tests := []struct {
		name, text, want string
	}{
		{"bad query", alertsOK + "\n[[alert]]\nname = \"x\"\nquery = 'host:a AND'\n",
			`line 16: [[alert]] "x": query = "host:a AND": expected a term after AND at column 8`},
		{"unknown notifier", alertsOK + "\n[[alert]]\nname = \"x\"\nquery = 'a'\nnotify = [\"pager\"]\n",
			`line 17: [[alert]] "x": notify: no [[notifier]] is named "pager"`},
		{"bad window", strings.Replace(alertsOK, `"5m"`, `"5 minutes"`, 1),
			`line 11: [[alert]] "ssh": window: "5 minutes" is not a duration`},
		{"bad repeat", alertsOK + "repeat = \"0s\"\n", `line 13: [[alert]] "ssh": repeat = 0s: want at least 1s`},
		{"threshold 0", strings.Replace(alertsOK, "threshold = 10", "threshold = 0", 1),
			`line 10: [[alert]] "ssh": threshold = 0: want 1 to 100000`},
		{"duplicate alert", alertsOK + "\n[[alert]]\nname = \"ssh\"\nquery = 'a'\n",
			`line 15: [[alert]] "ssh": name is used by another [[alert]]`},
		{"no name", alertsOK + "\n[[alert]]\nquery = 'a'\n", `line 14: [[alert]] #2: name is missing`},
		{"duplicate notifier", alertsOK + "\n[[notifier]]\nname = \"ops\"\ntype = \"webhook\"\nurl = \"http://x\"\n",
			`line 15: [[notifier]] "ops": name is used by another [[notifier]]`},
		{"bad type", alertsOK + "\n[[notifier]]\nname = \"sms\"\ntype = \"sms\"\n",
			`line 16: [[notifier]] "sms": type = "sms": want "webhook", "email" or "alertmanager"`},
		{"bad format", strings.Replace(alertsOK, `url = "http://127.0.0.1:9/hook"`, "url = \"http://x\"\nformat = \"teams\"", 1),
			`line 6: [[notifier]] "ops": format = "teams": want "json" or "slack"`},
		{"password file others may read", alertsOK + "\n[[notifier]]\nname = \"mail\"\ntype = \"email\"\nsmtp = \"127.0.0.1:25\"\nfrom = \"a@b\"\nto = [\"c@d\"]\npassword_file = \"" + open + "\"\n",
			`[[notifier]] "mail": password_file = "` + open + `": mode 0644 lets others read the secret; chmod 600`},
		{"bad base_url", "[web_server]\nbase_url = \"logs.example.com\"\n", `line 2: web_server.base_url = "logs.example.com": want the page's address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "a.toml")
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := parseConfigFile(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

func TestAlertConfigDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.toml")
	os.WriteFile(path, []byte(alertsOK+"\n[[alert]]\nname = \"any\"\nquery = ''\nnotify_resolved = false\n"), 0o644)
	cfg, err := parseConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := cfg.Rules()
	if err != nil {
		t.Fatal(err)
	}
	r := rules[1]
	if r.Threshold != 1 || r.Window != time.Minute || r.Repeat != time.Hour || r.NotifyResolved || r.Expr != nil {
		t.Errorf("defaults: %+v", r)
	}
	if r := rules[0]; r.Threshold != 10 || r.Window != 5*time.Minute || !r.NotifyResolved {
		t.Errorf("rule: %+v", r)
	}
}

// The rules of the rules file beside the database come after the
// configuration's; a name in both is an error naming both files, and a
// mistake in the rules file names its line.
func TestRulesFile(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "a.toml")
	dbPath := filepath.Join(dir, "syslog.db")
	os.WriteFile(cfgPath, []byte(alertsOK+"\n[sqlite]\ndatabase = \""+dbPath+"\"\n"), 0o644)
	cfg, err := parseConfigFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := alertRulesPath(&cfg, cfgPath); got != dbPath+"-rules.toml" {
		t.Fatalf("rules file %s", got)
	}
	tests := []struct{ name, text, want string }{
		{"added", "[[alert]]\nname = \"disk\"\nquery = 'disk full'\nnotify = [\"ops\"]\n", ""},
		{"in both", "[[alert]]\nname = \"ssh\"\nquery = 'x'\n",
			`[[alert]] "ssh" is in both ` + cfgPath + ` and ` + dbPath + `-rules.toml: names must be unique`},
		{"bad", "[[alert]]\nname = \"disk\"\n\nthreshold = -1\n", `rules file ` + dbPath + `-rules.toml: line 4: [[alert]] "disk": threshold = -1`},
		{"muted", "[[alert]]\nname = \"disk\"\nquery = 'disk full'\nnotify = [\"ops\"]\n\n[[mute]]\nalert = \"ssh\"\nuntil = 9999-12-31T23:59:59Z\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.WriteFile(dbPath+"-rules.toml", []byte(tt.text), 0o600)
			rules, err := allRules(&cfg, cfgPath)
			if tt.want == "" {
				if err != nil || len(rules) != 2 || rules[1].Name != "disk" {
					t.Errorf("rules %v, %v", rules, err)
				}
				if muted := rules[0].Muted(time.Now()); muted != (tt.name == "muted") {
					t.Errorf("the configuration's rule muted: %v", muted)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %s", err, tt.want)
			}
			if err := checkRulesFile(&cfg, cfgPath); err == nil {
				t.Error("check finds no mistake")
			}
		})
	}
}

// muted_until works in the configuration too: config as code for a
// maintenance window.
func TestAlertConfigMutedUntil(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.toml")
	os.WriteFile(path, []byte(alertsOK+"muted_until = 2026-12-24T08:00:00Z\n"), 0o644)
	cfg, err := parseConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := cfg.Rules()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC); !rules[0].MutedUntil.Equal(want) {
		t.Errorf("muted until %v, want %v", rules[0].MutedUntil, want)
	}
}

// The rules file is beside the SQLite database; on PostgreSQL, which has
// no file of its own, beside the configuration file, named for it.
func TestAlertRulesPath(t *testing.T) {
	sqlite, pg, none := defaultConfig(), defaultConfig(), defaultConfig()
	sqlite.SQLite.Database = "/var/lib/aiosyslogd/syslog.db"
	pg.SQLite.Enabled, pg.PostgreSQL.Enabled = false, true
	none.SQLite.Enabled = false
	tests := []struct {
		name    string
		cfg     *Config
		cfgPath string
		want    string
	}{
		{"sqlite", &sqlite, "/etc/aiosyslogd/aiosyslogd.toml", "/var/lib/aiosyslogd/syslog.db-rules.toml"},
		{"postgresql", &pg, "/etc/aiosyslogd/aiosyslogd.toml", "/etc/aiosyslogd/aiosyslogd-rules.toml"},
		{"postgresql, a config without .toml", &pg, "/etc/collector.conf", "/etc/collector-rules.toml"},
		{"postgresql, no config file", &pg, "", ""},
		{"no store", &none, "/etc/aiosyslogd/aiosyslogd.toml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := alertRulesPath(tt.cfg, tt.cfgPath); got != tt.want {
				t.Errorf("alertRulesPath = %q, want %q", got, tt.want)
			}
		})
	}
}
