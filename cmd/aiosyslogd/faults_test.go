//go:build e2e

package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
)

// totalRows counts the rows of every month table.
func totalRows(t *testing.T, conn *sql.DB) int64 {
	t.Helper()
	var n int64
	eachMonth(t, conn, func(m db.Month) {
		c, err := sqlite.CountEvents(t.Context(), conn, m)
		if err != nil {
			t.Fatal(err)
		}
		n += c
	})
	return n
}

// checkIntegrity runs SQLite's and every FTS5 table's integrity checks.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ok string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v", ok, err)
	}
	months, err := sqlite.Months(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range months {
		fts := m.Table() + "_FTS"
		if _, err := conn.Exec(fmt.Sprintf(`INSERT INTO %s (%s, rank) VALUES ('integrity-check', 1)`, fts, fts)); err != nil {
			t.Errorf("FTS5 integrity-check of %s: %v", fts, err)
		}
	}
}

// waitLog waits until the daemon's log matches re.
func (d *daemon) waitLog(re string, within time.Duration) {
	d.t.Helper()
	r := regexp.MustCompile(re)
	eventually(d.t, within, func() error {
		if log := d.Stderr(); !r.MatchString(log) {
			return fmt.Errorf("daemon did not log %q:\n%s", re, log)
		}
		return nil
	})
}

// rowCount counts the rows of every month table of the database at path;
// 0 while there is no database yet.
func rowCount(t *testing.T, path string) int64 {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return totalRows(t, conn)
}

// waitRows waits until the daemon's database holds at least want rows.
func (d *daemon) waitRows(want int64, within time.Duration) {
	d.t.Helper()
	d.waitRowsIn(d.dbPath, want, within)
}

// waitRowsIn waits until the database at path holds at least want rows.
func (d *daemon) waitRowsIn(path string, want int64, within time.Duration) {
	d.t.Helper()
	eventually(d.t, within, func() error {
		if n := rowCount(d.t, path); n < want {
			return fmt.Errorf("database holds %d rows, want %d:\n%s", n, want, d.Stderr())
		}
		return nil
	})
}

