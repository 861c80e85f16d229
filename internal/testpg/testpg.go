// Package testpg starts throwaway PostgreSQL clusters for tests: initdb and
// pg_ctl in a temporary directory (as the postgres user when the test runs
// as root, which initdb refuses), listening on a Unix socket in that
// directory only, fsync off, stopped at the end. Only tests import it.
//
// Under CI=true a missing PostgreSQL fails the test; elsewhere it skips it
// with the reason.
package testpg

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Cluster is a running throwaway cluster. Its superuser is postgres,
// trusted on the Unix socket (only this machine's users reach it, in a
// directory made for the test).
type Cluster struct {
	// Dir holds the data directory (Dir/data) and the socket.
	Dir string
	// Bin is the directory of initdb, pg_ctl, createdb and pg_basebackup.
	Bin string
	// Port names the socket file (.s.PGSQL.Port); nothing listens on TCP.
	Port int

	asPostgres bool // commands run as the postgres user
	dbs        atomic.Int64
}

// ErrMissing is what Start returns, wrapped, when PostgreSQL's programs
// are not installed.
var ErrMissing = errors.New("PostgreSQL is not installed (initdb, pg_ctl, createdb)")

// BinDir returns the directory holding initdb, pg_ctl and createdb:
// $AIOSYSLOGD_PGBIN, else the newest /usr/lib/postgresql/*/bin, else the
// directory of initdb on PATH.
func BinDir() (string, error) {
	var dirs []string
	if d := os.Getenv("AIOSYSLOGD_PGBIN"); d != "" {
		dirs = append(dirs, d)
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(found, func(a, b string) int { return versionOf(b) - versionOf(a) })
	dirs = append(dirs, found...)
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if hasAll(d, "initdb", "pg_ctl", "createdb") {
			return d, nil
		}
	}
	return "", fmt.Errorf("looked in $AIOSYSLOGD_PGBIN, /usr/lib/postgresql/*/bin and PATH: %w", ErrMissing)
}

// versionOf is the major version in /usr/lib/postgresql/N/bin.
func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func hasAll(dir string, names ...string) bool {
	for _, n := range names {
		if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// Start initialises and starts a cluster in a new directory under /tmp
// (short: a socket path over 107 bytes fails). The caller stops it.
func Start() (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("/tmp", "pg")
	if err != nil {
		return nil, fmt.Errorf("cluster directory: %w", err)
	}
	c := &Cluster{Dir: dir, Bin: bin, Port: 5432, asPostgres: os.Geteuid() == 0}
	if err := c.init(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// init runs initdb and pg_ctl start.
func (c *Cluster) init() error {
	if c.asPostgres {
		if err := chownToPostgres(c.Dir); err != nil {
			return err
		}
	}
	data := filepath.Join(c.Dir, "data")
	if err := c.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		return err
	}
	return c.start()
}

// start starts the server of c.Dir/data: on a socket in c.Dir only,
// fsync off.
func (c *Cluster) start() error {
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -c port=%d -c fsync=off -c full_page_writes=off -c max_connections=60", c.Dir, c.Port)
	return c.run("pg_ctl", "start", "-w", "-t", "60", "-D", filepath.Join(c.Dir, "data"), "-l", filepath.Join(c.Dir, "log"), "-o", opts)
}

// chownToPostgres gives dir to the postgres user, which runs the cluster.
func chownToPostgres(dir string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root, the cluster runs as postgres: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("give %s to postgres: %w", dir, err)
	}
	return nil
}

// run runs the program name of c.Bin, as postgres when c.asPostgres.
func (c *Cluster) run(name string, args ...string) error {
	prog := filepath.Join(c.Bin, name)
	cmd := exec.Command(prog, args...)
	if c.asPostgres {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = c.Dir
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %v: %w\n%s%s", name, args, err, out.String(), c.logTail())
	}
	return nil
}

// logTail is the end of the server's log, for an error message.
func (c *Cluster) logTail() string {
	b, err := os.ReadFile(filepath.Join(c.Dir, "log"))
	if err != nil {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "server log:\n" + string(b)
}

// Stop stops the cluster at once (pg_ctl stop -m immediate: a throwaway
// cluster needs no clean shutdown) and removes its directory.
func (c *Cluster) Stop() error {
	err := c.run("pg_ctl", "stop", "-w", "-t", "30", "-m", "immediate", "-D", filepath.Join(c.Dir, "data"))
	if rerr := os.RemoveAll(c.Dir); err == nil {
		err = rerr
	}
	return err
}

// DSN returns the key=value connection string of database name, as
// postgres over the socket.
func (c *Cluster) DSN(name string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", c.Dir, c.Port, name)
}

// URL returns the postgres:// URL of database name, as DSN.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable", name, c.Dir, c.Port)
}

// NewDatabase creates an empty database with a name of its own (createdb)
// and returns its DSN; it stays until the cluster stops.
func (c *Cluster) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("t%d_%d", time.Now().UnixNano()%1e9, c.dbs.Add(1))
	if err := c.run("createdb", "-h", c.Dir, "-p", strconv.Itoa(c.Port), "-U", "postgres", name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	return c.DSN(name)
}

// Restart stops the cluster (fast: open connections are ended) and starts
// it again, as a restart under load would.
func (c *Cluster) Restart() error {
	if err := c.run("pg_ctl", "stop", "-w", "-t", "30", "-m", "fast", "-D", filepath.Join(c.Dir, "data")); err != nil {
		return err
	}
	return c.start()
}

// Standby makes a hot standby of c with pg_basebackup (streaming from c,
// read-only, replaying what c writes) in a directory of its own and
// starts it; the caller stops it.
func (c *Cluster) Standby() (*Cluster, error) {
	dir, err := os.MkdirTemp("/tmp", "pg")
	if err != nil {
		return nil, fmt.Errorf("standby directory: %w", err)
	}
	sb := &Cluster{Dir: dir, Bin: c.Bin, Port: c.Port, asPostgres: c.asPostgres}
	if sb.asPostgres {
		if err := chownToPostgres(dir); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	// -R: standby.signal and primary_conninfo, to stream from c; -c fast:
	// a checkpoint at once, not one spread over minutes.
	if err := sb.run("pg_basebackup", "-h", c.Dir, "-p", strconv.Itoa(c.Port), "-U", "postgres", "-D", data, "-R", "-X", "stream", "-c", "fast", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := sb.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return sb, nil
}

var shared struct {
	once sync.Once
	c    *Cluster
	err  error
}

// Shared returns the test binary's one cluster, started at the first
// call; Main stops it. A missing PostgreSQL skips tb, or fails it under
// CI=true; a cluster that fails to start fails it.
func Shared(tb testing.TB) *Cluster {
	tb.Helper()
	shared.once.Do(func() { shared.c, shared.err = Start() })
	switch {
	case errors.Is(shared.err, ErrMissing) && os.Getenv("CI") != "true":
		tb.Skipf("skipped: %v", shared.err)
	case shared.err != nil:
		tb.Fatalf("start PostgreSQL: %v", shared.err)
	}
	return shared.c
}

// Main runs m (call it from TestMain) and stops the shared cluster, if a
// test started one, before it returns m's exit code.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.c != nil {
		if err := shared.c.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testpg: stop cluster: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}
