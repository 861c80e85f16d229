package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/notify"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
)

// AlertConfig is one [[alert]] table: a rule (package alert). The rules
// file has the same tables (package rulesfile).
type AlertConfig = rulesfile.Alert

// NotifierConfig is one [[notifier]] table: where the notices of the
// rules that name it go.
type NotifierConfig struct {
	Name         string   `toml:"name"`
	Type         string   `toml:"type"` // webhook, email or alertmanager
	URL          string   `toml:"url"`
	Format       string   `toml:"format"` // webhook: json (default) or slack
	SMTP         string   `toml:"smtp"`   // email: host:port, or smtps://host:port
	From         string   `toml:"from"`
	To           []string `toml:"to"`
	Username     string   `toml:"username"`
	PasswordFile string   `toml:"password_file"`
}

// itemError is an invalid key of one table of an array of tables: the
// index-th [[alert]] or [[notifier]].
type itemError struct {
	table   string
	index   int
	name    string
	key     string
	problem string
}

func (e *itemError) Error() string {
	who := fmt.Sprintf("#%d", e.index+1)
	if e.name != "" {
		who = fmt.Sprintf("%q", e.name)
	}
	return fmt.Sprintf("[[%s]] %s: %s%s", e.table, who, e.key, e.problem)
}

// validateAlerts checks every [[notifier]], then every [[alert]].
func (c *Config) validateAlerts() error {
	names := map[string]bool{}
	for i := range c.Notifiers {
		n := &c.Notifiers[i]
		bad := func(key, format string, args ...any) error {
			return &itemError{"notifier", i, n.Name, key, fmt.Sprintf(format, args...)}
		}
		if names[n.Name] {
			return bad("name", " is used by another [[notifier]]: names must be unique")
		}
		names[n.Name] = true
		if err := n.validate(bad); err != nil {
			return err
		}
	}
	_, err := c.Rules()
	return err
}

// validate checks one notifier; bad makes the error of a key.
func (n *NotifierConfig) validate(bad func(key, format string, args ...any) error) error {
	if n.Name == "" {
		return bad("name", " is missing: every notifier needs one, for [[alert]] notify")
	}
	switch n.Type {
	case "webhook", "alertmanager":
		if u, err := url.Parse(n.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("url", " = %q: want an http:// or https:// URL", n.URL)
		}
		if n.Type == "webhook" && n.Format != "" && n.Format != "json" && n.Format != "slack" {
			return bad("format", " = %q: want \"json\" or \"slack\"", n.Format)
		}
	case "email":
		if _, _, err := splitSMTP(n.SMTP); err != nil {
			return bad("smtp", " = %q: want host:port, or smtps://host:port for TLS from the start", n.SMTP)
		}
		if n.From == "" || len(n.To) == 0 {
			return bad("to", ": an email notifier needs from and at least one address in to")
		}
		if n.PasswordFile != "" {
			if err := checkSecretFile(n.PasswordFile); err != nil {
				return bad("password_file", " = %q: %v", n.PasswordFile, err)
			}
		}
	default:
		return bad("type", " = %q: want \"webhook\", \"email\" or \"alertmanager\"", n.Type)
	}
	return nil
}

var smtpAddr = regexp.MustCompile(`^(smtps://)?([^/:]+|\[[^\]]+\]):(\d+)$`)

// splitSMTP reads an smtp value: host:port, or smtps://host:port.
func splitSMTP(s string) (addr string, implicit bool, err error) {
	if smtpAddr.FindStringSubmatch(s) == nil {
		return "", false, errors.New("not host:port")
	}
	addr, implicit = strings.CutPrefix(s, "smtps://")
	return addr, implicit, nil
}

// checkSecretFile checks that a file holding a secret exists and that only
// its owner may read it.
func checkSecretFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("mode %04o lets others read the secret; chmod 600 %s", perm, path)
	}
	return nil
}

// Rules are the [[alert]] tables as rules, checked: a query that does not
// parse (with its column), an unknown notifier, a bad duration or a
// repeated name is an *itemError.
func (c *Config) Rules() ([]alert.Rule, error) {
	rules, err := rulesfile.Rules(c.Alerts, rulesfile.Known(c.NotifierNames()))
	var ke *rulesfile.KeyError
	if errors.As(err, &ke) {
		return nil, &itemError{"alert", ke.Index, ke.Name, ke.Key, ke.Problem}
	}
	return rules, err
}

// NotifierNames are the names of the [[notifier]] tables.
func (c *Config) NotifierNames() []string {
	var names []string
	for _, n := range c.Notifiers {
		names = append(names, n.Name)
	}
	return names
}

// NotifierSet is the [[notifier]] tables as notifiers, by name; password
// files are read now.
func (c *Config) NotifierSet() (map[string]notify.Notifier, error) {
	m := map[string]notify.Notifier{}
	for _, n := range c.Notifiers {
		switch n.Type {
		case "webhook":
			m[n.Name] = &notify.Webhook{URL: n.URL, Slack: n.Format == "slack"}
		case "alertmanager":
			m[n.Name] = &notify.Alertmanager{URL: n.URL}
		case "email":
			e := &notify.Email{Server: n.SMTP, From: n.From, To: n.To, Username: n.Username}
			if n.PasswordFile != "" {
				if err := checkSecretFile(n.PasswordFile); err != nil {
					return nil, fmt.Errorf("notifier %q: password_file %s: %w", n.Name, n.PasswordFile, err)
				}
				b, err := os.ReadFile(n.PasswordFile)
				if err != nil {
					return nil, fmt.Errorf("notifier %q: %w", n.Name, err)
				}
				e.Password = strings.TrimRight(string(b), "\r\n")
			}
			m[n.Name] = e
		}
	}
	return m, nil
}
