package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	_ "modernc.org/sqlite"
)

// daemon is a running `aiosyslogd serve` in a temporary directory.
type daemon struct {
	cmd    *exec.Cmd
	dir    string
	dbPath string
	addr   string // UDP's 127.0.0.1:port
	// tcpAddr is where TCP listens (the same port: TCP follows UDP).
	tcpAddr string
	// pprofAddr is where serve --pprof listens; "" when not asked for.
	pprofAddr string

	mu       sync.Mutex
	lastStop string // the daemon's final "stopped" log line
	logTail  []string
	exited   chan struct{}
}

func startDaemon(o options) (*daemon, error) {
	dir, err := os.MkdirTemp("", "aiosyslogd-bench-")
	if err != nil {
		return nil, err
	}
	d := &daemon{dir: dir, dbPath: filepath.Join(dir, "bench.db"), exited: make(chan struct{})}
	queue := ""
	if o.queueSize > 0 {
		queue = fmt.Sprintf("queue_size = %d\n", o.queueSize)
	}
	if o.queueMaxMB > 0 {
		queue += fmt.Sprintf("queue_max_mb = %d\n", o.queueMaxMB)
	}
	store := fmt.Sprintf("[sqlite]\ndatabase = %q\n", d.dbPath)
	if o.postgres != "" {
		store = fmt.Sprintf("[sqlite]\nenabled = false\n[postgresql]\nenabled = true\ndsn = %q\n", o.postgres)
	}
	cfg := fmt.Sprintf("[server]\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n%s\n%sbatch_size = %d\nbatch_timeout = 1\n%s",
		queue, store, o.batchSize, o.extra)
	if o.spool != "" {
		cfg += fmt.Sprintf("\n[spool]\nenabled = %t\n", o.spool == "on")
	}
	cfgPath := filepath.Join(dir, "bench.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return nil, err
	}
	args := []string{"--config", cfgPath, "serve"}
	if o.cpuProfile != "" {
		if d.pprofAddr, err = freeTCPAddr(); err != nil {
			return nil, err
		}
		args = append(args, "--pprof", d.pprofAddr)
	}
	d.cmd = exec.Command(bin, args...)
	d.cmd.Dir = dir
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", o.bin, err)
	}
	bound := make(chan map[string]string, 1)
	go d.readLog(stderr, bound)
	select {
	case addrs := <-bound:
		d.addr, d.tcpAddr = addrs["udp"], addrs["tcp"]
		return d, nil
	case <-d.exited:
		d.cmd.Wait()
		return nil, fmt.Errorf("daemon exited before listening: %s", d.tail())
	case <-time.After(30 * time.Second):
		d.cmd.Process.Kill()
		return nil, fmt.Errorf("daemon did not listen within 30s: %s", d.tail())
	}
}

var listening = regexp.MustCompile(`msg=listening proto=(\S+) .*addr=(\S+)`)

// readLog keeps the log's tail and its stopped line; once UDP and TCP
// listen, it sends their addresses on bound.
func (d *daemon) readLog(r io.Reader, bound chan<- map[string]string) {
	defer close(d.exited)
	addrs := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		d.mu.Lock()
		d.logTail = append(d.logTail, line)
		if len(d.logTail) > 20 {
			d.logTail = d.logTail[1:]
		}
		if strings.Contains(line, "msg=stopped") {
			d.lastStop = line
		}
		d.mu.Unlock()
		if m := listening.FindStringSubmatch(line); m != nil && addrs != nil {
			addrs[m[1]] = m[2]
			if addrs["udp"] != "" && addrs["tcp"] != "" {
				bound <- addrs
				addrs = nil // sent once
			}
		}
	}
}

func (d *daemon) tail() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.logTail, "\n")
}

// stop sends SIGTERM and waits for a clean exit.
func (d *daemon) stop() error {
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-d.exited:
	case <-time.After(10 * time.Minute):
		d.cmd.Process.Kill()
		return fmt.Errorf("daemon did not exit within 10 minutes of SIGTERM")
	}
	if err := d.cmd.Wait(); err != nil {
		return fmt.Errorf("daemon: %v\n%s", err, d.tail())
	}
	return nil
}

func (d *daemon) cleanup(keep bool) {
	if keep {
		fmt.Println("kept", d.dir)
		return
	}
	os.RemoveAll(d.dir)
}

// procStats are the daemon's resource use, from /proc.
type procStats struct {
	cpu        time.Duration // user + system
	rss, hwm   int64         // bytes: now, and the peak
	readFailed error
}

func (d *daemon) proc() procStats { return procOf(d.cmd.Process.Pid) }

// procOf reads the resource use of process pid.
func procOf(pid int) procStats {
	var ps procStats
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		ps.readFailed = err
		return ps
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	ps.cpu = time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		ps.readFailed = err
		return ps
	}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			ps.rss = kb << 10
		case "VmHWM:":
			ps.hwm = kb << 10
		}
	}
	return ps
}

// counts returns the rows stored in all month tables, and how many of them
// the FTS5 indexes find for term; in PostgreSQL when pgDSN is set.
func counts(dbPath, term string) (rows, matches int64, err error) {
	if pgDSN != "" {
		return pgCounts(term)
	}
	r, err := sqlite.OpenReader(bgctx, dbPath)
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	months, err := sqlite.Months(bgctx, r.DB())
	if err != nil {
		return 0, 0, err
	}
	for _, m := range months {
		n, err := sqlite.CountEvents(bgctx, r.DB(), m)
		if err != nil {
			return 0, 0, err
		}
		rows += n
		if term != "" {
			k, err := sqlite.CountMatches(bgctx, r.DB(), m, term)
			if err != nil {
				return 0, 0, err
			}
			matches += k
		}
	}
	return rows, matches, nil
}

// waitStored polls the database until want rows are stored, or the count has
// not moved for quiet.
func waitStored(dbPath string, want int64, quiet time.Duration) int64 {
	var last int64 = -1
	lastChange := time.Now()
	for {
		n, _, err := counts(dbPath, "")
		if err == nil && n != last {
			last, lastChange = n, time.Now()
		}
		if last >= want || time.Since(lastChange) > quiet {
			return last
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// freeTCPAddr returns a 127.0.0.1 address with a port free right now.
func freeTCPAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// profileCPU takes a CPU profile of the daemon over the next span and writes
// it to path.
func (d *daemon) profileCPU(path string, span time.Duration) error {
	secs := max(1, int(span.Round(time.Second)/time.Second))
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", d.pprofAddr, secs)
	client := http.Client{Timeout: span + time.Minute}
	resp, err := client.Get(url)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("cpu profile: GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("cpu profile: write %s: %w", path, err)
	}
	return f.Close()
}

// pgDSN is -postgresql: the database the daemon stores in, when set.
var pgDSN string

// pgCounts is counts of the PostgreSQL database: every row, and those
// whose words hold term.
func pgCounts(term string) (rows, matches int64, err error) {
	r, err := postgres.OpenReader(bgctx, postgres.Options{DSN: pgDSN})
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	if rows, err = r.Count(bgctx, search.Query{}); err != nil || term == "" {
		return rows, 0, err
	}
	matches, err = r.Count(bgctx, search.Query{Expr: &query.Text{Text: term}})
	return rows, matches, err
}
