package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// defaultConfigFile is read from the working directory when neither --config
// nor AIOSYSLOGD_CONFIG names a file; serve writes it with defaults when it is
// missing.
const defaultConfigFile = "aiosyslogd.toml"

// defaultConfigTemplate is the file serve writes on first run, filled
// with defaultConfig(): each default is written once, there.
var defaultConfigTemplate = template.Must(template.New("aiosyslogd.toml").Parse(`# aiosyslogd configuration. See README.md for every key.

[server]
bind_ip = {{printf "%q" .Server.BindIP}}
bind_port = {{.Server.BindPort}}
debug = {{.Server.Debug}}
log_dump = {{.Server.LogDump}}
# Messages held in memory while the database catches up; beyond it UDP
# datagrams are counted as dropped.
queue_size = {{.Server.QueueSize}}
# Zone of RFC 3164 timestamps, which carry none: "Local", "UTC", an IANA
# name such as "Europe/Berlin" or an offset such as "+01:00".
rfc3164_timezone = {{printf "%q" .Server.RFC3164Timezone}}

[sqlite]
enabled = {{.SQLite.Enabled}}
database = {{printf "%q" .SQLite.Database}}
batch_size = {{.SQLite.BatchSize}}
batch_timeout = {{.SQLite.BatchTimeout}}
sql_dump = {{.SQLite.SQLDump}}
# Keep only the newest N month tables (0 = keep everything); older ones are
# dropped at start and whenever a new month begins.
retention_months = {{.SQLite.RetentionMonths}}

# aiosyslogd web: the browser UI and HTTP API (the Python aiosyslogd-web's
# section). It reads the database above, read-only.
[web_server]
bind_ip = {{printf "%q" .Web.BindIP}}
bind_port = {{.Web.BindPort}}
debug = {{.Web.Debug}}
# Mask IPv4/IPv6/MAC addresses and user=… values in what the page and the
# API show.
redact = {{.Web.Redact}}
# Users and their password hashes (aiosyslogd user …); made with one admin
# and a random password, printed once, when missing. session.key, the
# key that signs sessions, is kept beside it.
users_file = {{printf "%q" .Web.UsersFile}}
session_hours = {{.Web.SessionHours}}
# Both set: HTTPS.
cert_file = {{printf "%q" .Web.CertFile}}
key_file = {{printf "%q" .Web.KeyFile}}
`))

// defaultConfigText is the text of the default configuration file.
func defaultConfigText() string {
	var b strings.Builder
	cfg := defaultConfig()
	if err := defaultConfigTemplate.Execute(&b, &cfg); err != nil {
		panic(err) // the template and Config are compiled together; a test runs it
	}
	return b.String()
}

// Config is the whole configuration file.
type Config struct {
	Server ServerConfig `toml:"server"`
	SQLite SQLiteConfig `toml:"sqlite"`
	Web    WebConfig    `toml:"web_server"`
}

// WebConfig is the [web_server] table: where aiosyslogd web listens, its
// users and sessions, and HTTPS.
type WebConfig struct {
	BindIP       string `toml:"bind_ip"`
	BindPort     int    `toml:"bind_port"`
	Debug        bool   `toml:"debug"`
	Redact       bool   `toml:"redact"`
	UsersFile    string `toml:"users_file"`
	SessionHours int    `toml:"session_hours"`
	CertFile     string `toml:"cert_file"`
	KeyFile      string `toml:"key_file"`
}

// ServerConfig is the [server] table: where to listen and what to log.
type ServerConfig struct {
	BindIP          string `toml:"bind_ip"`
	BindPort        int    `toml:"bind_port"`
	Debug           bool   `toml:"debug"`
	LogDump         bool   `toml:"log_dump"`
	QueueSize       int    `toml:"queue_size"`
	RFC3164Timezone string `toml:"rfc3164_timezone"`
}

