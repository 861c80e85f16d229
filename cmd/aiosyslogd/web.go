package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/web"
	"github.com/aiosyslogd/aiosyslogd/web/session"
	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// webCommand is `aiosyslogd web`: the browser UI and HTTP API over the
// database serve writes.
func webCommand() *cli.Command {
	return newCommand("web", "", runWeb,
		&cli.StringFlag{Name: "bind-ip", Usage: "address to listen on (web_server.bind_ip)", EnvVars: []string{"AIOSYSLOGD_WEB_BIND_IP"}},
		&cli.IntFlag{Name: "bind-port", Usage: "TCP port, 0 for any free one (web_server.bind_port)", EnvVars: []string{"AIOSYSLOGD_WEB_BIND_PORT"}},
		&cli.StringFlag{Name: "database", Usage: "SQLite database file to read (sqlite.database)", EnvVars: []string{"AIOSYSLOGD_DATABASE"}},
		&cli.StringFlag{Name: "users-file", Usage: "the users `FILE` (web_server.users_file)", EnvVars: []string{"AIOSYSLOGD_USERS_FILE"}},
		&cli.BoolFlag{Name: "debug", Usage: "log every request's trouble verbosely (web_server.debug)", EnvVars: []string{"AIOSYSLOGD_DEBUG"}},
	)
}

