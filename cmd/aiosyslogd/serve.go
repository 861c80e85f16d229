package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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

	"github.com/aiosyslogd/aiosyslogd/cmd/aiosyslogd/internal/metrics"
	"github.com/aiosyslogd/aiosyslogd/cmd/aiosyslogd/internal/sdnotify"
	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
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
	cfg, path, err := loadConfig(c)
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 2)
	}
	flags := readServeFlags(c)
	if err := flags.apply(&cfg); err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 2)
	}
	logger, level := newLogger(os.Stderr, &cfg)
	limitMemory(&cfg)
	logger.Info("configuration", "file", path, "database", cfg.SQLite.Database, "enabled", cfg.SQLite.Enabled)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Before anything is bound: a signal from then on is a clean stop, and
	// a SIGHUP waits in hups until the server runs.
	hups := make(chan struct{}, 1)
	stop := handleSignals(cancel, hups, logger)
	defer stop()
	s := &server{flags: flags, path: path, cfg: cfg, logger: logger, level: level}
	if err := s.start(ctx); err != nil {
		return err
	}
	defer closeStore(s.writer, logger)
	return s.run(ctx, hups)
}

// server is serve once started: what it runs, what a reload changes and
// what the health checks read.
type server struct {
	flags  serveFlags // win over the file at every reload
	path   string     // the configuration file
	cfg    Config     // in force; after start only the reload goroutine changes it
	logger *slog.Logger
	level  *slog.LevelVar

	store     *sqlite.Store // nil when sqlite.enabled is false
	writer    db.Writer     // the enabled store; nil when neither is
	spool     *spool.Spool  // nil unless spool.enabled and a store
	p         *ingest.Pipeline
	receivers []receiver
	keyPair   *receive.KeyPair // the TLS certificate; nil unless tls.enabled
	metrics   net.Listener     // nil unless metrics.enabled
	health    health
	alerts    *alerting
}

// start opens the store, starts the pipeline and binds every listener.
func (s *server) start(ctx context.Context) error {
	store, err := openStore(ctx, &s.cfg, s.logger)
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	s.store = store
	if store != nil {
		s.writer = store
	}
	if s.cfg.PostgreSQL.Enabled {
		if s.writer, err = openPostgres(ctx, &s.cfg, s.logger); err != nil {
			return cli.Exit("aiosyslogd: "+err.Error(), 1)
		}
	}
	if s.alerts, err = startAlerting(&s.cfg, s.path, s.logger); err != nil {
		closeStore(s.writer, s.logger)
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	if s.spool, err = openSpool(ctx, &s.cfg, store, s.logger); err != nil {
		s.alerts.stop()
		closeStore(s.writer, s.logger)
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	pc := pipelineConfig(&s.cfg, s.writer, s.logger)
	pc.Observer = s.alerts.observer()
	pc.Spool = s.spool
	s.p = ingest.New(pc)
	s.health.p = s.p
	if err := s.bind(); err != nil {
		s.p.Close()
		s.closeSpool()
		s.alerts.stop()
		closeStore(s.writer, s.logger)
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	return nil
}

// openSpool opens the disk spool when spool.enabled and messages are
// stored, and logs what a previous run left in it; nil otherwise. The
// spool reads on from the position the store kept in its last batch's
// transaction when its own file is behind it.
func openSpool(ctx context.Context, cfg *Config, store *sqlite.Store, logger *slog.Logger) (*spool.Spool, error) {
	if !cfg.Spool.Enabled || store == nil {
		return nil, nil
	}
	dir := cfg.SpoolDir()
	sp, found, err := spool.Open(spool.Options{Dir: dir, MaxBytes: int64(cfg.Spool.MaxSizeMB) << 20,
		Fsync: cfg.Spool.Fsync, Logger: logger, Stored: storedIn(ctx, store)})
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w (spool.dir)", dir, err)
	}
	switch {
	case found.Messages > 0:
		logger.Info("spool: storing what the previous run left before new messages", "messages", found.Messages,
			"since", found.Oldest.Format(time.RFC3339Nano), "torn", found.Torn, "corrupt_segments", found.Corrupt, "dir", dir)
	case found.Torn > 0 || found.Corrupt > 0:
		logger.Warn("spool: nothing left to store", "torn", found.Torn, "corrupt_segments", found.Corrupt, "dir", dir)
	}
	return sp, nil
}

// storedIn is spool.Options.Stored for store: the position it kept, in
// the transaction of the last batch it stored from the spool.
func storedIn(ctx context.Context, store db.SpoolWriter) func(string) (spool.Pos, bool, error) {
	return func(id string) (spool.Pos, bool, error) {
		p, ok, err := store.SpoolPosition(ctx, id)
		return spool.Pos{Seg: p.Segment, Off: p.Offset}, ok, err
	}
}

// closeSpool closes the spool, if any, once the pipeline is closed.
func (s *server) closeSpool() {
	if s.spool == nil {
		return
	}
	if err := s.spool.Close(); err != nil {
		s.logger.Error("close spool", "error", err)
	}
}

// bind binds the metrics server's listener, when enabled, then every
// receiver; an error says the usual way out.
func (s *server) bind() error {
	if s.cfg.Metrics.Enabled {
		ln, err := net.Listen("tcp", s.cfg.MetricsAddr())
		if err != nil {
			return errors.New(listenHint(fmt.Errorf("listen on tcp %s: %w", s.cfg.MetricsAddr(), err), "metrics.bind_port"))
		}
		s.metrics = ln
	}
	receivers, keyPair, err := listen(&s.cfg, s.p, s.logger)
	if err != nil {
		if s.metrics != nil {
			s.metrics.Close()
		}
		return errors.New(listenHint(err, portKey(err)))
	}
	s.receivers, s.keyPair = receivers, keyPair
	return nil
}

// run serves until ctx ends, tells systemd when it is ready and when it
// stops, and applies a new configuration at each SIGHUP from hups. It
// returns once everything received is written.
func (s *server) run(ctx context.Context, hups <-chan struct{}) error {
	stopMetrics := s.serveMetrics()
	defer stopMetrics()
	if addr := s.flags.pprof; addr != "" {
		go servePprof(ctx, addr, s.logger)
	}
	s.health.listening.Store(true)
	s.notify(sdnotify.Ready)
	stopWatchdog := s.watchdog(sdnotify.WatchdogTimeout())
	defer stopWatchdog()
	context.AfterFunc(ctx, func() {
		s.health.stopping.Store(true)
		s.notify(sdnotify.Stopping)
	})
	reloading := make(chan struct{})
	go func() {
		defer close(reloading)
		s.reloadOnHUP(ctx, hups)
	}()
	runReceivers(ctx, s.receivers, s.logger)
	<-reloading
	err := s.p.Close()
	s.closeSpool()
	s.alerts.stop() // after the pipeline: its last batches are evaluated
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 1)
	}
	return nil
}

