// Package receive holds the receivers — UDP, TCP and TLS, RELP: they read
// syslog from the network and hand each message to an ingest.Input,
// stamped with the time it arrived and the address it came from. They know
// nothing of parsing or storage; the stream framings are packages of their
// own (framing, proxyproto, relp).
package receive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// Defaults for the zero fields of a UDP.
const (
	DefaultUDPAddr    = "0.0.0.0:5140"
	DefaultReadBuffer = 64 << 20
	// MaxDatagram is the largest UDP payload (IPv4: 65,535 − 8 − 20).
	MaxDatagram = 65507
)

// UDP receives syslog datagrams (RFC 5426): one message per datagram. One
// goroutine reads the socket, up to readBatch datagrams per system call,
// and offers each datagram to Input, never waiting: when the pipeline's queue is full, the datagram is counted as
// dropped and reading goes on.
//
// Set the fields before calling Listen or Serve; do not change them
// afterwards.
type UDP struct {
	Addr       string        // address to listen on; "" = DefaultUDPAddr
	ReadBuffer int           // socket receive buffer to ask the kernel for; 0 = DefaultReadBuffer
	Input      *ingest.Input // where datagrams go
	Logger     *slog.Logger  // nil = slog.Default()
	// Now is the clock that stamps each datagram; nil = time.Now.
	Now func() time.Time

	buffer [2]int // the receive buffer Listen asked for, and what it got
}

// Listen opens the UDP socket on u.Addr with the receive buffer enlarged.
// Serve logs the address really bound (which tells the port when u.Addr
// asks for port 0) once it reads the socket, so that a socket bound but
// closed again (serve binds TCP on UDP's port, and tries again when that
// is taken) is never announced.
func (u *UDP) Listen() (*net.UDPConn, error) {
	addr := u.Addr
	if addr == "" {
		addr = DefaultUDPAddr
	}
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on udp %s: %w", addr, err)
	}
	conn := pc.(*net.UDPConn)
	want := u.ReadBuffer
	if want == 0 {
		want = DefaultReadBuffer
	}
	granted, err := setReadBuffer(conn, want)
	if err != nil {
		u.logger().Warn("could not enlarge the socket receive buffer", "requested", want, "error", err)
	}
	u.buffer = [2]int{want, granted}
	return conn, nil
}

// drainIdle is how long the reader waits for more data after ctx ends
// before it decides the kernel's buffer is empty; drainMax bounds the whole
// drain against a sender that never stops.
const (
	drainIdle = 50 * time.Millisecond
	drainMax  = 5 * time.Second
)

// Serve reads datagrams from conn until ctx ends, then drains what the
// kernel already holds and returns; it closes conn. Everything it read has
// then been offered to Input.
func (u *UDP) Serve(ctx context.Context, conn *net.UDPConn) error {
	defer conn.Close()
	u.logger().Info("listening", "proto", "udp", "addr", conn.LocalAddr().String(),
		"receive_buffer_requested", u.buffer[0], "receive_buffer_granted", u.buffer[1])
	stop := context.AfterFunc(ctx, func() {
		conn.SetReadDeadline(time.Now().Add(drainIdle)) // wake the reader: it drains, then stops
	})
	defer stop()
	r, err := newBatchReader(conn)
	if err != nil {
		return err
	}
	var drainUntil time.Time
	var copies slab // the datagrams outlive r's buffers
	for {
		n, err := r.read()
		if err != nil {
			// After ctx ends, the deadline set above ends the drain.
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			u.logger().Error("read from socket", "error", err)
			time.Sleep(10 * time.Millisecond) // not a busy loop on a persistent error
			continue
		}
		for i := range n {
			data, from := r.datagram(i)
			u.Input.Offer(ingest.Received{Data: copies.copy(data), From: from, At: u.now()})
		}
		if ctx.Err() != nil { // draining: keep going while data keeps coming
			if drainUntil.IsZero() {
				drainUntil = time.Now().Add(drainMax)
			}
			if time.Now().After(drainUntil) {
				return nil
			}
			conn.SetReadDeadline(time.Now().Add(drainIdle))
		}
	}
}

func (u *UDP) logger() *slog.Logger { return loggerOr(u.Logger) }

func (u *UDP) now() time.Time { return clockOr(u.Now)() }
