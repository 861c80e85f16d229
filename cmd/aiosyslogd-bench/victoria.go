package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// victoriaNames are the names VictoriaLogs' binary goes by: its releases
// ship victoria-logs-prod, a build from source makes victoria-logs.
var victoriaNames = []string{"victoria-logs", "victoria-logs-prod"}

// victoriaBinary returns the path of VictoriaLogs' binary on PATH, or "".
func victoriaBinary() string {
	for _, name := range victoriaNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// victoria is a VictoriaLogs started by the bench in a temporary directory:
// its syslog UDP listener and its HTTP API on 127.0.0.1, its data in the
// directory.
type victoria struct {
	cmd     *exec.Cmd
	dir     string
	addr    string // the syslog UDP listener's 127.0.0.1:port
	http    string // the HTTP API's 127.0.0.1:port
	version string
	exited  chan struct{}
	out     syncBuffer
}

// startVictoria starts the VictoriaLogs binary bin and returns once its
// HTTP API answers.
func startVictoria(bin string) (*victoria, error) {
	dir, err := os.MkdirTemp("", "aiosyslogd-bench-victoria-")
	if err != nil {
		return nil, err
	}
	v := &victoria{dir: dir, exited: make(chan struct{}), version: victoriaVersion(bin)}
	port, err := freeUDPPort()
	if err != nil {
		return nil, err
	}
	v.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if v.http, err = freeTCPAddr(); err != nil {
		return nil, err
	}
	v.cmd = exec.Command(bin, "-storageDataPath="+filepath.Join(dir, "data"), "-httpListenAddr="+v.http,
		"-syslog.listenAddr.udp="+v.addr, "-loggerLevel=WARN")
	v.cmd.Dir, v.cmd.Stdout, v.cmd.Stderr = dir, &v.out, &v.out
	if err := v.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { v.cmd.Wait(); close(v.exited) }()
	return v, v.waitHealthy()
}

// victoriaVersion is the first line of `bin -version`, or "".
func victoriaVersion(bin string) string {
	out, err := exec.Command(bin, "-version").Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

// waitHealthy waits until /health answers 200, for at most 30 s.
func (v *victoria) waitHealthy() error {
	client := http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + v.http + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-v.exited:
			return fmt.Errorf("VictoriaLogs exited before answering:\n%s", v.out.String())
		default:
		}
		if time.Now().After(deadline) {
			v.cmd.Process.Kill()
			return fmt.Errorf("VictoriaLogs did not answer /health within 30s:\n%s", v.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rows counts what VictoriaLogs stored, through its LogsQL query API,
// after asking it to make what it holds in memory searchable.
func (v *victoria) rows() (int64, error) {
	client := http.Client{Timeout: time.Minute}
	if resp, err := client.Get("http://" + v.http + "/internal/force_flush"); err == nil {
		resp.Body.Close()
	}
	resp, err := client.PostForm("http://"+v.http+"/select/logsql/query", url.Values{"query": {"* | stats count() as rows"}})
	if err != nil {
		return 0, fmt.Errorf("VictoriaLogs count: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("VictoriaLogs count: %s", resp.Status)
	}
	return parseVictoriaCount(json.NewDecoder(resp.Body))
}

// parseVictoriaCount reads the one JSON line `* | stats count() as rows`
// answers: {"rows":"N"}. No line means no rows.
func parseVictoriaCount(dec *json.Decoder) (int64, error) {
	var line struct{ Rows string }
	if err := dec.Decode(&line); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil
		}
		return 0, fmt.Errorf("VictoriaLogs count: %w", err)
	}
	n, err := strconv.ParseInt(line.Rows, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("VictoriaLogs count %q: %w", line.Rows, err)
	}
	return n, nil
}

// stop sends SIGTERM and waits for VictoriaLogs to exit.
func (v *victoria) stop() error {
	if err := v.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-v.exited:
		return nil
	case <-time.After(2 * time.Minute):
		v.cmd.Process.Kill()
		return fmt.Errorf("VictoriaLogs did not exit within 2 minutes of SIGTERM")
	}
}

// runVictoria offers the loggen load of o to VictoriaLogs (binary bin)
// and reports as runPeer does.
func runVictoria(o options, bin string) (report, error) {
	v, err := startVictoria(bin)
	if err != nil {
		return report{}, err
	}
	defer func() {
		if !o.keep {
			os.RemoveAll(v.dir)
		}
	}()
	pid := v.cmd.Process.Pid
	before := procOf(pid)
	start := time.Now()
	sent, err := runLoggen(o, v.addr, o.rate, "--inet", "--dgram")
	sendTime := time.Since(start)
	if err != nil {
		v.stop()
		return report{}, err
	}
	stored := waitCount(v.rows, sent, 15*time.Second)
	name := "VictoriaLogs"
	if v.version != "" {
		name += " (" + v.version + ")"
	}
	r := report{name: name, index: "its own (bloom filters)", offered: o.rate, sent: sent, stored: stored,
		sendTime: sendTime, drainTime: time.Since(start)}
	after := procOf(pid)
	r.cpu, r.hwm = after.cpu-before.cpu, after.hwm
	return r, v.stop()
}
