package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"
)

// defaultConfigFile is read from the working directory when neither --config
// nor AIOSYSLOGD_CONFIG names a file; serve writes it with defaults when it is
// missing.
const defaultConfigFile = "aiosyslogd.toml"

// defaultConfigText is the file serve writes on first run. It must decode to
// defaultConfig() (a test holds them together).
const defaultConfigText = `# aiosyslogd configuration. See README.md for every key.

[server]
bind_ip = "0.0.0.0"
bind_port = 5140
debug = false
log_dump = false
# Datagrams held in memory while the database catches up; beyond it they
# are counted as dropped.
queue_size = 1048576
# Zone of RFC 3164 timestamps, which carry none: "Local", "UTC" or an IANA
# name such as "Europe/Berlin".
rfc3164_timezone = "Local"

[sqlite]
enabled = true
database = "syslog.db"
batch_size = 1000
batch_timeout = 5
sql_dump = false
# Keep only the newest N month tables (0 = keep everything); older ones are
# dropped at start and whenever a new month begins.
retention_months = 0
`

// Config is the whole configuration file.
type Config struct {
	Server ServerConfig `toml:"server"`
	SQLite SQLiteConfig `toml:"sqlite"`
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

func defaultConfig() Config {
	return Config{
		Server: ServerConfig{BindIP: "0.0.0.0", BindPort: 5140, QueueSize: 1 << 20, RFC3164Timezone: "Local"},
		SQLite: SQLiteConfig{Enabled: true, Database: "syslog.db", BatchSize: 1000, BatchTimeout: 5},
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

// Location is the zone of RFC 3164 timestamps.
func (c *Config) Location() (*time.Location, error) {
	switch strings.ToLower(c.Server.RFC3164Timezone) {
	case "", "local":
		return time.Local, nil
	case "utc":
		return time.UTC, nil
	}
	return time.LoadLocation(c.Server.RFC3164Timezone)
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
		if err := os.WriteFile(path, []byte(defaultConfigText), 0o644); err != nil {
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
	if _, err := c.Location(); err != nil {
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
	if c.SQLite.Enabled && c.SQLite.Database == "" {
		return errors.New("sqlite.database is empty: name the database file, or set sqlite.enabled = false")
	}
	return nil
}
