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
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// serveCommand is `aiosyslogd serve`: the daemon.
func serveCommand() *cli.Command {
	return newCommand("serve", "", runServe,
		&cli.StringFlag{Name: "bind-ip", Usage: "address to listen on (server.bind_ip)", EnvVars: []string{"AIOSYSLOGD_BIND_IP"}},
		&cli.IntFlag{Name: "bind-port", Usage: "UDP port, 0 for any free one (server.bind_port)", EnvVars: []string{"AIOSYSLOGD_BIND_PORT"}},
		&cli.StringFlag{Name: "database", Usage: "SQLite database file (sqlite.database)", EnvVars: []string{"AIOSYSLOGD_DATABASE"}},
		&cli.BoolFlag{Name: "debug", Usage: "log parse and database errors verbosely (server.debug)", EnvVars: []string{"AIOSYSLOGD_DEBUG"}},
		&cli.StringFlag{Name: "pprof", Usage: "serve Go's pprof profiles on this address, e.g. 127.0.0.1:6060"},
	)
}

// runServe wires the configuration to the store, the ingest pipeline and
// the receivers, runs them until a signal, then stops them in order: the
// receivers first (they drain what they hold), then the pipeline (it
// writes everything queued), then the store.
func runServe(c *cli.Context) error {
	cfg, logger, err := serveConfig(c)
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 2)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Before anything is bound: a signal from then on is a clean stop, and
	// SIGHUP never kills the daemon.
	var reload reloader
	stop := handleSignals(cancel, &reload, logger)
	defer stop()
	store, err := openStore(ctx, &cfg, logger)
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	defer closeStore(store, logger)
	p := ingest.New(pipelineConfig(&cfg, store, logger))
	receivers, err := listen(&cfg, p, &reload, logger)
	if err != nil {
		p.Close()
		return cli.Exit("aiosyslogd: "+listenHint(err), 1)
	}
	if addr := c.String("pprof"); addr != "" {
		go servePprof(ctx, addr, logger)
	}
	runReceivers(ctx, receivers, logger)
	if err := p.Close(); err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	return nil
}

// serveConfig reads the configuration, applies the flags over it and makes
// the daemon's logger.
func serveConfig(c *cli.Context) (Config, *slog.Logger, error) {
	cfg, path, err := loadConfig(c)
	if err != nil {
		return cfg, nil, err
	}
	applyServeFlags(c, &cfg)
	logger := newLogger(cfg.Server.Debug)
	limitMemory()
	logger.Info("configuration", "file", path, "database", cfg.SQLite.Database, "enabled", cfg.SQLite.Enabled)
	return cfg, logger, nil
}

// openStore opens the database and prunes it to retention_months; nil
// (and no error) when sqlite.enabled is false.
func openStore(ctx context.Context, cfg *Config, logger *slog.Logger) (*db.Store, error) {
	if !cfg.SQLite.Enabled {
		return nil, nil
	}
	store, err := db.Open(ctx, cfg.SQLite.Database)
	if err != nil {
		return nil, err
	}
	if cfg.SQLite.SQLDump {
		store.SQLDump = os.Stdout
	}
	store.Logger = logger
	store.RetentionMonths = cfg.SQLite.RetentionMonths
	if _, err := store.Prune(ctx, db.MonthOf(time.Now())); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

func closeStore(store *db.Store, logger *slog.Logger) {
	if store == nil {
		return
	}
	if err := store.Close(); err != nil {
		logger.Error("close database", "error", err)
	}
}

// pipelineConfig is the ingest pipeline of cfg, writing to store (none
// when store is nil).
func pipelineConfig(cfg *Config, store *db.Store, logger *slog.Logger) ingest.Config {
	pc := ingest.Config{
		BatchSize:    cfg.SQLite.BatchSize,
		BatchTimeout: cfg.BatchTimeout(),
		QueueSize:    cfg.Server.QueueSize,
		Parser:       cfg.Parser(),
		Logger:       logger,
	}
	if store != nil {
		pc.Store = store
	}
	// log_dump prints every message; sql_dump prints every batch instead.
	if cfg.Server.LogDump && !(cfg.SQLite.Enabled && cfg.SQLite.SQLDump) {
		pc.Dump = os.Stdout
	}
	return pc
}

// runReceivers runs every receiver until ctx ends and they have all
// returned.
func runReceivers(ctx context.Context, receivers []receiver, logger *slog.Logger) {
	var wg sync.WaitGroup
	for _, r := range receivers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.run(ctx); err != nil {
				logger.Error("receiver stopped", "transport", r.name, "error", err)
			}
		}()
	}
	wg.Wait()
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
		return err.Error() + " (another process listens there: pick another bind_port, in [server] for UDP and TCP, or in the transport's table)"
	}
	return err.Error()
}

// handleSignals cancels on the first SIGINT/SIGTERM, so that the server
// writes what it received and exits; a second signal exits at once. SIGHUP
// calls reload (the TLS certificate is read again). The returned function
// stops the handler.
func handleSignals(cancel context.CancelFunc, reload *reloader, logger *slog.Logger) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		stopping := false
		for {
			var sig os.Signal
			select {
			case sig = <-sigs:
			case <-done:
				return
			}
			switch {
			case sig == syscall.SIGHUP:
				reload.run(logger)
			case !stopping:
				logger.Info("shutting down: writing everything received (signal again to force)", "signal", sig.String())
				stopping = true
				cancel()
			default:
				logger.Error("forced exit: messages not yet written are lost", "signal", sig.String())
				os.Exit(130)
			}
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
