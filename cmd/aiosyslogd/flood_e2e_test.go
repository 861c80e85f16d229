//go:build e2e

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// 3,000 garbage RELP connections are each counted as broken, and logged
// in two lines: the first, and how many more there were (before, 2,258
// WARN lines came out of 3,000 connections).
func TestServeRELPGarbageFloodIsLoggedInTwoLines(t *testing.T) {
	const peers = 3000
	d := startDaemon(t, func(p string) string {
		return testConfig(p, "[relp]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n", "")
	})
	addr := d.addrOf("relp")
	for range peers {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, "GET / HTTP/1.0\r\n\r\n")
		// The server answers rsp 500 and closes once it has counted the session.
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.ReadAll(c); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("reading the server's answer: %v", err)
		}
		c.Close()
	}
	d.Stop()
	if got := d.stoppedCount("relp.broken"); got != peers {
		t.Errorf("relp.broken = %d, want %d", got, peers)
	}
	log := d.Stderr()
	lines := strings.Count(log, `level=WARN msg="closing RELP session"`)
	if lines != 2 || !strings.Contains(log, fmt.Sprintf("more_like_this=%d", peers-1)) {
		t.Errorf("%d WARN lines for %d garbage sessions, want 2, the second with more_like_this=%d", lines, peers, peers-1)
	}
}
