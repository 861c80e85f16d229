package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// defaultConfigFile is read from the working directory when neither --config
// nor AIOSYSLOGD_CONFIG names a file; serve writes it with defaults when it is
// missing.
const defaultConfigFile = "aiosyslogd.toml"

// defaultConfigTemplate is the file serve writes on first run, filled
// with defaultConfig(): each default is written once, there.
// Each numeric key has its range (keyRanges) on the comment line above it.
var defaultConfigTemplate = template.Must(template.New("aiosyslogd.toml").Funcs(template.FuncMap{
	"rangeOf": func(key string) string { return rangeOf(key).String() },
}).Parse(`# aiosyslogd configuration. See README.md for every key.

[server]
bind_ip = {{printf "%q" .Server.BindIP}}
# Range: {{rangeOf "server.bind_port"}}.
bind_port = {{.Server.BindPort}}
debug = {{.Server.Debug}}
# The daemon's own log on stderr: "text" (key=value) or "json", one object
# a line. Under systemd it carries no timestamps: journald adds them.
log_format = {{printf "%q" .Server.LogFormat}}
log_dump = {{.Server.LogDump}}
# Messages held in memory while the database catches up; beyond it UDP
# datagrams are counted as dropped, and stream senders are slowed down.
# Range: {{rangeOf "server.queue_size"}}.
queue_size = {{.Server.QueueSize}}
# Megabytes of messages held in memory from their arrival until they are
# stored (queued, batched or being written); at this limit too UDP
# datagrams are counted as dropped and stream senders are slowed down.
# Range: {{rangeOf "server.queue_max_mb"}}.
queue_max_mb = {{.Server.QueueMaxMB}}
# Zone of RFC 3164 timestamps, which carry none: "Local", "UTC", an IANA
# name such as "Europe/Berlin" or an offset such as "+01:00".
rfc3164_timezone = {{printf "%q" .Server.RFC3164Timezone}}

# TCP (RFC 6587): octet-counted or LF-framed messages, decided per frame.
[tcp]
enabled = {{.TCP.Enabled}}
# bind_ip and bind_port default to those of [server]: TCP listens where UDP does.
# bind_ip = "0.0.0.0"
# Range: {{rangeOf "tcp.bind_port"}}.
# bind_port = 5140
# Connections at once; more are refused (and counted). The limits of [tcp]
# hold for [tls] and [relp] too, each listener counting its own.
# Range: {{rangeOf "tcp.max_connections"}}.
max_connections = {{.TCP.MaxConnections}}
# Seconds a connection may take to send one whole message; a connection
# idle (or trickling bytes) that long is closed.
# Range: {{rangeOf "tcp.idle_timeout"}}.
idle_timeout = {{.TCP.IdleTimeout}}
# Bytes; a longer message is stored cut to this size, counted and logged.
# Range: {{rangeOf "tcp.max_message_size"}}.
max_message_size = {{.TCP.MaxMessageSize}}
# Each connection starts with a PROXY protocol (v1/v2) header naming the
# client, as load balancers send it; connections without one are refused.
proxy_protocol = {{.TCP.ProxyProtocol}}

# Syslog over TLS (RFC 5425). SIGHUP re-reads cert_file and key_file.
[tls]
enabled = {{.TLS.Enabled}}
bind_ip = {{printf "%q" .TLS.BindIP}}
# Range: {{rangeOf "tls.bind_port"}}.
bind_port = {{.TLS.BindPort}}
cert_file = {{printf "%q" .TLS.CertFile}}
key_file = {{printf "%q" .TLS.KeyFile}}
# When set, clients must present a certificate signed by this CA (mutual TLS).
client_ca_file = {{printf "%q" .TLS.ClientCAFile}}

# RELP (rsyslog's omrelp): each message acknowledged once it is stored.
[relp]
enabled = {{.RELP.Enabled}}
bind_ip = {{printf "%q" .RELP.BindIP}}
# Range: {{rangeOf "relp.bind_port"}}.
bind_port = {{.RELP.BindPort}}

[sqlite]
enabled = {{.SQLite.Enabled}}
database = {{printf "%q" .SQLite.Database}}
# Range: {{rangeOf "sqlite.batch_size"}}.
batch_size = {{.SQLite.BatchSize}}
# Range: {{rangeOf "sqlite.batch_timeout"}}.
batch_timeout = {{.SQLite.BatchTimeout}}
sql_dump = {{.SQLite.SQLDump}}
# Keep only the newest N month tables (0 = keep everything); older ones are
# dropped at start and whenever a new month begins.
# Range: {{rangeOf "sqlite.retention_months"}}.
retention_months = {{.SQLite.RetentionMonths}}

# PostgreSQL as the store instead of SQLite (a preview: README, PostgreSQL).
# Exactly one store: set sqlite.enabled = false to enable this one.
[postgresql]
enabled = {{.PostgreSQL.Enabled}}
# A libpq URL or key=value pairs, without the password: that comes from
# PGPASSFILE (~/.pgpass) or password_file, never from this file.
dsn = {{printf "%q" .PostgreSQL.DSN}}
# A file (mode 0600) holding the password on its first line.
password_file = {{printf "%q" .PostgreSQL.PasswordFile}}
# search, web and alert test read here (a hot standby); "" reads dsn.
read_dsn = {{printf "%q" .PostgreSQL.ReadDSN}}
# Range: {{rangeOf "postgresql.batch_size"}}.
batch_size = {{.PostgreSQL.BatchSize}}
# Range: {{rangeOf "postgresql.batch_timeout"}}.
batch_timeout = {{.PostgreSQL.BatchTimeout}}
# Keep only the newest N months (0 = keep everything): older partitions
# are detached (CONCURRENTLY) and dropped at start and when a month begins.
# Range: {{rangeOf "postgresql.retention_months"}}.
retention_months = {{.PostgreSQL.RetentionMonths}}

# The disk spool: received messages are appended to it, and the writer
# stores them from there, so that a backlog waits on disk rather than in
# memory and a crash of serve loses nothing that reached it. Used while
# [sqlite] is enabled; a change needs a restart.
[spool]
enabled = {{.Spool.Enabled}}
# The spool's directory; "" = beside the database, DATABASE.spool/.
dir = {{printf "%q" .Spool.Dir}}
# Megabytes of disk the spool may take; when it is full UDP datagrams are
# counted as dropped and stream senders are slowed down (back-pressure).
# Range: {{rangeOf "spool.max_size_mb"}}.
max_size_mb = {{.Spool.MaxSizeMB}}
# true: fsync every append batch (survives power loss, costs throughput);
# false: the page cache (survives kill -9 of serve).
fsync = {{.Spool.Fsync}}

# Prometheus metrics (GET /metrics) and health checks (GET /healthz, /readyz)
# over HTTP. Keep them on loopback, or behind a firewall: they need no login.
[metrics]
enabled = {{.Metrics.Enabled}}
bind_ip = {{printf "%q" .Metrics.BindIP}}
# Range: {{rangeOf "metrics.bind_port"}}.
bind_port = {{.Metrics.BindPort}}

# aiosyslogd web: the browser UI and HTTP API (the Python aiosyslogd-web's
# section). It reads the database above, read-only.
[web_server]
bind_ip = {{printf "%q" .Web.BindIP}}
# Range: {{rangeOf "web_server.bind_port"}}.
bind_port = {{.Web.BindPort}}
debug = {{.Web.Debug}}
# Mask IPv4/IPv6/MAC addresses and user=… values in what the page and the
# API show.
redact = {{.Web.Redact}}
# Users and their password hashes (aiosyslogd user …); made with one admin
# and a random password, printed once, when missing. session.key, the
# key that signs sessions, is kept beside it.
users_file = {{printf "%q" .Web.UsersFile}}
# Range: {{rangeOf "web_server.session_hours"}}.
session_hours = {{.Web.SessionHours}}
# Both set: HTTPS.
cert_file = {{printf "%q" .Web.CertFile}}
key_file = {{printf "%q" .Web.KeyFile}}
# Reverse proxies (addresses or networks, "10.0.0.0/8") whose
# X-Forwarded-For names the client, for the limits on failed logins; a
# request from any other peer is its own client.
trusted_proxies = [{{range $i, $p := .Web.TrustedProxies}}{{if $i}}, {{end}}{{printf "%q" $p}}{{end}}]
# The address people open the UI at ("https://logs.example.com"): alert
# notifications link to their messages there.
base_url = {{printf "%q" .Web.BaseURL}}

# Alerts (README: Alerts): serve notifies when at least threshold messages
# matching query arrive within window; SIGHUP reloads them. For example:
#
# [[alert]]
# name = "ssh brute force"              # unique; shown in every notification
# query = 'tag:sshd "Failed password"'  # the query language, as in search
# threshold = 10                        # default 1
# window = "5m"                         # default "1m"
# repeat = "1h"                         # remind at most this often while firing (default "1h")
# notify = ["ops", "mail"]
# notify_resolved = true                # default true
# muted_until = 2026-12-24T08:00:00Z    # no notifications until then (still evaluated); default not muted
#
# Rules made in the web page (/alerts) are in DATABASE-rules.toml, beside
# the database, with the same keys; serve reads both (names must differ).
#
# [[notifier]]
# name = "ops"
# type = "webhook"                      # webhook, email or alertmanager
# url = "https://chat.example.com/hooks/abc"
# format = "json"                       # "json" or "slack" (Slack, Mattermost, Rocket.Chat)
#
# [[notifier]]
# name = "mail"
# type = "email"
# smtp = "mail.example.com:587"         # STARTTLS when offered; "smtps://host:465" for TLS from the start
# from = "aiosyslogd@example.com"
# to = ["ops@example.com"]
# username = ""
# password_file = ""                    # mode 0600: secrets are never in this file
#
# [[notifier]]
# name = "am"
# type = "alertmanager"                 # Prometheus Alertmanager: POST /api/v2/alerts
# url = "http://127.0.0.1:9093"
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
	TCP     TCPConfig     `toml:"tcp"`
	TLS     TLSConfig     `toml:"tls"`
	RELP    RELPConfig    `toml:"relp"`
	SQLite  SQLiteConfig  `toml:"sqlite"`
	Spool   SpoolConfig   `toml:"spool"`
	Metrics MetricsConfig `toml:"metrics"`
	Web     WebConfig     `toml:"web_server"`
	// Alerts and Notifiers are the [[alert]] and [[notifier]] tables.
	Alerts    []AlertConfig    `toml:"alert"`
	Notifiers []NotifierConfig `toml:"notifier"`
	// PostgreSQL is the other store; exactly one of it and SQLite is
	// enabled.
	PostgreSQL PostgreSQLConfig `toml:"postgresql"`
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
	// TrustedProxies are addresses or CIDR networks of reverse proxies
	// whose X-Forwarded-For header names the client.
	TrustedProxies []string `toml:"trusted_proxies"`
	// BaseURL is the address people open the UI at, for the links of
	// alert notifications; "" for none.
	BaseURL string `toml:"base_url"`
}

// ServerConfig is the [server] table: where to listen and what to log.
type ServerConfig struct {
	BindIP          string `toml:"bind_ip"`
	BindPort        int    `toml:"bind_port"`
	Debug           bool   `toml:"debug"`
	LogFormat       string `toml:"log_format"` // "text" or "json"
	LogDump         bool   `toml:"log_dump"`
	QueueSize       int    `toml:"queue_size"`
	QueueMaxMB      int    `toml:"queue_max_mb"` // megabytes (MiB)
	RFC3164Timezone string `toml:"rfc3164_timezone"`
}

// TCPConfig is the [tcp] table: syslog over TCP, and the limits of every
// stream listener.
type TCPConfig struct {
	Enabled bool `toml:"enabled"`
	// BindIP and BindPort are nil when left out: TCP then listens where
	// UDP does ([server]'s, and UDP's port when that is 0).
	BindIP         *string `toml:"bind_ip"`
	BindPort       *int    `toml:"bind_port"`
	MaxConnections int     `toml:"max_connections"`
	IdleTimeout    int     `toml:"idle_timeout"` // seconds
	MaxMessageSize int     `toml:"max_message_size"`
	ProxyProtocol  bool    `toml:"proxy_protocol"`
}

// TLSConfig is the [tls] table: syslog over TLS.
type TLSConfig struct {
	Enabled      bool   `toml:"enabled"`
	BindIP       string `toml:"bind_ip"`
	BindPort     int    `toml:"bind_port"`
	CertFile     string `toml:"cert_file"`
	KeyFile      string `toml:"key_file"`
	ClientCAFile string `toml:"client_ca_file"`
}

// RELPConfig is the [relp] table: syslog over RELP.
type RELPConfig struct {
	Enabled  bool   `toml:"enabled"`
	BindIP   string `toml:"bind_ip"`
	BindPort int    `toml:"bind_port"`
}

// inheritedKeys are the keys that default to another key's value; they
// are left out of the default file (commented) and of defaultConfig.
var inheritedKeys = map[string]string{"tcp.bind_ip": "server.bind_ip", "tcp.bind_port": "server.bind_port"}

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

// PostgreSQLConfig is the [postgresql] table: PostgreSQL as the store.
type PostgreSQLConfig struct {
	Enabled bool `toml:"enabled"`
	// DSN is a libpq URL or key=value string without a password.
	DSN          string `toml:"dsn"`
	PasswordFile string `toml:"password_file"`
	// ReadDSN is where search and web read; "" means DSN.
	ReadDSN      string  `toml:"read_dsn"`
	BatchSize    int     `toml:"batch_size"`
	BatchTimeout float64 `toml:"batch_timeout"` // seconds
	// RetentionMonths keeps the newest N month partitions; 0 keeps all.
	RetentionMonths int `toml:"retention_months"`
}

// SpoolConfig is the [spool] table: the disk spool between the receivers
// and the database.
type SpoolConfig struct {
	Enabled   bool   `toml:"enabled"`
	Dir       string `toml:"dir"`         // "" = DATABASE.spool/
	MaxSizeMB int    `toml:"max_size_mb"` // megabytes (MiB)
	Fsync     bool   `toml:"fsync"`
}

// DefaultSpoolMaxMB is spool.max_size_mb's default: 4 GiB.
const DefaultSpoolMaxMB = 4096

// SpoolDir is the spool's directory: dir, or DATABASE.spool beside the
// database.
func (c *Config) SpoolDir() string {
	if c.Spool.Dir != "" {
		return c.Spool.Dir
	}
	return c.SQLite.Database + ".spool"
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
			QueueMaxMB:      ingest.DefaultQueueBytes >> 20,
			RFC3164Timezone: "Local"},
		TCP: TCPConfig{Enabled: true, MaxConnections: receive.DefaultMaxConnections,
			IdleTimeout: int(receive.DefaultIdleTimeout.Seconds()), MaxMessageSize: receive.DefaultMaxMessageSize},
		TLS:  TLSConfig{BindIP: "0.0.0.0", BindPort: 6514, CertFile: "server.crt", KeyFile: "server.key"},
		RELP: RELPConfig{BindIP: "0.0.0.0", BindPort: 2514},
		SQLite: SQLiteConfig{Enabled: true, Database: "syslog.db", BatchSize: ingest.DefaultBatchSize,
			BatchTimeout: ingest.DefaultBatchTimeout.Seconds()},
		PostgreSQL: PostgreSQLConfig{DSN: "postgres:///syslog", BatchSize: ingest.DefaultBatchSize,
			BatchTimeout: ingest.DefaultBatchTimeout.Seconds()},
		Spool:   SpoolConfig{Enabled: true, MaxSizeMB: DefaultSpoolMaxMB},
		Metrics: MetricsConfig{BindIP: "127.0.0.1", BindPort: 9140},
		Web: WebConfig{BindIP: "0.0.0.0", BindPort: 5141, UsersFile: "users.json", SessionHours: 12,
			TrustedProxies: []string{}},
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

// TCPAddr is the TCP address to listen on, udpPort being the port UDP
// listens on (the one bound, when server.bind_port is 0).
func (c *Config) TCPAddr(udpPort int) string {
	ip, port := c.Server.BindIP, udpPort
	if c.TCP.BindIP != nil {
		ip = *c.TCP.BindIP
	}
	if c.TCP.BindPort != nil {
		port = *c.TCP.BindPort
	}
	return net.JoinHostPort(ip, strconv.Itoa(port))
}

// TCPFollowsUDP reports whether TCP takes whatever port UDP was given
// (bind_port left out of [tcp] and server.bind_port 0).
func (c *Config) TCPFollowsUDP() bool { return c.TCP.BindPort == nil && c.Server.BindPort == 0 }

// BatchTimeout is the enabled store's batch_timeout as a duration.
func (c *Config) BatchTimeout() time.Duration {
	if c.PostgreSQL.Enabled {
		return time.Duration(c.PostgreSQL.BatchTimeout * float64(time.Second))
	}
	return time.Duration(c.SQLite.BatchTimeout * float64(time.Second))
}

// BatchSize is the enabled store's batch_size.
func (c *Config) BatchSize() int {
	if c.PostgreSQL.Enabled {
		return c.PostgreSQL.BatchSize
	}
	return c.SQLite.BatchSize
}

// PostgresReadDSN is where search, web and alert test read PostgreSQL:
// read_dsn, else dsn.
func (c *Config) PostgresReadDSN() string {
	if c.PostgreSQL.ReadDSN != "" {
		return c.PostgreSQL.ReadDSN
	}
	return c.PostgreSQL.DSN
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
// --config has no short form: a "c" set is search's --count.
func configFlagValue(c *cli.Context) (path string, named bool) {
	for _, ctx := range c.Lineage() {
		for _, name := range ctx.LocalFlagNames() {
			if name == "config" {
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
		var ie *itemError
		if errors.As(err, &ie) {
			if line := rulesfile.ItemKeyLine(string(text), ie.table, ie.index, ie.key); line > 0 {
				return Config{}, fmt.Errorf("config %s: line %d: %w", path, line, err)
			}
		}
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

// validate checks [web_server]; the first key at fault is named.
func (w *WebConfig) validate() error {
	if err := validateAddr("web_server", w.BindIP, w.BindPort); err != nil {
		return err
	}
	switch {
	case w.UsersFile == "":
		return invalid("web_server.users_file", " is empty: name the users file (users.json)")
	case w.CertFile == "" && w.KeyFile != "":
		return invalid("web_server.key_file", " is set without cert_file: set both for HTTPS, or neither")
	case w.CertFile != "" && w.KeyFile == "":
		return invalid("web_server.cert_file", " is set without key_file: set both for HTTPS, or neither")
	}
	if w.BaseURL != "" {
		if u, err := url.Parse(w.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid("web_server.base_url", " = %q: want the page's address, http(s)://host[:port][/path]", w.BaseURL)
		}
	}
	_, err := w.Proxies()
	return err
}

// Proxies is trusted_proxies as networks; an address is a network of
// one. An entry that is neither is the key's error.
func (w *WebConfig) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range w.TrustedProxies {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return nil, invalid("web_server.trusted_proxies", " has %q: want an IP address or a network (10.0.0.0/8, fd00::/8)", v)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// WebAddr is the TCP address aiosyslogd web listens on.
func (c *Config) WebAddr() string {
	return net.JoinHostPort(c.Web.BindIP, strconv.Itoa(c.Web.BindPort))
}
