//go:build e2e

package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/aiosyslogd/aiosyslogd/internal/testpg"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

// binPath is the aiosyslogd binary built once for the end-to-end tests.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aiosyslogd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "aiosyslogd")
	build := exec.Command("go", "build", "-race", "-o", binPath, ".")
	if os.Getenv("AIOSYSLOGD_E2E_NORACE") != "" {
		build = exec.Command("go", "build", "-o", binPath, ".")
	}
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build aiosyslogd:", err)
		os.Exit(1)
	}
	code := testpg.Main(m) // m.Run, then the PostgreSQL cluster stops, if a test started one
	os.RemoveAll(dir)
	os.Exit(code)
}

// daemon is a running `aiosyslogd serve` started by a test.
type daemon struct {
	t       *testing.T
	cmd     *exec.Cmd
	dir     string
	dbPath  string
	addr    *net.UDPAddr
	done    chan struct{} // closed when the process has exited
	waitErr error         // cmd.Wait's result, set before done closes

	mu     sync.Mutex
	stderr strings.Builder
	stdout strings.Builder
	addrs  map[string]string // proto → the address its "listening" line gave
}

// testConfig is a configuration for tests: loopback, any free port, a short
// batch timeout unless sqlite sets one. server and sqlite are appended to
// their tables.
func testConfig(dbPath, server, sqlite string) string {
	if !strings.Contains(sqlite, "batch_timeout") {
		sqlite += "\nbatch_timeout = 0.2"
	}
	return fmt.Sprintf(`[server]
bind_ip = "127.0.0.1"
bind_port = 0
%s
[sqlite]
database = %q
%s
`, server, dbPath, sqlite)
}

// startDaemon writes config into a temporary directory and starts serve
// there; it returns once the daemon logged the address it bound.
func startDaemon(t *testing.T, config func(dbPath string) string, args ...string) *daemon {
	t.Helper()
	return startDaemonEnv(t, nil, config, args...)
}

// startDaemonEnv is startDaemon with env added to the daemon's environment.
func startDaemonEnv(t *testing.T, env []string, config func(dbPath string) string, args ...string) *daemon {
	t.Helper()
	dir := t.TempDir()
	d := &daemon{t: t, dir: dir, dbPath: filepath.Join(dir, "syslog.db"), done: make(chan struct{})}
	cfgPath := filepath.Join(dir, "test.toml")
	if err := os.WriteFile(cfgPath, []byte(config(d.dbPath)), 0o644); err != nil {
		t.Fatal(err)
	}
	d.cmd = exec.Command(binPath, append([]string{"--config", cfgPath, "serve"}, args...)...)
	d.cmd.Dir = dir
	d.cmd.Env = append(cleanEnv(), env...)
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	d.cmd.Stdout = writerFunc(func(p []byte) { d.mu.Lock(); d.stdout.Write(p); d.mu.Unlock() })
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	bound := make(chan string, 1)
	d.addrs = map[string]string{}
	go func() { // the only caller of Wait: d.done closes when the process is gone
		defer close(d.done)
		defer func() { d.waitErr = d.cmd.Wait() }()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		// Each listener's line, in the text or the JSON log format.
		re := regexp.MustCompile(`msg=listening proto=(\S+) .*addr=(\S+)|"msg":"listening","proto":"([^"]+)".*"addr":"([^"]+)"`)
		for sc.Scan() {
			var proto, addr string
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				proto, addr = m[1]+m[3], m[2]+m[4]
			}
			d.mu.Lock()
			d.stderr.WriteString(sc.Text() + "\n")
			if proto != "" {
				d.addrs[proto] = addr
			}
			d.mu.Unlock()
			if proto == "udp" {
				select {
				case bound <- addr:
				default: // a later start in the same process: the first counts
				}
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			d.cmd.Process.Kill()
			<-d.done
		}
		if t.Failed() {
			t.Logf("daemon stderr:\n%s", d.Stderr())
		}
	})
	select {
	case a := <-bound:
		addr, err := net.ResolveUDPAddr("udp", a)
		if err != nil {
			t.Fatalf("daemon logged address %q: %v", a, err)
		}
		d.addr = addr
	case <-d.done:
		t.Fatalf("daemon exited before listening:\n%s", d.Stderr())
	case <-time.After(60 * time.Second):
		t.Fatalf("daemon did not log its address within 60s:\n%s", d.Stderr())
	}
	return d
}

// Stop sends SIGTERM and waits for a clean exit.
func (d *daemon) Stop() {
	d.t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		d.t.Fatal(err)
	}
	select {
	case <-d.done:
		if d.waitErr != nil {
			d.t.Fatalf("daemon exit: %v\n%s", d.waitErr, d.Stderr())
		}
	case <-time.After(120 * time.Second):
		d.cmd.Process.Kill()
		d.t.Fatalf("daemon did not exit within 120s of SIGTERM:\n%s", d.Stderr())
	}
}

func (d *daemon) Stderr() string { d.mu.Lock(); defer d.mu.Unlock(); return d.stderr.String() }

// addrOf waits for the daemon's "listening" line of proto ("tcp", "tls",
// "relp") and returns the address it gives.
func (d *daemon) addrOf(proto string) string {
	d.t.Helper()
	var a string
	eventually(d.t, 30*time.Second, func() error {
		d.mu.Lock()
		defer d.mu.Unlock()
		if addr, ok := d.addrs[proto]; ok {
			a = addr
			return nil
		}
		return fmt.Errorf("daemon did not listen on %s:\n%s", proto, d.stderr.String())
	})
	return a
}
func (d *daemon) Stdout() string { d.mu.Lock(); defer d.mu.Unlock(); return d.stdout.String() }

// send sends each message as one datagram from a fresh UDP socket.
func (d *daemon) send(msgs ...string) {
	d.t.Helper()
	conn, err := net.DialUDP("udp", nil, d.addr)
	if err != nil {
		d.t.Fatal(err)
	}
	defer conn.Close()
	for _, m := range msgs {
		if _, err := conn.Write([]byte(m)); err != nil {
			d.t.Fatal(err)
		}
	}
}

// openDB opens the daemon's database for the test's own checks.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// cleanEnv is the test's environment without aiosyslogd's own variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AIOSYSLOGD_") {
			env = append(env, kv)
		}
	}
	return env
}

// syncBuilder is output a test reads while it is written.
type syncBuilder = testwait.Log

type writerFunc func(p []byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

var _ io.Writer = writerFunc(nil)

// runBinary runs aiosyslogd to completion in dir and returns its output and
// exit code.
func runBinary(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), 0
}
