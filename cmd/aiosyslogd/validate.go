package main

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// keyError is an invalid value of one key: its text starts with the key.
type keyError struct{ key, problem string }

func (e *keyError) Error() string { return e.key + e.problem }

// invalid returns the keyError of key; format and args say what is wrong,
// as in " = 0: want at least 1".
func invalid(key, format string, args ...any) error {
	return &keyError{key: key, problem: fmt.Sprintf(format, args...)}
}

// validate checks every key; the first at fault is named.
func (c *Config) validate() error {
	if err := validateAddr("server", c.Server.BindIP, c.Server.BindPort); err != nil {
		return err
	}
	if err := c.validateRanges(); err != nil {
		return err
	}
	if c.Server.LogFormat != "text" && c.Server.LogFormat != "json" {
		return invalid("server.log_format", " = %q: want \"text\" or \"json\"", c.Server.LogFormat)
	}
	if _, err := syslog.LoadLocation(c.Server.RFC3164Timezone); err != nil {
		return invalid("server.rfc3164_timezone", " = %q: %v", c.Server.RFC3164Timezone, err)
	}
	if c.SQLite.Enabled && c.SQLite.Database == "" {
		return invalid("sqlite.database", " is empty: name the database file, or set sqlite.enabled = false")
	}
	if err := c.validatePostgres(); err != nil {
		return err
	}
	if err := c.validateStreams(); err != nil {
		return err
	}
	if err := c.Web.validate(); err != nil {
		return err
	}
	if err := validateAddr("metrics", c.Metrics.BindIP, c.Metrics.BindPort); err != nil {
		return err
	}
	return c.validateAlerts()
}

// passwordKey finds a password in a key=value DSN.
var passwordKey = regexp.MustCompile(`(^|\s)password\s*=`)

// validatePostgres checks [postgresql]: exactly one store, and a DSN
// without a password.
func (c *Config) validatePostgres() error {
	p := c.PostgreSQL
	if !p.Enabled {
		return nil
	}
	if c.SQLite.Enabled {
		return invalid("postgresql.enabled", " = true and sqlite.enabled = true: enable exactly one store (set sqlite.enabled = false to store in PostgreSQL)")
	}
	for _, k := range []struct{ key, dsn string }{{"postgresql.dsn", p.DSN}, {"postgresql.read_dsn", p.ReadDSN}} {
		switch {
		case k.key == "postgresql.dsn" && k.dsn == "":
			return invalid(k.key, " is empty: name the database (postgres:///syslog, or host=… dbname=…)")
		case dsnHasPassword(k.dsn):
			return invalid(k.key, " holds a password: put it in password_file (mode 0600) or ~/.pgpass, not in this file")
		}
	}
	return nil
}

// dsnHasPassword reports whether dsn, a URL or key=value pairs, carries a
// password.
func dsnHasPassword(dsn string) bool {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return strings.Contains(dsn, "password")
		}
		_, has := u.User.Password()
		return has || u.Query().Has("password")
	}
	return passwordKey.MatchString(dsn)
}

// validateStreams checks [tcp], [tls] and [relp].
func (c *Config) validateStreams() error {
	t := c.TCP
	switch {
	case c.TLS.Enabled && c.TLS.CertFile == "":
		return invalid("tls.cert_file", " is empty: name the server's certificate (PEM), or set tls.enabled = false")
	case c.TLS.Enabled && c.TLS.KeyFile == "":
		return invalid("tls.key_file", " is empty: name the certificate's private key (PEM), or set tls.enabled = false")
	}
	if t.BindIP != nil || t.BindPort != nil {
		ip, port := c.Server.BindIP, c.Server.BindPort
		if t.BindIP != nil {
			ip = *t.BindIP
		}
		if t.BindPort != nil {
			port = *t.BindPort
		}
		if err := validateAddr("tcp", ip, port); err != nil {
			return err
		}
	}
	if err := validateAddr("tls", c.TLS.BindIP, c.TLS.BindPort); err != nil {
		return err
	}
	return validateAddr("relp", c.RELP.BindIP, c.RELP.BindPort)
}

// validateAddr checks the bind_ip and bind_port of table.
func validateAddr(table, ip string, port int) error {
	if err := (keyRange{key: table + ".bind_port", min: portRange.min, max: portRange.max}).check(port); err != nil {
		return err
	}
	if net.ParseIP(ip) == nil && ip != "" && ip != "localhost" {
		return invalid(table+".bind_ip", " = %q: not an IP address", ip)
	}
	return nil
}