// stoppedCount reads a counter from the daemon's final "stopped" line:
// a total ("received") or a transport's ("tcp.cut").
func (d *daemon) stoppedCount(name string) int64 {
	d.t.Helper()
	// " name=": "received" is not "tcp.received".
	m := regexp.MustCompile(`msg=stopped.*? ` + regexp.QuoteMeta(name) + `=(\d+)`).FindStringSubmatch(d.Stderr())
	if m == nil {
		d.t.Fatalf("no %s in the stopped line:\n%s", name, d.Stderr())
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func TestStartupErrors(t *testing.T) {
	t.Parallel()
	notSQLite := []byte("precious notes\nnot a database\n")
	corrupt := append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xA5}, 8192)...)
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.LocalAddr().(*net.UDPAddr).Port)

	tests := []struct {
		name    string
		dbFile  []byte // written as the database when not nil
		args    []string
		config  string // "dir" makes the config path a directory
		wantErr []string
	}{
		{name: "database is not SQLite", dbFile: notSQLite, wantErr: []string{"db.sqlite", "is not an SQLite database", "refusing"}},
		{name: "database is corrupt", dbFile: corrupt, wantErr: []string{"db.sqlite", "not a database"}},
		{name: "port in use", args: []string{"--bind-port", busyPort}, wantErr: []string{"127.0.0.1:" + busyPort, "address already in use", "bind_port"}},
		{name: "config unreadable", config: "dir", wantErr: []string{"cfg.toml", "is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dbPath := filepath.Join(dir, "db.sqlite")
			if tt.dbFile != nil {
				if err := os.WriteFile(dbPath, tt.dbFile, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfg := filepath.Join(dir, "cfg.toml")
			if tt.config == "dir" {
				os.Mkdir(cfg, 0o755)
			} else if err := os.WriteFile(cfg, []byte(testConfig(dbPath, "", "")), 0o644); err != nil {
				t.Fatal(err)
			}
			_, stderr, code := runBinary(t, dir, nil, append([]string{"--config", cfg, "serve"}, tt.args...)...)
			if code == 0 {
				t.Fatalf("exit 0, want failure:\n%s", stderr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace in:\n%s", stderr)
			}
			if tt.dbFile != nil {
				if got, _ := os.ReadFile(dbPath); !bytes.Equal(got, tt.dbFile) {
					t.Errorf("the database file was changed")
				}
			}
		})
	}
}

// An unprivileged user asking for port 514 is told how to get syslog there.
func TestStartupPrivilegedPortHint(t *testing.T) {
	dir, err := os.MkdirTemp("", "aiosyslogd-priv-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	os.Chmod(filepath.Dir(binPath), 0o755)
	cmd := exec.Command(binPath, "serve", "--bind-ip", "127.0.0.1", "--bind-port", "514", "--database", "x.db")
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	if os.Getuid() == 0 { // run as nobody: root may bind anything
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("serve on port 514 as an unprivileged user succeeded:\n%s", out)
	}
	for _, w := range []string{"permission denied", "rsyslog", "CAP_NET_BIND_SERVICE"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("output does not say %q:\n%s", w, out)
		}
	}
}

// Every hostile datagram becomes a row, and the daemon keeps going.
func TestServeStoresHostileDatagrams(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	nested := "<13>1 - h a - - [" + strings.Repeat("[", 4000) + "x=\"" + strings.Repeat("]", 4000) + " nested"
	datagrams := [][]byte{
		{},
		bytes.Repeat([]byte("A"), 65507),
		{0x00, 0xff, 0xfe, 0x01, 0x80, 0x00},
		[]byte("<13>1 - host app - - - NUL\x00inside"),
		[]byte("<14>invalid \xc3\x28 utf-8 \xff"),
		[]byte("<99999999999>overflowing PRI"),
		[]byte(nested),
		[]byte("<13>1 - " + strings.Repeat("h", 60000) + " app - - - long hostname"),
		[]byte("<13>Nov 24 03:41:06 " + strings.Repeat("x", 60000) + " tag: long BSD host"),
		[]byte("<"), []byte("<>"), []byte("<1"), []byte("<191>1"), []byte("\n\n\n"),
	}
	conn, err := net.DialUDP("udp", nil, d.addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, dg := range datagrams {
		if _, err := conn.Write(dg); err != nil {
			t.Fatalf("send %d bytes: %v", len(dg), err)
		}
	}
	conn.Close()
	d.send("<13>1 - host app - - - still alive after the junk")
	d.waitRows(int64(len(datagrams)+1), 30*time.Second)
	d.Stop()
	c := openDB(t, d.dbPath)
	if n := totalRows(t, c); n != int64(len(datagrams)+1) {
		t.Errorf("stored %d rows for %d datagrams", n, len(datagrams)+1)
	}
	var raw []byte
	if err := c.QueryRow(`SELECT RawMessage FROM ` + db.MonthOf(time.Now()).Table() + ` WHERE length(RawMessage) = 6`).Scan(&raw); err != nil {
		t.Errorf("binary junk not stored raw: %v", err)
	} else if !bytes.Equal(raw, datagrams[2]) {
		t.Errorf("raw = %x, want %x", raw, datagrams[2])
	}
	if n := len(findRows(t, c, "still alive")); n != 1 {
		t.Errorf("message after the junk: %d rows", n)
	}
	if !strings.Contains(d.Stderr(), "malformed=") || d.stoppedCount("received") != int64(len(datagrams)+1) {
		t.Errorf("daemon did not count every datagram:\n%s", d.Stderr())
	}
	checkIntegrity(t, d.dbPath)
}

// holdWriteLock takes SQLite's write lock on path, as another writer would,
// until the returned function is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	c, err := conn.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			c.ExecContext(context.Background(), "ROLLBACK")
			c.Close()
			conn.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// Another process holding the write lock makes the daemon wait, not lose:
// nothing is written while the lock is held (the writer's busy timeout runs
// out and it says it keeps the messages), everything after.
func TestServeWaitsForBusyDatabase(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "batch_size = 10") })
	d.send("<13>1 - h app - - - before the lock")
	d.waitRows(1, 30*time.Second)
	release := holdWriteLock(t, d.dbPath)
	for i := range 50 {
		d.send(fmt.Sprintf("<13>1 - h app - - - during the lock %d", i))
	}
	d.waitLog("store failed; keeping messages in the queue and retrying", 60*time.Second)
	if n := rowCount(t, d.dbPath); n != 1 {
		t.Errorf("%d rows while another process held the write lock, want the 1 from before", n)
	}
	release()
	d.waitLog("store recovered", 60*time.Second)
	d.waitRows(51, 30*time.Second)
	d.Stop()
	c := openDB(t, d.dbPath)
	if n := len(findRows(t, c, "during the lock")); n != 50 {
		t.Errorf("stored %d of the 50 messages sent while the database was locked", n)
	}
}

