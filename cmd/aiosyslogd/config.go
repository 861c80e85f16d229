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
# The daemon's own log on stderr: "text" (key=value) or "json", one object
# a line. Under systemd it carries no timestamps: journald adds them.
log_format = {{printf "%q" .Server.LogFormat}}
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

# Prometheus metrics (GET /metrics) and health checks (GET /healthz, /readyz)
# over HTTP. Keep them on loopback, or behind a firewall: they need no login.
[metrics]
enabled = {{.Metrics.Enabled}}
bind_ip = {{printf "%q" .Metrics.BindIP}}
bind_port = {{.Metrics.BindPort}}
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
	Server  ServerConfig  `toml:"server"`
	SQLite  SQLiteConfig  `toml:"sqlite"`
	Metrics MetricsConfig `toml:"metrics"`
}

// ServerConfig is the [server] table: where to listen and what to log.
type ServerConfig struct {
	BindIP          string `toml:"bind_ip"`
	BindPort        int    `toml:"bind_port"`
	Debug           bool   `toml:"debug"`
	LogFormat       string `toml:"log_format"` // "text" or "json"
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

// MetricsConfig is the [metrics] table: where serve answers Prometheus and
// health checks.
type MetricsConfig struct {
	Enabled  bool   `toml:"enabled"`
	BindIP   string `toml:"bind_ip"`
	BindPort int    `toml:"bind_port"`
}

// defaultConfig is the configuration of a file that sets nothing.
func defaultConfig() Config {
	return Config{
		Server: ServerConfig{BindIP: "0.0.0.0", BindPort: 5140, LogFormat: "text", QueueSize: ingest.DefaultQueueSize,
			RFC3164Timezone: "Local"},
		SQLite: SQLiteConfig{Enabled: true, Database: "syslog.db", BatchSize: ingest.DefaultBatchSize,
			BatchTimeout: ingest.DefaultBatchTimeout.Seconds()},
		Metrics: MetricsConfig{BindIP: "127.0.0.1", BindPort: 9140},
	}
}

// Addr is the UDP address to listen on.
func (c *Config) Addr() string {
	return net.JoinHostPort(c.Server.BindIP, strconv.Itoa(c.Server.BindPort))
}

// MetricsAddr is the address of the metrics and health server.
func (c *Config) MetricsAddr() string {
	return net.JoinHostPort(c.Metrics.BindIP, strconv.Itoa(c.Metrics.BindPort))
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
	path, named := configFlagValue(c)
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

// configFlagValue is --config as given before the command or after it
// (check), else from AIOSYSLOGD_CONFIG; named is false when neither says.
// Both contexts define the flag, and c.String reads the nearest, set or not.
func configFlagValue(c *cli.Context) (path string, named bool) {
	for _, ctx := range c.Lineage() {
		for _, name := range ctx.LocalFlagNames() {
			if name == "config" || name == "c" {
				return ctx.String("config"), true
			}
		}
	}
	return c.String("config"), c.IsSet("config")
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
		key := undecoded[0]
		return Config{}, fmt.Errorf("config %s: line %d: unknown key %q (known keys are listed in README.md)",
			path, keyLine(string(text), key), key.String())
	}
	if err := cfg.validate(); err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			if line := keyLine(string(text), strings.Split(ke.key, ".")); line > 0 {
				return Config{}, fmt.Errorf("config %s: line %d: %w", path, line, err)
			}
		}
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

var tableLine = regexp.MustCompile(`^\s*\[\s*"?([^"\]]*)"?\s*\]`)

// keyLine finds the line where key is assigned, in its table, or where
// the table named by key opens, for error messages; 0 when not found.
func keyLine(text string, key toml.Key) int {
	table, name := strings.Join(key[:len(key)-1], "."), key[len(key)-1]
	assign := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(name) + `"?\s*=`)
	current := ""
	for i, line := range strings.Split(text, "\n") {
		if m := tableLine.FindStringSubmatch(line); m != nil {
			current = m[1]
			if current == key.String() {
				return i + 1
			}
			continue
		}
		if current == table && assign.MatchString(line) {
			return i + 1
		}
	}
	return 0
}

// keyError is an invalid value of one key: its text starts with the key.
type keyError struct{ key, problem string }

func (e *keyError) Error() string { return e.key + e.problem }

// invalid returns the keyError of key; format and args say what is wrong,
// as in " = 0: want at least 1".
func invalid(key, format string, args ...any) error {
	return &keyError{key: key, problem: fmt.Sprintf(format, args...)}
}

func (c *Config) validate() error {
	if err := validateAddr("server", c.Server.BindIP, c.Server.BindPort); err != nil {
		return err
	}
	if c.Server.LogFormat != "text" && c.Server.LogFormat != "json" {
		return invalid("server.log_format", " = %q: want \"text\" or \"json\"", c.Server.LogFormat)
	}
	if c.Server.QueueSize < 1 {
		return invalid("server.queue_size", " = %d: want at least 1", c.Server.QueueSize)
	}
	if _, err := syslog.LoadLocation(c.Server.RFC3164Timezone); err != nil {
		return invalid("server.rfc3164_timezone", " = %q: %v", c.Server.RFC3164Timezone, err)
	}
	if c.SQLite.BatchSize < 1 {
		return invalid("sqlite.batch_size", " = %d: want at least 1", c.SQLite.BatchSize)
	}
	if c.SQLite.BatchTimeout <= 0 {
		return invalid("sqlite.batch_timeout", " = %v: want a number of seconds above 0", c.SQLite.BatchTimeout)
	}
	if c.SQLite.RetentionMonths < 0 {
		return invalid("sqlite.retention_months", " = %d: want 0 (keep all) or more", c.SQLite.RetentionMonths)
	}
	if c.SQLite.Enabled && c.SQLite.Database == "" {
		return invalid("sqlite.database", " is empty: name the database file, or set sqlite.enabled = false")
	}
	return validateAddr("metrics", c.Metrics.BindIP, c.Metrics.BindPort)
}

// validateAddr checks the bind_ip and bind_port of table.
func validateAddr(table, ip string, port int) error {
	if port < 0 || port > 65535 {
		return invalid(table+".bind_port", " = %d: want 0-65535", port)
	}
	if net.ParseIP(ip) == nil && ip != "" && ip != "localhost" {
		return invalid(table+".bind_ip", " = %q: not an IP address", ip)
	}
	return nil
}