// notify tells systemd state, when serve runs under it.
func (s *server) notify(state string) {
	if _, err := sdnotify.Notify(state); err != nil {
		s.logger.Warn("tell systemd", "state", state, "error", err)
	}
}

// serveMetrics answers /metrics, /healthz and /readyz until the returned
// function is called: after the pipeline is closed, so that the last
// writes can be watched. It does nothing unless metrics.enabled.
func (s *server) serveMetrics() (stop func()) {
	if s.metrics == nil {
		return func() {}
	}
	reg := metrics.NewRegistry()
	reg.MustRegister(&metrics.PipelineCollector{Pipeline: s.p, Database: s.databasePath()})
	reg.MustRegister(&metrics.AlertCollector{Evaluator: s.alerts.eval, Dispatcher: s.alerts.disp})
	srv := &metrics.Server{Registry: reg, Ready: s.health.ready, Logger: s.logger}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.logger.Info("serving metrics", "addr", s.metrics.Addr().String(), "paths", "/metrics /healthz /readyz")
	go func() {
		defer close(done)
		if err := srv.Serve(ctx, s.metrics); err != nil {
			s.logger.Error("metrics server stopped", "error", err)
		}
	}()
	return func() { cancel(); <-done }
}

// databasePath is the database file, "" when there is none.
func (s *server) databasePath() string {
	if s.store == nil {
		return ""
	}
	return s.cfg.SQLite.Database
}

func closeStore(store db.Writer, logger *slog.Logger) {
	if store == nil {
		return
	}
	if err := store.Close(); err != nil {
		logger.Error("close database", "error", err)
	}
}

// pipelineConfig is the ingest pipeline of cfg, writing to store (none
// when store is nil).
func pipelineConfig(cfg *Config, store db.Writer, logger *slog.Logger) ingest.Config {
	pc := ingest.Config{
		BatchSize:    cfg.BatchSize(),
		BatchTimeout: cfg.BatchTimeout(),
		QueueSize:    cfg.Server.QueueSize,
		QueueBytes:   int64(cfg.Server.QueueMaxMB) << 20,
		Parser:       cfg.Parser(),
		Logger:       logger,
	}
	if store != nil {
		pc.Store = store
	}
	pc.Dump = dumpTarget(cfg)
	return pc
}

// dumpTarget is where log_dump prints every message: stdout, unless
// sql_dump prints every batch there instead; nil for no dump.
func dumpTarget(cfg *Config) io.Writer {
	if cfg.Server.LogDump && !(cfg.SQLite.Enabled && cfg.SQLite.SQLDump) {
		return os.Stdout
	}
	return nil
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

// memoryBesideQueue is the Go heap's room for what is not the queue: the
// daemon's own state, and the garbage the collector has not reclaimed yet.
const memoryBesideQueue = 64 << 20

// runtimeRoom is, with the spool, the Go heap's room for the daemon's own
// state (goroutine stacks, buffers, the collector's metadata) beside the
// messages and their garbage.
const runtimeRoom = 16 << 20

// limitMemory sets the Go heap's soft limit, unless GOMEMLIMIT sets one, to
// memoryLimit. Without it the collector lets the heap grow to twice what
// it last found live, and the queue's slots (allocated at start) count as
// live: 80 MiB of them by default without the spool, let alone a full
// queue.
func limitMemory(cfg *Config) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit(cfg))
	}
}