func runWeb(c *cli.Context) error {
	cfg, path, err := loadConfigNoCreate(c)
	if err != nil {
		return cli.Exit("aiosyslogd web: "+err.Error(), 2)
	}
	applyWebFlags(c, &cfg)
	// The log is serve's (server.log_format), at web_server.debug's level.
	logCfg := cfg
	logCfg.Server.Debug = cfg.Web.Debug
	logger, _ := newLogger(os.Stderr, &logCfg)
	if path == "" {
		path = "(none: defaults)"
	}
	if webSource(c, &cfg).postgres() {
		logger.Info("configuration", "file", path, "store", "postgresql", "users_file", cfg.Web.UsersFile)
	} else {
		logger.Info("configuration", "file", path, "database", cfg.SQLite.Database, "users_file", cfg.Web.UsersFile)
	}
	srv, tlsConfig, err := newWebServer(c, &cfg, path, logger)
	if err != nil {
		return cli.Exit("aiosyslogd web: "+err.Error(), 1)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.WebAddr())
	if err != nil {
		return cli.Exit("aiosyslogd web: "+listenHint(err, "web_server.bind_port"), 1)
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	logger.Info("listening", "addr", ln.Addr().String(), "url", scheme+"://"+ln.Addr().String()+"/")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Serve(ctx, ln, tlsConfig); err != nil {
		return cli.Exit("aiosyslogd web: "+err.Error(), 1)
	}
	logger.Info("stopped")
	return nil
}

// newWebServer opens the users file (creating it with a first admin when
// missing), the session key and the certificate, and makes the server.
func newWebServer(c *cli.Context, cfg *Config, cfgPath string, logger *slog.Logger) (*web.Server, *tls.Config, error) {
	users, password, err := user.Bootstrap(cfg.Web.UsersFile)
	if err != nil {
		return nil, nil, err
	}
	if password != "" {
		fmt.Fprintf(c.App.ErrWriter, "aiosyslogd web: created %s with the admin user %q and the password\n\n    %s\n\n"+
			"It is shown only now. Log in with it, then change it: aiosyslogd user passwd %s\n",
			cfg.Web.UsersFile, user.BootstrapAdmin, password, user.BootstrapAdmin)
	}
	key, err := session.LoadKey(session.KeyPath(cfg.Web.UsersFile))
	if err != nil {
		return nil, nil, err
	}
	sessions, err := session.NewManager(key, users)
	if err != nil {
		return nil, nil, err
	}
	sessions.Lifetime = time.Duration(cfg.Web.SessionHours) * time.Hour
	var tlsConfig *tls.Config
	if cfg.Web.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.Web.CertFile, cfg.Web.KeyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("web_server.cert_file and key_file: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		sessions.Secure = true
	}
	proxies, err := cfg.Web.Proxies() // validated with the file
	if err != nil {
		return nil, nil, err
	}
	wc := web.Config{Database: cfg.SQLite.Database, Users: users, Sessions: sessions, Redact: cfg.Web.Redact,
		Logger: logger, TrustedProxies: proxies, Alerts: webAlerts(cfg, cfgPath)}
	src := webSource(c, cfg)
	wc.Open = func(ctx context.Context) (db.Browser, error) { return openWebReader(ctx, src) }
	var states *browserStates
	if src.postgres() {
		states = &browserStates{}
		wc.Alerts.State = states
	}
	srv, err := web.New(wc)
	if err != nil {
		return nil, nil, err
	}
	if states != nil {
		states.reader = srv.Reader // before serving: no request reads it yet
	}
	if _, err := srv.Reader(c.Context); errors.Is(err, db.ErrNoDatabase) {
		logger.Warn("no database yet: the page says so until serve stores something", "error", err)
	} else if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return srv, tlsConfig, nil
}

// webSource is where web reads: postgresql.enabled, and no --database
// naming an SQLite file, is PostgreSQL (read_dsn, else dsn); else the
// SQLite file sqlite.database (which --database sets).
func webSource(c *cli.Context, cfg *Config) readSource {
	src := readSource{cfg: cfg}
	if c.IsSet("database") {
		src.file = cfg.SQLite.Database
	}
	return src
}

// webPostgresConns is the web's pool of PostgreSQL connections: its
// searches at once (web.DefaultReadConns), and two more so that the live
// tails' short polls do not wait behind long searches.
const webPostgresConns = web.DefaultReadConns + 2

// openWebReader opens the database the web reads. A database serve has
// not written to yet is db.ErrNoDatabase, with what to do: the page says
// so, and the next request tries again.
func openWebReader(ctx context.Context, src readSource) (db.Browser, error) {
	if src.postgres() {
		r, err := openReader(ctx, src, webPostgresConns)
		if errors.Is(err, db.ErrNoDatabase) {
			return nil, fmt.Errorf("%w: start aiosyslogd serve", err)
		}
		return r, err
	}
	path := src.sqlitePath()
	r, err := openReader(ctx, src, web.DefaultReadConns)
	if errors.Is(err, db.ErrNoDatabase) {
		return nil, fmt.Errorf("no database at %s yet: start aiosyslogd serve (or check sqlite.database in the configuration): %w", path, err)
	}
	return r, err
}

func applyWebFlags(c *cli.Context, cfg *Config) {
	applyFlags(c, map[string]any{"bind-ip": &cfg.Web.BindIP, "bind-port": &cfg.Web.BindPort,
		"database": &cfg.SQLite.Database, "users-file": &cfg.Web.UsersFile, "debug": &cfg.Web.Debug})
}

// webAlerts is what the alerts page shows and changes: the rules of the
// configuration, its notifiers, the rules file and, on SQLite, serve's
// state file (on PostgreSQL newWebServer sets the table AlertStates).
func webAlerts(cfg *Config, cfgPath string) web.AlertsConfig {
	a := web.AlertsConfig{ConfigFile: cfgPath, ConfigRules: cfg.Alerts, Notifiers: cfg.NotifierNames(),
		RulesFile: alertRulesPath(cfg, cfgPath)}
	if cfg.SQLite.Enabled {
		a.State = alert.StateFile(alertStatePath(cfg))
	}
	return a
}

// browserStates is the alert rules' state that serve's lead saves in the
// table AlertStates, read through the web's own PostgreSQL reader
// (read_dsn, else dsn), opened on first use. The web only loads it.
type browserStates struct {
	reader func(ctx context.Context) (db.Browser, error)
}

// LoadState loads each rule's saved state; none while serve has not made
// the database yet.
func (s *browserStates) LoadState(ctx context.Context) (map[string]alert.SavedRule, error) {
	b, err := s.reader(ctx)
	if errors.Is(err, db.ErrNoDatabase) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r, ok := b.(*postgres.Reader)
	if !ok {
		return nil, fmt.Errorf("alert state: the web reads %T, not PostgreSQL", b)
	}
	return r.AlertStates().LoadState(ctx)
}

// SaveState refuses: only serve saves the rules' state.
func (s *browserStates) SaveState(context.Context, map[string]alert.SavedRule) error {
	return errors.New("alert state: the web does not save it")
}
