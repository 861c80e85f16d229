package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/postgres"
)

// postmasterPID returns the pid of the PostgreSQL server pgDSN reaches,
// from its data directory's postmaster.pid: the server must run on this
// machine and the DSN's user be allowed to read data_directory.
func postmasterPID() (int, error) {
	r, err := postgres.OpenReader(bgctx, postgres.Options{DSN: pgDSN})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	dir, err := r.DataDirectory(bgctx)
	if err != nil {
		return 0, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("the server's pid: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0, fmt.Errorf("the server's pid in %s: %q", dir, first)
	}
	return pid, nil
}

// clusterCPU is the CPU the PostgreSQL server of postmaster pid has used:
// the postmaster's own, that of its children that ended (cutime, cstime:
// the connections closed), and that of those still running.
func clusterCPU(pid int) (time.Duration, error) {
	own, _, err := statCPU(pid, true)
	if err != nil {
		return 0, err
	}
	total := own
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cpu, parent, err := statCPU(child, false)
		if err == nil && parent == pid {
			total += cpu
		}
	}
	return total, nil
}

// statCPU reads /proc/pid/stat: the process's user and system CPU (with
// its ended children's when children is set) and its parent's pid.
func statCPU(pid int, children bool) (time.Duration, int, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	return parseStatCPU(string(stat), children)
}

// parseStatCPU reads the fields of a /proc/pid/stat line that statCPU
// returns.
func parseStatCPU(stat string, children bool) (time.Duration, int, error) {
	// Fields after the command name (which may hold spaces) in parentheses.
	i := strings.LastIndexByte(stat, ')')
	if i < 0 || i+2 > len(stat) {
		return 0, 0, fmt.Errorf("/proc stat %q: no command name", stat)
	}
	f := strings.Fields(stat[i+2:])
	if len(f) < 15 {
		return 0, 0, fmt.Errorf("/proc stat %q: %d fields", stat, len(f))
	}
	ppid, _ := strconv.Atoi(f[1])
	n := 2 // utime, stime
	if children {
		n = 4 // and cutime, cstime
	}
	var ticks int64
	for _, s := range f[11 : 11+n] {
		t, _ := strconv.ParseInt(s, 10, 64)
		ticks += t
	}
	return time.Duration(ticks) * time.Second / 100, ppid, nil // USER_HZ is 100 on Linux
}
