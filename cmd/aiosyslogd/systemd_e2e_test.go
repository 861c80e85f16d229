//go:build e2e

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// notifySocket plays systemd's end of the sd_notify protocol: a unixgram
// socket whose datagrams arrive on states. When the first READY=1 arrives,
// the reading goroutine calls atReady at once and sends its result on
// ready.
func notifySocket(t *testing.T, atReady func() error) (path string, states <-chan string, ready <-chan error) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	ch, readyc := make(chan string, 100), make(chan error, 1)
	go func() { // ends when the test closes the socket
		defer close(ch)
		buf := make([]byte, 4096)
		for first := true; ; {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			if state := string(buf[:n]); state == "READY=1" && first {
				readyc <- atReady()
				first = false
			}
			ch <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return path, ch, readyc
}

// waitState waits for a datagram that starts with want and returns it.
func waitState(t *testing.T, states <-chan string, want string, within time.Duration) string {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case s := <-states:
			if strings.HasPrefix(s, want) {
				return s
			}
		case <-deadline:
			t.Fatalf("no %q from the daemon within %s", want, within)
		}
	}
}

// freeUDPPort returns a UDP port on 127.0.0.1 that nothing holds.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port
}

// Under systemd (NOTIFY_SOCKET, WATCHDOG_USEC): READY=1 comes only once
// the UDP port is bound and answers, the database is open and /readyz says
// 200; WATCHDOG=1 keeps coming while the server is idle; a SIGHUP is
// RELOADING=1 then READY=1; SIGTERM is STOPPING=1.
func TestServeTellsSystemd(t *testing.T) {
	port := freeUDPPort(t)
	dbPath := filepath.Join(t.TempDir(), "syslog.db")
	// At READY=1 the database exists, and the port is no longer free: the
	// daemon holds it.
	atReady := func() error {
		if _, err := os.Stat(dbPath); err != nil {
			return fmt.Errorf("READY=1 before the database was opened: %w", err)
		}
		pc, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			pc.Close()
			return errors.New("READY=1 before the UDP port was bound")
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("bind the daemon's port: %w, want address in use", err)
		}
		return nil
	}
	socket, states, ready := notifySocket(t, atReady)
	env := []string{"NOTIFY_SOCKET=" + socket, "WATCHDOG_USEC=300000"}
	d := startDaemonEnv(t, env, func(p string) string { return metricsConfig(p, "", "") }, "--bind-port", strconv.Itoa(port), "--database", dbPath)
	d.dbPath = dbPath
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no READY=1 within 30 s of listening:\n%s", d.Stderr())
	}
	if code, body := get(t, d.metricsURL()+"/readyz"); code != 200 {
		t.Errorf("/readyz after READY=1: %d %q", code, body)
	}
	d.send("<13>1 - h app - - - answered after READY")
	d.waitRows(1, 30*time.Second)
	for range 3 { // idle: nothing to write, and still alive
		waitState(t, states, "WATCHDOG=1", 10*time.Second)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	if s := waitState(t, states, "RELOADING=1", 10*time.Second); !strings.Contains(s, "\nMONOTONIC_USEC=") {
		t.Errorf("RELOADING=1 without MONOTONIC_USEC: %q", s)
	}
	waitState(t, states, "READY=1", 10*time.Second)
	d.cmd.Process.Signal(syscall.SIGTERM)
	waitState(t, states, "STOPPING=1", 10*time.Second)
	select {
	case <-d.done:
		if d.waitErr != nil {
			t.Errorf("exit after SIGTERM: %v", d.waitErr)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no exit within 60 s of SIGTERM")
	}
}
