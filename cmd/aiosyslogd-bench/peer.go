package main

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/template"
	"time"
)

// peer is syslog-ng, the peer the comparison runs against: started by the
// bench in a temporary directory with a configuration written here, on
// 127.0.0.1, receiving UDP and writing SQLite through its sql()
// destination (libdbi's sqlite3 driver) in batches, without any full-text
// index. Debian: syslog-ng-core, syslog-ng-mod-sql, libdbd-sqlite3
// (.ci/install-syslog-ng unpacks them beside rsyslog).
type peer struct {
	cmd    *exec.Cmd
	dir    string
	dbPath string
	addr   string // UDP's 127.0.0.1:port
	exited chan struct{}
	out    syncBuffer // its stderr
}

// peerConfig is syslog-ng's configuration: the columns aiosyslogd stores
// (but RawMessage and MsgID/SD, which syslog-ng's SQL templates do not
// carry as such), batches of batch_size rows committed together (as ours)
// or at least once a second, a receive buffer as large as ours asks for
// and a queue as deep as ours.
var peerConfig = template.Must(template.New("syslog-ng.conf").Parse(`@version: 3.38
options { stats-freq(0); keep-hostname(yes); use-dns(no); log-fifo-size({{.Queue}}); };
source s_net {
  network(ip("127.0.0.1") port({{.Port}}) transport("udp") so-rcvbuf(67108864) log-fetch-limit(1000));
};
destination d_sqlite {
  sql(type(sqlite3) database("{{.Database}}") host("") username("") password("")
      dbd-option("sqlite3_dbdir" "{{.Dir}}")
      table("SystemEvents")
      columns("Facility int", "Priority int", "FromHost", "ReceivedAt", "DeviceReportedTime",
              "SysLogTag", "ProcessID", "Message")
      values("${FACILITY_NUM}", "${LEVEL_NUM}", "${HOST}", "${R_ISODATE}", "${S_ISODATE}",
             "${PROGRAM}", "${PID}", "${MESSAGE}")
      indexes("ReceivedAt")
      flags(explicit-commits) batch-lines({{.Batch}}) batch-timeout(1000));
};
log { source(s_net); destination(d_sqlite); };
`))

// startPeer starts syslog-ng with peerConfig and returns once its socket
// is bound.
func startPeer(o options) (*peer, error) {
	if _, err := exec.LookPath("syslog-ng"); err != nil {
		return nil, fmt.Errorf("syslog-ng is not installed (.ci/install-syslog-ng unpacks it)")
	}
	dir, err := os.MkdirTemp("", "aiosyslogd-bench-peer-")
	if err != nil {
		return nil, err
	}
	p := &peer{dir: dir, dbPath: filepath.Join(dir, "peer.db"), exited: make(chan struct{})}
	port, err := freeUDPPort()
	if err != nil {
		return nil, err
	}
	p.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	conf := filepath.Join(dir, "syslog-ng.conf")
	f, err := os.Create(conf)
	if err != nil {
		return nil, err
	}
	queue := o.queueSize
	if queue == 0 {
		queue = 1 << 20
	}
	err = peerConfig.Execute(f, map[string]any{"Port": port, "Database": "peer.db", "Dir": dir, "Batch": o.batchSize, "Queue": queue})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	p.cmd = exec.Command("syslog-ng", "--foreground", "--no-caps", "--cfgfile", conf,
		"--persist-file", filepath.Join(dir, "persist"), "--pidfile", filepath.Join(dir, "pid"),
		"--control", filepath.Join(dir, "ctl"))
	p.cmd.Dir, p.cmd.Stdout, p.cmd.Stderr = dir, &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start syslog-ng: %w", err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	return p, p.waitBound(port)
}

// waitBound waits until syslog-ng holds the UDP port (binding it fails).
func (p *peer) waitBound(port int) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.ListenPacket("udp", p.addr)
		if err != nil {
			return nil // taken: syslog-ng listens
		}
		c.Close()
		select {
		case <-p.exited:
			return fmt.Errorf("syslog-ng exited before listening on port %d:\n%s", port, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			return fmt.Errorf("syslog-ng did not listen within 30s:\n%s", p.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeUDPPort returns a 127.0.0.1 UDP port free right now.
func freeUDPPort() (int, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// rows counts the rows syslog-ng stored. Its table is its own, not one of
// aiosyslogd's months, so there is no generated statement for it.
func (p *peer) rows() (int64, error) {
	conn, err := sql.Open("sqlite", "file:"+p.dbPath+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = conn.QueryRow("SELECT count(*) FROM SystemEvents").Scan(&n)
	return n, err
}

// waitCount polls count until it says want rows are stored, or the count
// has not moved for quiet.
func waitCount(count func() (int64, error), want int64, quiet time.Duration) int64 {
	var last int64 = -1
	lastChange := time.Now()
	for {
		if n, err := count(); err == nil && n != last {
			last, lastChange = n, time.Now()
		}
		if last >= want || time.Since(lastChange) > quiet {
			return max(last, 0)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for syslog-ng to exit.
func (p *peer) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(2 * time.Minute):
		p.cmd.Process.Kill()
		return fmt.Errorf("syslog-ng did not exit within 2 minutes of SIGTERM")
	}
}

// runPeer offers the loggen load of o to syslog-ng and reports as runLoad
// does.
func runPeer(o options) (report, error) {
	p, err := startPeer(o)
	if err != nil {
		return report{}, err
	}
	defer func() {
		if !o.keep {
			os.RemoveAll(p.dir)
		}
	}()
	pid := p.cmd.Process.Pid
	before := procOf(pid)
	start := time.Now()
	sent, err := runLoggen(o, p.addr, o.rate, "--inet", "--dgram")
	sendTime := time.Since(start)
	if err != nil {
		p.stop()
		return report{}, err
	}
	stored := waitCount(p.rows, sent, 15*time.Second)
	r := report{name: "syslog-ng", offered: o.rate, sent: sent, stored: stored,
		sendTime: sendTime, drainTime: time.Since(start)}
	after := procOf(pid)
	if err := p.stop(); err != nil {
		return r, err
	}
	if n, err := p.rows(); err == nil {
		r.stored = max(n, stored)
	}
	r.cpu, r.hwm, r.noIndex = after.cpu-before.cpu, after.hwm, true
	return r, nil
}

// printComparison prints the reports of one load side by side.
func printComparison(rs ...report) {
	fmt.Println("== the same loggen load, side by side")
	fmt.Println("| server | full-text index | sent | stored | lost | stored msgs/s | CPU-s | peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		index := "FTS5, MATCH finds " + strconv.FormatInt(r.matches, 10)
		switch {
		case r.index != "":
			index = r.index
		case r.noIndex:
			index = "none"
		}
		fmt.Printf("| %s | %s | %d | %d | %d (%.2f%%) | %.0f | %.1f | %.0f MiB |\n", r.name, index, r.sent, r.stored,
			r.sent-r.stored, 100*float64(r.sent-r.stored)/float64(max(r.sent, 1)),
			float64(r.stored)/r.drainTime.Seconds(), r.cpu.Seconds(), mib(r.hwm))
	}
	fmt.Println()
}

// syncBuffer is a strings.Builder a process writes while the bench may
// read it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
