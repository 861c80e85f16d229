package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/web/session"
	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// Limits of what a client can make the server hold; a zero field of Config
// takes these.
const (
	DefaultReadConns   = 4                // searches running at once
	DefaultMaxStreams  = 32               // live tails open at once
	DefaultMaxExports  = 2                // exports running at once
	DefaultExportTime  = 10 * time.Minute // longest an export may run
	DefaultRequestTime = 30 * time.Second // longest a search, histogram or facet may run
	maxBodyBytes       = 64 << 10         // a form's body
	maxLimit           = 1000             // events per /api/search page
	defaultLimit       = 100
	tailInterval       = 500 * time.Millisecond // how often a live tail looks for new events
	tailHeartbeat      = 15 * time.Second       // a comment on an idle stream, so dead ones are noticed
)

// Config is what a Server serves and how.
type Config struct {
	// Database names the database Open reads (the SQLite file), for the
	// page that says nothing is stored there yet.
	Database string
	// Open opens the store the server answers from, on the first request
	// that needs it (cmd picks the engine). An error wrapping
	// db.ErrNoDatabase means nothing is stored yet: the next request
	// tries again.
	Open     func(ctx context.Context) (db.Browser, error)
	Users    *user.Store
	Sessions *session.Manager
	// Redact masks IPv4, IPv6 and MAC addresses and user=… values in
	// every event, facet and export the server answers.
	Redact bool
	Logger *slog.Logger
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (for the login guard and the log); a request from any
	// other peer is its own client.
	TrustedProxies []netip.Prefix

	MaxStreams  int           // live tails at once; 0 is DefaultMaxStreams
	MaxExports  int           // exports at once; 0 is DefaultMaxExports
	ExportTime  time.Duration // 0 is DefaultExportTime
	RequestTime time.Duration // 0 is DefaultRequestTime
	// A user's share of the limits above: searches (histograms, facets)
	// beyond it wait for the user's own to end; live tails and exports
	// beyond it are 429. 0 is DefaultUserSearches, DefaultUserStreams,
	// DefaultUserExports.
	UserSearches, UserStreams, UserExports int
	// TailInterval is how often a live tail polls the database; 0 is
	// 500 ms.
	TailInterval time.Duration
	// Alerts are the rules the alerts page shows and changes.
	Alerts AlertsConfig
}

// Server is the web UI and API. It implements http.Handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	handler http.Handler
	pages   *template.Template
	guard   session.LoginGuard
	streams chan struct{}
	exports chan struct{}
	// Each user's share of the read pool, the streams and the exports.
	userSearches, userStreams, userExports *userSlots
	redactor                               *redactor

	mu     sync.Mutex
	reader db.Browser

	rulesMu sync.Mutex // orders the changes of the rules file
}

// New returns the Server of cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Users == nil || cfg.Sessions == nil || cfg.Open == nil {
		return nil, errors.New("web: Config needs Users, Sessions and Open")
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, pages: pages,
		streams:      make(chan struct{}, orDefault(cfg.MaxStreams, DefaultMaxStreams)),
		exports:      make(chan struct{}, orDefault(cfg.MaxExports, DefaultMaxExports)),
		userSearches: newUserSlots(orDefault(cfg.UserSearches, DefaultUserSearches)),
		userStreams:  newUserSlots(orDefault(cfg.UserStreams, DefaultUserStreams)),
		userExports:  newUserSlots(orDefault(cfg.UserExports, DefaultUserExports)),
	}
	if s.log == nil {
		s.log = discardLogger
	}
	if cfg.Redact {
		s.redactor = newRedactor()
	}
	s.handler = s.routes()
	return s, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// requestTime is how long a search, histogram or facet may run.
func (s *Server) requestTime() time.Duration {
	return orDefault(s.cfg.RequestTime, DefaultRequestTime)
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Reader returns the database's reader, opening it first. A database that
// does not exist yet is an error wrapping db.ErrNoDatabase, and the next
// call tries again: web may start before serve has stored anything.
func (s *Server) Reader(ctx context.Context) (db.Browser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reader != nil {
		return s.reader, nil
	}
	r, err := s.cfg.Open(ctx)
	if err != nil {
		return nil, err
	}
	s.reader = r
	return r, nil
}

// Close closes the database.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reader == nil {
		return nil
	}
	err := s.reader.Close()
	s.reader = nil
	return err
}

// Serve serves HTTP on ln (HTTPS when tlsConfig is set) until ctx ends,
// then shuts down: no new connections, live tails and exports are ended
// (their requests' contexts are cancelled), and requests in flight get
// five seconds to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tlsConfig *tls.Config) error {
	base, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	cancel() // ends live tails and exports
	sctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	err := srv.Shutdown(sctx)
	<-done
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
