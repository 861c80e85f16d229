package sdnotify

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listen opens a unixgram socket as systemd does for a service; name
// starting with @ is an abstract one.
func listen(t *testing.T, name string) *net.UnixConn {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func read(t *testing.T, conn *net.UnixConn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

// Each state arrives as one datagram on the socket named by NOTIFY_SOCKET,
// a path or an abstract name.
func TestNotifySendsOneDatagram(t *testing.T) {
	tests := []struct {
		name, socket string
	}{
		{"path", filepath.Join(t.TempDir(), "notify")},
		{"abstract", "@aiosyslogd-test-" + strconv.Itoa(os.Getpid())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := listen(t, tt.socket)
			t.Setenv("NOTIFY_SOCKET", tt.socket)
			for _, state := range []string{Ready, Watchdog, Stopping} {
				sent, err := Notify(state)
				if !sent || err != nil {
					t.Fatalf("Notify(%q) = %v, %v", state, sent, err)
				}
				if got := read(t, conn); got != state {
					t.Errorf("socket read %q, want %q", got, state)
				}
			}
		})
	}
}

func TestNotifyWithoutSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if sent, err := Notify(Ready); sent || err != nil {
		t.Errorf("without NOTIFY_SOCKET: %v, %v; want nothing sent, no error", sent, err)
	}
	t.Setenv("NOTIFY_SOCKET", filepath.Join(t.TempDir(), "gone"))
	if sent, err := Notify(Ready); sent || err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("socket missing: %v, %v; want an error naming it", sent, err)
	}
}

// RELOADING=1 carries the monotonic clock, which moves forward.
func TestReloading(t *testing.T) {
	first, _ := strconv.ParseInt(strings.TrimPrefix(Reloading(), "RELOADING=1\nMONOTONIC_USEC="), 10, 64)
	second, err := strconv.ParseInt(strings.TrimPrefix(Reloading(), "RELOADING=1\nMONOTONIC_USEC="), 10, 64)
	if err != nil || first <= 0 || second < first {
		t.Errorf("Reloading = %q: MONOTONIC_USEC %d then %d (%v)", Reloading(), first, second, err)
	}
}

func TestWatchdogTimeout(t *testing.T) {
	me := strconv.Itoa(os.Getpid())
	tests := []struct {
		usec, pid string
		want      time.Duration
	}{
		{"", "", 0},
		{"30000000", "", 30 * time.Second},
		{"30000000", me, 30 * time.Second},
		{"30000000", "1", 0}, // meant for another process
		{"0", "", 0},
		{"junk", "", 0},
	}
	for _, tt := range tests {
		t.Setenv("WATCHDOG_USEC", tt.usec)
		t.Setenv("WATCHDOG_PID", tt.pid)
		if got := WatchdogTimeout(); got != tt.want {
			t.Errorf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: %s, want %s", tt.usec, tt.pid, got, tt.want)
		}
	}
}