// A second signal ends a shutdown that cannot finish (the database is
// locked by another process) at once, with exit status 130.
func TestServeSecondSignalForcesExit(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	d.send("<13>1 - h app - - - first")
	d.waitRows(1, 30*time.Second)
	holdWriteLock(t, d.dbPath)
	d.send("<13>1 - h app - - - stuck behind the lock")
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.waitLog("shutting down", 10*time.Second)
	d.cmd.Process.Signal(os.Interrupt)
	select {
	case <-d.done:
		ee, ok := d.waitErr.(*exec.ExitError)
		if !ok || ee.ExitCode() != 130 {
			t.Errorf("exit = %v, want status 130", d.waitErr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second signal did not end the daemon within 5s")
	}
	if !strings.Contains(d.Stderr(), "forced exit") {
		t.Errorf("no 'forced exit' in the log:\n%s", d.Stderr())
	}
}

// flood sends up to max numbered datagrams to the daemon from a goroutine,
// pausing a millisecond every pauseEvery (0: never), until max or stop. It
// returns the count sent so far and a function that stops it and waits.
func (d *daemon) flood(text string, max, pauseEvery int) (sent *atomic.Int64, stop func()) {
	sent = new(atomic.Int64)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := net.DialUDP("udp", nil, d.addr)
		if err != nil {
			return
		}
		defer conn.Close()
		for i := 0; i < max; i++ {
			select {
			case <-quit:
				return
			default:
			}
			if _, err := conn.Write([]byte(fmt.Sprintf("<13>1 - h app - - - %s %d", text, i))); err == nil {
				sent.Add(1)
			}
			if pauseEvery > 0 && i%pauseEvery == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	var once sync.Once
	return sent, func() { once.Do(func() { close(quit); <-done }) }
}

// SIGTERM while datagrams still pour in: everything the daemon received is
// written before it exits.
func TestServeSIGTERMUnderLoad(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	// Bounded, so that a race-detector build of the daemon drains it in time.
	sent, stop := d.flood("load", 60000, 0)
	defer stop()
	eventually(t, 60*time.Second, func() error {
		if n := sent.Load(); n < 20000 {
			return fmt.Errorf("sent only %d datagrams", n)
		}
		return nil
	})
	d.Stop() // while the sender is still sending
	stop()
	received, stored := d.stoppedCount("received"), d.stoppedCount("stored")
	c := openDB(t, d.dbPath)
	rows := totalRows(t, c)
	if received < 20000 || stored != received || rows != received {
		t.Errorf("received %d, stored %d, rows %d: want all received stored (sent %d)", received, stored, rows, sent.Load())
	}
}

// kill -9 in the middle of a load loses at most what was in flight, and
// leaves a database that passes SQLite's and FTS5's integrity checks and
// that the next start writes to. Without the spool (whose kill -9 test is
// TestSpoolKill9UnderLoadStoresEverySpooledMessageOnce): the next start
// stores only what it receives.
func TestServeSurvivesKill9(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "batch_size = 200") + noSpool })
	_, stop := d.flood("kill nine", 1000000, 100)
	defer stop()
	d.waitRows(1000, 60*time.Second) // several batches committed, more in flight
	d.cmd.Process.Kill()
	stop()
	<-d.done

	checkIntegrity(t, d.dbPath)
	c := openDB(t, d.dbPath)
	before := totalRows(t, c)
	if before == 0 {
		t.Fatal("nothing was stored before kill -9")
	}
	c.Close()

	// The next start writes to the same database.
	cfg := filepath.Join(d.dir, "test.toml")
	d2 := startDaemonWithConfigFile(t, cfg)
	d2.send("<13>1 - h app - - - after the crash")
	d2.waitRowsIn(d.dbPath, before+1, 30*time.Second)
	d2.Stop()
	c2 := openDB(t, d.dbPath)
	if after := totalRows(t, c2); after != before+1 {
		t.Errorf("rows after restart = %d, want %d", after, before+1)
	}
	checkIntegrity(t, d.dbPath)
}

// startDaemonWithConfigFile starts serve on an existing config file.
func startDaemonWithConfigFile(t *testing.T, cfg string) *daemon {
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return startDaemon(t, func(string) string { return string(text) })
}

// A full disk makes the daemon keep messages and retry; when space comes
// back it writes them all, without a restart. One error line says so.
func TestServeRecoversFromFullDisk(t *testing.T) {
	mnt := tinyTmpfs(t)
	dbPath := filepath.Join(mnt, "full.db")
	// The store's own retry: a spool on the same 1 MiB would free room as
	// the store fills it, and the store would fail and recover in turns
	// (the spool's full disk is TestSpoolFullDiskRecovers).
	d := startDaemon(t, func(string) string { return testConfig(dbPath, "", "batch_size = 100") + noSpool })
	const total = 3000
	pad := strings.Repeat("x", 900)
	for i := range total {
		d.send(fmt.Sprintf("<13>1 - h app - - - disk full %d %s", i, pad))
		if i%200 == 0 {
			time.Sleep(10 * time.Millisecond) // keep within the socket buffer
		}
	}
	d.waitLog(`store failed.*(full|space)`, 30*time.Second)
	growTmpfs(t, mnt)
	d.waitLog(`store recovered`, 60*time.Second)
	d.Stop()
	c := openDB(t, dbPath)
	if n := totalRows(t, c); n != total {
		t.Errorf("stored %d of %d after the disk filled and recovered", n, total)
	}
	if n := strings.Count(d.Stderr(), "store failed"); n != 1 {
		t.Errorf("logged %d 'store failed' lines, want one per state change:\n%s", n, d.Stderr())
	}
	checkIntegrity(t, dbPath)
}
