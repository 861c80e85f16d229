//go:build e2e

package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tlsSendOnly is a client that sends n LF-framed messages, each "TAG i",
// over TLS 1.3 to addr, trusting caFile, then closes without reading.
type tlsSendOnly func(t *testing.T, addr, caFile, tag string, n int)

// pythonSendOnly is Python's ssl module: sendall, then close() with what
// the server sent after the handshake unread.
const pythonSendOnly = `
import socket, ssl, sys
host, port, ca, tag, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
ctx = ssl.create_default_context(cafile=ca)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
s = ctx.wrap_socket(socket.create_connection((host, port)), server_hostname=host)
s.sendall("".join("<14>1 2026-12-03T00:00:00Z h app - - - %s %d\n" % (tag, i) for i in range(n)).encode())
s.close()
`

func sendPython(t *testing.T, addr, caFile, tag string, n int) {
	host, port := splitAddr(t, addr)
	runPeer(t, "", "python3", "-c", pythonSendOnly, host, port, caFile, tag, fmt.Sprint(n))
}

// sendOpenSSL is openssl s_client, its standard input the messages; at its
// end it closes.
func sendOpenSSL(t *testing.T, addr, caFile, tag string, n int) {
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, "<14>1 2026-12-03T00:00:00Z h app - - - %s %d\n", tag, i)
	}
	runPeer(t, in.String(), "openssl", "s_client", "-connect", addr, "-tls1_3", "-CAfile", caFile,
		"-verify_ip", "127.0.0.1", "-verify_return_error", "-quiet", "-no_ign_eof")
}

// runPeer runs a peer with stdin, within a minute, failing the test if it fails.
func runPeer(t *testing.T, stdin, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// TLS 1.3 clients that send and close without reading lose nothing: the
// server writes nothing after the handshake (no session tickets), so their
// close is a FIN, not a reset that would discard what the daemon had not
// read yet. Before, Python's ssl had 713 of 1,000 messages stored.
func TestServeTLSClientsThatOnlySend(t *testing.T) {
	const runs, n = 10, 1000
	tt := newTestTLS(t, false)
	d := startDaemon(t, func(p string) string { return testConfig(p, tt.table, "") })
	addr := d.addrOf("tls")
	clients := []struct {
		name string
		send tlsSendOnly
	}{
		{"python-ssl", sendPython},
		{"openssl-s_client", sendOpenSSL},
	}
	var tags []string
	for _, c := range clients {
		for run := range runs {
			tag := fmt.Sprintf("%s-run%d", c.name, run)
			c.send(t, addr, tt.clientCA, tag, n)
			tags = append(tags, tag)
		}
	}
	want := int64(len(tags) * n)
	if err := poll(30*time.Second, func() error {
		if got := rowCount(t, d.dbPath); got != want {
			return fmt.Errorf("%d rows", got)
		}
		return nil
	}); err != nil {
		conn := openDB(t, d.dbPath)
		for _, tag := range tags {
			if got := countWhere(t, conn, "Message LIKE ?", tag+" %"); got != n {
				t.Errorf("%s: %d of %d messages stored", tag, got, n)
			}
		}
		t.Fatalf("want %d rows: %v", want, err)
	}
	d.Stop()
	if got := d.stoppedCount("tls.resets"); got != 0 {
		t.Errorf("tls.resets = %d, want 0", got)
	}
}