// SQLiteConfig is the [sqlite] table: where and how messages are stored.
type SQLiteConfig struct {
	Enabled      bool    `toml:"enabled"`
	Database     string  `toml:"database"`
	BatchSize    int     `toml:"batch_size"`
	BatchTimeout float64 `toml:"batch_timeout"` // seconds
	SQLDump      bool    `toml:"sql_dump"`
	// RetentionMonths keeps the newest N month tables; 0 keeps all.
	RetentionMonths int `toml:"retention_months"`
}

// defaultConfig is the configuration of a file that sets nothing.
func defaultConfig() Config {
	return Config{
		Server: ServerConfig{BindIP: "0.0.0.0", BindPort: 5140, QueueSize: ingest.DefaultQueueSize, RFC3164Timezone: "Local"},
		SQLite: SQLiteConfig{Enabled: true, Database: "syslog.db", BatchSize: ingest.DefaultBatchSize,
			BatchTimeout: ingest.DefaultBatchTimeout.Seconds()},
		Web: WebConfig{BindIP: "0.0.0.0", BindPort: 5141, UsersFile: "users.json", SessionHours: 12},
	}
}

// Addr is the UDP address to listen on.
func (c *Config) Addr() string {
	return net.JoinHostPort(c.Server.BindIP, strconv.Itoa(c.Server.BindPort))
}

// BatchTimeout is batch_timeout as a duration.
func (c *Config) BatchTimeout() time.Duration {
	return time.Duration(c.SQLite.BatchTimeout * float64(time.Second))
}

// Parser is the parser of received messages: RFC 3164 timestamps in
// rfc3164_timezone (validated when the file was read).
func (c *Config) Parser() syslog.Parser {
	loc, err := syslog.LoadLocation(c.Server.RFC3164Timezone)
	if err != nil {
		loc = time.Local
	}
	return syslog.Parser{Location: loc}
}

// loadConfig reads the configuration for serve: the file named by --config
// or AIOSYSLOGD_CONFIG, which must exist, or ./aiosyslogd.toml, written with
// the defaults when missing. It returns the config and the file's path.
func loadConfig(c *cli.Context) (Config, string, error) {
	return readConfig(c, true)
}

// loadConfigNoCreate is loadConfig for commands that only read (search): a
// missing ./aiosyslogd.toml means the defaults, and nothing is written.
func loadConfigNoCreate(c *cli.Context) (Config, string, error) {
	return readConfig(c, false)
}

func readConfig(c *cli.Context, create bool) (Config, string, error) {
	path, named := c.String("config"), c.IsSet("config")
	if !named {
		path = defaultConfigFile
	}
	_, err := os.Stat(path)
	switch {
	case err == nil:
	case errors.Is(err, os.ErrNotExist) && named:
		return Config{}, path, fmt.Errorf("config file %s does not exist (named by --config or AIOSYSLOGD_CONFIG); not creating it", path)
	case errors.Is(err, os.ErrNotExist) && !create:
		return defaultConfig(), "", nil
	case errors.Is(err, os.ErrNotExist):
		if err := os.WriteFile(path, []byte(defaultConfigText()), 0o644); err != nil {
			return Config{}, path, fmt.Errorf("write default config %s: %w", path, err)
		}
	default:
		return Config{}, path, fmt.Errorf("config file %s: %w", path, err)
	}
	cfg, err := parseConfigFile(path)
	return cfg, path, err
}

// parseConfigFile decodes path over the defaults, so that a key left out
// keeps its default, and rejects unknown keys and invalid values.
func parseConfigFile(path string) (Config, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config %s: %w", path, err)
	}
	cfg := defaultConfig()
	md, err := toml.Decode(string(text), &cfg)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return Config{}, fmt.Errorf("config %s: line %d: %s", path, perr.Position.Line, perr.Message)
		}
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		key := undecoded[0].String()
		return Config{}, fmt.Errorf("config %s: line %d: unknown key %q (known keys are listed in README.md)",
			path, keyLine(string(text), undecoded[0][len(undecoded[0])-1]), key)
	}
	if err := cfg.validate(); err != nil {
		if line := validationLine(string(text), err); line > 0 {
			return Config{}, fmt.Errorf("config %s: line %d: %w", path, line, err)
		}
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// keyLine finds the line where key is assigned (or its table opens), for
// error messages; 0 when not found.
func keyLine(text, key string) int {
	re := regexp.MustCompile(`^\s*(\[\s*)?"?` + regexp.QuoteMeta(key) + `"?\s*(=|\])`)
	for i, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return i + 1
		}
	}
	return 0
}

