package main

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// configError is an invalid value in the configuration: its key
// ("tcp.max_connections") and what is wrong with it.
type configError struct{ key, msg string }

func (e *configError) Error() string { return e.msg }

// rule is one check of validate: when bad, msg says what is wrong with key.
type rule struct {
	key string
	bad bool
	msg string
}

// validate checks every value; the error of the first invalid one is a
// *configError.
func (c *Config) validate() error {
	for _, rules := range [][]rule{c.serverRules(), c.streamRules(), c.sqliteRules()} {
		for _, r := range rules {
			if r.bad {
				return &configError{key: r.key, msg: r.msg}
			}
		}
	}
	return nil
}

func (c *Config) serverRules() []rule {
	_, zoneErr := syslog.LoadLocation(c.Server.RFC3164Timezone)
	return []rule{
		portRule("server.bind_port", c.Server.BindPort),
		ipRule("server.bind_ip", c.Server.BindIP),
		{"server.queue_size", c.Server.QueueSize < 1, fmt.Sprintf("server.queue_size = %d: want at least 1", c.Server.QueueSize)},
		{"server.rfc3164_timezone", zoneErr != nil, fmt.Sprintf("server.rfc3164_timezone = %q: %v", c.Server.RFC3164Timezone, zoneErr)},
	}
}

// maxMessageSizeLimit bounds tcp.max_message_size: each connection may
// hold one message that long.
const maxMessageSizeLimit = 16 << 20

func (c *Config) streamRules() []rule {
	t := c.TCP
	rules := []rule{
		{"tcp.max_connections", t.MaxConnections < 1, fmt.Sprintf("tcp.max_connections = %d: want at least 1", t.MaxConnections)},
		{"tcp.idle_timeout", t.IdleTimeout < 1, fmt.Sprintf("tcp.idle_timeout = %d: want a number of seconds, at least 1", t.IdleTimeout)},
		{"tcp.max_message_size", t.MaxMessageSize < 1 || t.MaxMessageSize > maxMessageSizeLimit,
			fmt.Sprintf("tcp.max_message_size = %d: want 1 to %d bytes", t.MaxMessageSize, maxMessageSizeLimit)},
		ipRule("tls.bind_ip", c.TLS.BindIP),
		portRule("tls.bind_port", c.TLS.BindPort),
		{"tls.cert_file", c.TLS.Enabled && c.TLS.CertFile == "", "tls.cert_file is empty: name the server's certificate (PEM), or set tls.enabled = false"},
		{"tls.key_file", c.TLS.Enabled && c.TLS.KeyFile == "", "tls.key_file is empty: name the certificate's private key (PEM), or set tls.enabled = false"},
		ipRule("relp.bind_ip", c.RELP.BindIP),
		portRule("relp.bind_port", c.RELP.BindPort),
	}
	if t.BindIP != nil {
		rules = append(rules, ipRule("tcp.bind_ip", *t.BindIP))
	}
	if t.BindPort != nil {
		rules = append(rules, portRule("tcp.bind_port", *t.BindPort))
	}
	return rules
}

func (c *Config) sqliteRules() []rule {
	s := c.SQLite
	return []rule{
		{"sqlite.batch_size", s.BatchSize < 1, fmt.Sprintf("sqlite.batch_size = %d: want at least 1", s.BatchSize)},
		{"sqlite.batch_timeout", s.BatchTimeout <= 0, fmt.Sprintf("sqlite.batch_timeout = %v: want a number of seconds above 0", s.BatchTimeout)},
		{"sqlite.retention_months", s.RetentionMonths < 0, fmt.Sprintf("sqlite.retention_months = %d: want 0 (keep all) or more", s.RetentionMonths)},
		{"sqlite.database", s.Enabled && s.Database == "", "sqlite.database is empty: name the database file, or set sqlite.enabled = false"},
	}
}

func portRule(key string, port int) rule {
	return rule{key, port < 0 || port > 65535, fmt.Sprintf("%s = %d: want 0-65535", key, port)}
}

func ipRule(key, ip string) rule {
	return rule{key, net.ParseIP(ip) == nil && ip != "" && ip != "localhost", fmt.Sprintf("%s = %q: not an IP address", key, ip)}
}

// tableHeader matches a TOML table header and captures its name.
var tableHeader = regexp.MustCompile(`^\s*\[\s*"?([^\]"]+?)"?\s*\]`)

// keyLine finds the line where key ("table.name") is assigned in its
// table, or else where its table opens, for error messages; 0 when
// neither is in text.
func keyLine(text, key string) int {
	table, name, ok := strings.Cut(key, ".")
	if !ok {
		table, name = "", key
	}
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:]
	}
	assign := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(name) + `"?\s*=`)
	current, tableLine := "", 0
	for i, line := range strings.Split(text, "\n") {
		if m := tableHeader.FindStringSubmatch(line); m != nil {
			current = strings.TrimSpace(m[1])
			if current == table && tableLine == 0 {
				tableLine = i + 1
			}
			continue
		}
		if current == table && assign.MatchString(line) {
			return i + 1
		}
	}
	return tableLine
}
