package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only with --pprof
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "receive syslog over UDP and store it in SQLite",
		Description: "Flags override the configuration file; see README.md for the keys.\n" +
			"SIGINT or SIGTERM stops reading, writes everything received and exits 0;\n" +
			"a second signal exits at once.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bind-ip", Usage: "address to listen on (server.bind_ip)", EnvVars: []string{"AIOSYSLOGD_BIND_IP"}},
			&cli.IntFlag{Name: "bind-port", Usage: "UDP port, 0 for any free one (server.bind_port)", EnvVars: []string{"AIOSYSLOGD_BIND_PORT"}},
			&cli.StringFlag{Name: "database", Usage: "SQLite database file (sqlite.database)", EnvVars: []string{"AIOSYSLOGD_DATABASE"}},
			&cli.BoolFlag{Name: "debug", Usage: "log parse and database errors verbosely (server.debug)", EnvVars: []string{"AIOSYSLOGD_DEBUG"}},
			&cli.StringFlag{Name: "pprof", Usage: "serve Go's pprof profiles on this address, e.g. 127.0.0.1:6060"},
		},
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	cfg, path, err := loadConfig(c)
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 2)
	}
	applyServeFlags(c, &cfg)
	logger := newLogger(cfg.Server.Debug)
	limitMemory()
	logger.Info("configuration", "file", path, "database", cfg.SQLite.Database, "enabled", cfg.SQLite.Enabled)

	loc, err := cfg.Location()
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 2)
	}
	srv := &syslog.Server{
		Addr:         cfg.Addr(),
		BatchSize:    cfg.SQLite.BatchSize,
		BatchTimeout: cfg.BatchTimeout(),
		QueueSize:    cfg.Server.QueueSize,
		Parser:       syslog.Parser{Location: loc},
		Logger:       logger,
	}
	// log_dump prints every message; sql_dump prints every batch instead.
	switch {
	case cfg.SQLite.Enabled && cfg.SQLite.SQLDump:
	case cfg.Server.LogDump:
		srv.Dump = os.Stdout
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if cfg.SQLite.Enabled {
		store, err := db.Open(ctx, cfg.SQLite.Database)
		if err != nil {
			return cli.Exit("aiosyslogd: "+err.Error(), 1)
		}
		defer func() {
			if err := store.Close(); err != nil {
				logger.Error("close database", "error", err)
			}
		}()
		if cfg.SQLite.SQLDump {
			store.SQLDump = os.Stdout
		}
		store.Logger = logger
		store.RetentionMonths = cfg.SQLite.RetentionMonths
		if _, err := store.Prune(ctx, db.MonthOf(time.Now())); err != nil {
			return cli.Exit("aiosyslogd: "+err.Error(), 1)
		}
		srv.Store = store
	}
	conn, err := srv.Listen()
	if err != nil {
		return cli.Exit("aiosyslogd: "+listenHint(err), 1)
	}
	if addr := c.String("pprof"); addr != "" {
		go servePprof(ctx, addr, logger)
	}
	stop := handleSignals(cancel, logger)
	defer stop()
	if err := srv.Serve(ctx, conn); err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	return nil
}

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT sets one.
// A burst that fills the queue (queue_size messages) is live memory; without
// a limit the garbage collector lets the heap grow to twice that.
const defaultMemoryLimit = 400 << 20

func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

func applyServeFlags(c *cli.Context, cfg *Config) {
	if c.IsSet("bind-ip") {
		cfg.Server.BindIP = c.String("bind-ip")
	}
	if c.IsSet("bind-port") {
		cfg.Server.BindPort = c.Int("bind-port")
	}
	if c.IsSet("database") {
		cfg.SQLite.Database = c.String("database")
	}
	if c.IsSet("debug") {
		cfg.Server.Debug = c.Bool("debug")
	}
}

func newLogger(debug bool) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// listenHint adds the usual way out to the errors people meet on first run.
func listenHint(err error) string {
	switch {
	case errors.Is(err, syscall.EACCES):
		return err.Error() + " (ports below 1024 need root: forward from rsyslog on 514, see README, or grant CAP_NET_BIND_SERVICE)"
	case errors.Is(err, syscall.EADDRINUSE):
		return err.Error() + " (another process listens there; pick another server.bind_port)"
	}
	return err.Error()
}

// handleSignals cancels on the first SIGINT/SIGTERM, so that the server
// writes what it received and exits; a second signal exits at once. The
// returned function stops the handler.
func handleSignals(cancel context.CancelFunc, logger *slog.Logger) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			logger.Info("shutting down: writing everything received (signal again to force)", "signal", sig.String())
			cancel()
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			logger.Error("forced exit: messages not yet written are lost", "signal", sig.String())
			os.Exit(130)
		case <-done:
		}
	}()
	return func() { signal.Stop(sigs); close(done) }
}

func servePprof(ctx context.Context, addr string, logger *slog.Logger) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		logger.Error("pprof", "error", fmt.Errorf("listen on %s: %w", addr, err))
		return
	}
	srv := &http.Server{Handler: http.DefaultServeMux, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
	go func() { <-ctx.Done(); srv.Close() }()
	logger.Info("pprof listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("pprof", "error", err)
	}
}