// validatedKey is the TABLE.KEY that a validation error starts with.
var validatedKey = regexp.MustCompile(`^([a-z_]+)\.([a-z0-9_]+)`)

// validationLine is the line of text that sets the key a validation
// error names; 0 when the file does not set it (a default is wrong, or the
// error names no key).
func validationLine(text string, err error) int {
	m := validatedKey.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	table := regexp.MustCompile(`^\s*\[\s*` + regexp.QuoteMeta(m[1]) + `\s*\]`)
	key := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(m[2]) + `"?\s*=`)
	in := false
	for i, line := range strings.Split(text, "\n") {
		switch {
		case table.MatchString(line):
			in = true
		case strings.HasPrefix(strings.TrimSpace(line), "["):
			in = false
		case in && key.MatchString(line):
			return i + 1
		}
	}
	return 0
}

func (c *Config) validate() error {
	if c.Server.BindPort < 0 || c.Server.BindPort > 65535 {
		return fmt.Errorf("server.bind_port = %d: want 0-65535", c.Server.BindPort)
	}
	if net.ParseIP(c.Server.BindIP) == nil && c.Server.BindIP != "" && c.Server.BindIP != "localhost" {
		return fmt.Errorf("server.bind_ip = %q: not an IP address", c.Server.BindIP)
	}
	if c.Server.QueueSize < 1 {
		return fmt.Errorf("server.queue_size = %d: want at least 1", c.Server.QueueSize)
	}
	if _, err := syslog.LoadLocation(c.Server.RFC3164Timezone); err != nil {
		return fmt.Errorf("server.rfc3164_timezone = %q: %w", c.Server.RFC3164Timezone, err)
	}
	if c.SQLite.BatchSize < 1 {
		return fmt.Errorf("sqlite.batch_size = %d: want at least 1", c.SQLite.BatchSize)
	}
	if c.SQLite.BatchTimeout <= 0 {
		return fmt.Errorf("sqlite.batch_timeout = %v: want a number of seconds above 0", c.SQLite.BatchTimeout)
	}
	if c.SQLite.RetentionMonths < 0 {
		return fmt.Errorf("sqlite.retention_months = %d: want 0 (keep all) or more", c.SQLite.RetentionMonths)
	}
	if err := c.Web.validate(); err != nil {
		return err
	}
	if c.SQLite.Enabled && c.SQLite.Database == "" {
		return errors.New("sqlite.database is empty: name the database file, or set sqlite.enabled = false")
	}
	return nil
}

func (w *WebConfig) validate() error {
	switch {
	case w.BindPort < 0 || w.BindPort > 65535:
		return fmt.Errorf("web_server.bind_port = %d: want 0-65535", w.BindPort)
	case net.ParseIP(w.BindIP) == nil && w.BindIP != "" && w.BindIP != "localhost":
		return fmt.Errorf("web_server.bind_ip = %q: not an IP address", w.BindIP)
	case w.UsersFile == "":
		return errors.New("web_server.users_file is empty: name the users file (users.json)")
	case w.SessionHours <= 0:
		return fmt.Errorf("web_server.session_hours = %d: want a number of hours above 0", w.SessionHours)
	case (w.CertFile == "") != (w.KeyFile == ""):
		return errors.New("web_server.cert_file and key_file go together: set both for HTTPS, or neither")
	}
	return nil
}

// WebAddr is the TCP address aiosyslogd web listens on.
func (c *Config) WebAddr() string {
	return net.JoinHostPort(c.Web.BindIP, strconv.Itoa(c.Web.BindPort))
}
