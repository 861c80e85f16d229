package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// A receiver is a listener that has been bound: run serves until ctx ends
// and returns once everything it read is in the pipeline; close releases
// it when the daemon does not start after all.
type receiver struct {
	name  string
	run   func(ctx context.Context) error
	close func()
}

// listen binds every enabled receiver of cfg to its Input of p: UDP, then
// TCP where UDP listens (unless [tcp] says otherwise), TLS and RELP. It
// returns the TLS certificate (nil without TLS), which a reload reads
// again. On error nothing stays bound, and the error names the key of the
// port (see portKey).
func listen(cfg *Config, p *ingest.Pipeline, logger *slog.Logger) (rs []receiver, kp *receive.KeyPair, err error) {
	defer func() {
		if err != nil {
			for _, r := range rs {
				r.close()
			}
			rs, kp = nil, nil
		}
	}()
	// The stats lines list the transports in the order their Inputs were
	// made: udp, tcp, tls, relp.
	p.Input("udp")
	if cfg.TCP.Enabled {
		p.StreamInput("tcp")
	}
	var tlsRcv *receive.TCP
	if cfg.TLS.Enabled { // its files first: nothing is bound if they are unusable
		if tlsRcv, kp, err = loadTLS(cfg, p, logger); err != nil {
			return nil, nil, err
		}
	}
	if rs, err = listenUDPAndTCP(cfg, p, logger); err != nil {
		return rs, kp, err
	}
	if tlsRcv != nil {
		ln, err := tlsRcv.Listen()
		if err != nil {
			return rs, kp, &portError{"tls.bind_port", err}
		}
		rs = append(rs, serving("tls", tlsRcv, ln))
	}
	if cfg.RELP.Enabled {
		r, err := listenRELP(cfg, p, logger)
		if err != nil {
			return rs, kp, &portError{"relp.bind_port", err}
		}
		rs = append(rs, r)
	}
	return rs, kp, nil
}

// portError is an error binding the port that key configures.
type portError struct {
	key string
	err error
}

func (e *portError) Error() string { return e.err.Error() }
func (e *portError) Unwrap() error { return e.err }

// portKey is the key of the port err failed to bind: server.bind_port
// unless another listener's says otherwise.
func portKey(err error) string {
	var pe *portError
	if errors.As(err, &pe) {
		return pe.key
	}
	return "server.bind_port"
}

// followAttempts bounds the tries to bind TCP on the free port UDP was
// given (server.bind_port = 0), which TCP may find taken.
const followAttempts = 10

// listenUDPAndTCP binds UDP and, when enabled, TCP.
func listenUDPAndTCP(cfg *Config, p *ingest.Pipeline, logger *slog.Logger) ([]receiver, error) {
	for attempt := 1; ; attempt++ {
		udp := &receive.UDP{Addr: cfg.Addr(), Input: p.Input("udp"), Logger: logger}
		conn, err := udp.Listen()
		if err != nil {
			return nil, err
		}
		rs := []receiver{{"udp", func(ctx context.Context) error { return udp.Serve(ctx, conn) }, func() { conn.Close() }}}
		if !cfg.TCP.Enabled {
			return rs, nil
		}
		tcp := streamReceiver(cfg, p.StreamInput("tcp"), logger)
		tcp.Addr, tcp.ProxyProtocol = cfg.TCPAddr(conn.LocalAddr().(*net.UDPAddr).Port), cfg.TCP.ProxyProtocol
		ln, err := tcp.Listen()
		if err == nil {
			return append(rs, serving("tcp", tcp, ln)), nil
		}
		conn.Close()
		if !cfg.TCPFollowsUDP() || !errors.Is(err, syscall.EADDRINUSE) || attempt == followAttempts {
			if cfg.TCP.BindPort != nil {
				return nil, &portError{"tcp.bind_port", err}
			}
			return nil, err
		}
	}
}

// streamReceiver is a TCP receiver with the limits of [tcp].
func streamReceiver(cfg *Config, in *ingest.Input, logger *slog.Logger) *receive.TCP {
	return &receive.TCP{Input: in, Logger: logger, MaxConnections: cfg.TCP.MaxConnections,
		IdleTimeout: time.Duration(cfg.TCP.IdleTimeout) * time.Second, MaxMessageSize: cfg.TCP.MaxMessageSize}
}

// listener is what TCP and RELP receivers have in common.
type listener interface {
	Serve(ctx context.Context, ln net.Listener) error
}

func serving(name string, l listener, ln net.Listener) receiver {
	return receiver{name, func(ctx context.Context) error { return l.Serve(ctx, ln) }, func() { ln.Close() }}
}

// loadTLS loads the certificate, which a reload reads again (see
// tlsReloadable), and makes the TLS receiver.
func loadTLS(cfg *Config, p *ingest.Pipeline, logger *slog.Logger) (*receive.TCP, *receive.KeyPair, error) {
	kp, err := receive.LoadKeyPair(cfg.TLS.CertFile, cfg.TLS.KeyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (tls.cert_file, tls.key_file)", err)
	}
	tlsConfig, err := receive.ServerTLSConfig(kp, cfg.TLS.ClientCAFile)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (tls.client_ca_file)", err)
	}
	logCertificate(logger, "TLS certificate loaded", kp)
	tls := streamReceiver(cfg, p.StreamInput("tls"), logger)
	tls.Addr = net.JoinHostPort(cfg.TLS.BindIP, fmt.Sprint(cfg.TLS.BindPort))
	tls.TLSConfig = tlsConfig
	// A handshake holds a connection slot: it gets idle_timeout too, if
	// that is shorter.
	tls.HandshakeTimeout = min(receive.DefaultHandshakeTimeout, tls.IdleTimeout)
	return tls, kp, nil
}

func logCertificate(logger *slog.Logger, msg string, kp *receive.KeyPair) {
	leaf := kp.Leaf()
	logger.Info(msg, "file", kp.CertFile, "subject", leaf.Subject.String(), "not_after", leaf.NotAfter.UTC())
	if time.Now().After(leaf.NotAfter) {
		logger.Warn("the TLS certificate has expired: clients will refuse it", "file", kp.CertFile, "not_after", leaf.NotAfter.UTC())
	}
}

// listenRELP binds the RELP listener, with the limits of [tcp].
func listenRELP(cfg *Config, p *ingest.Pipeline, logger *slog.Logger) (receiver, error) {
	relp := &receive.RELP{
		Addr:  net.JoinHostPort(cfg.RELP.BindIP, fmt.Sprint(cfg.RELP.BindPort)),
		Input: p.StreamInput("relp"), Logger: logger, MaxConnections: cfg.TCP.MaxConnections,
		IdleTimeout: time.Duration(cfg.TCP.IdleTimeout) * time.Second, MaxMessageSize: cfg.TCP.MaxMessageSize,
	}
	ln, err := relp.Listen()
	if err != nil {
		return receiver{}, err
	}
	return serving("relp", relp, ln), nil
}