// memoryLimit is the heap's soft limit for cfg. Without the spool: the
// queue's slots, queue_max_mb of messages and memoryBesideQueue, 400 MiB
// by default. With it, the whole process stays under queue_max_mb + 64
// MiB: the limit is the queue's slots (at most ingest.SpoolQueueSlots),
// the messages (half of queue_max_mb: ingest.HeldBytes), an eighth of
// queue_max_mb for their garbage and runtimeRoom, 181 MiB by default; the
// rest is for what Go does not allocate: SQLite's page cache (16 MiB,
// twice that in memory), the program's text, the threads' stacks.
func memoryLimit(cfg *Config) int64 {
	spooled := cfg.Spool.Enabled && cfg.SQLite.Enabled // as openSpool decides
	slots := int64(ingest.QueueSlots(cfg.Server.QueueSize, spooled)) * int64(ingest.QueueSlotBytes)
	queueMax := int64(cfg.Server.QueueMaxMB) << 20
	if !spooled {
		return slots + queueMax + memoryBesideQueue
	}
	return slots + ingest.HeldBytes(queueMax, true) + queueMax/8 + runtimeRoom
}

// serveFlags is what serve's flags say, by flag or environment, read once
// from the command line: the configuration keys they set (nil when neither
// gave one), which win over the file at start and at every reload, and
// --pprof.
type serveFlags struct {
	bindIP, database *string
	bindPort         *int
	debug            *bool
	pprof            string
}

func readServeFlags(c *cli.Context) serveFlags {
	f := serveFlags{pprof: c.String("pprof")}
	if c.IsSet("bind-ip") {
		f.bindIP = new(c.String("bind-ip"))
	}
	if c.IsSet("bind-port") {
		f.bindPort = new(c.Int("bind-port"))
	}
	if c.IsSet("database") {
		f.database = new(c.String("database"))
	}
	if c.IsSet("debug") {
		f.debug = new(c.Bool("debug"))
	}
	return f
}

// apply sets the configuration keys the flags gave (precedence flag >
// environment > file > default), and checks them as the file's are:
// start-up and a reload refuse the same values.
func (f serveFlags) apply(cfg *Config) error {
	set(&cfg.Server.BindIP, f.bindIP)
	set(&cfg.Server.BindPort, f.bindPort)
	set(&cfg.SQLite.Database, f.database)
	set(&cfg.Server.Debug, f.debug)
	if err := cfg.validate(); err != nil {
		return fmt.Errorf("%w (given by a flag or the environment)", err)
	}
	return nil
}

// set sets *dst to *v unless v is nil.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// applyFlags sets each configuration value of dsts (a *string, *int or
// *bool) whose flag was given, by flag or environment: precedence flag >
// environment > file > default.
func applyFlags(c *cli.Context, dsts map[string]any) {
	for name, dst := range dsts {
		if !c.IsSet(name) {
			continue
		}
		switch p := dst.(type) {
		case *string:
			*p = c.String(name)
		case *int:
			*p = c.Int(name)
		case *bool:
			*p = c.Bool(name)
		default:
			panic(fmt.Sprintf("flag %s: cannot set a %T", name, dst))
		}
	}
}

// listenHint adds the usual way out to the errors people meet on first run;
// key is the port's configuration key.
func listenHint(err error, key string) string {
	switch {
	case errors.Is(err, syscall.EACCES):
		return err.Error() + " (ports below 1024 need root: forward from rsyslog on 514, see README, or grant CAP_NET_BIND_SERVICE)"
	case errors.Is(err, syscall.EADDRINUSE):
		return err.Error() + " (another process listens there; pick another " + key + ")"
	}
	return err.Error()
}

// handleSignals cancels on the first SIGINT/SIGTERM, so that the server
// writes what it received and exits; a second signal exits at once. A
// SIGHUP is passed on to hups (of capacity 1: SIGHUPs that come while one
// waits make one reload). The returned function stops the handler.
func handleSignals(cancel context.CancelFunc, hups chan<- struct{}, logger *slog.Logger) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for stopping := false; ; {
			select {
			case <-hup:
				select {
				case hups <- struct{}{}:
				default:
				}
			case sig := <-sigs:
				if stopping {
					logger.Error("forced exit: messages not yet written are lost", "signal", sig.String())
					os.Exit(130)
				}
				logger.Info("shutting down: writing everything received (signal again to force)", "signal", sig.String())
				stopping = true
				cancel()
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(sigs); signal.Stop(hup); close(done) }
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
