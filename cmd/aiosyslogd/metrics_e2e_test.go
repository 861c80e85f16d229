//go:build e2e

package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// metricsConfig is testConfig with the metrics server on any free port.
func metricsConfig(dbPath, server, sqlite string) string {
	return testConfig(dbPath, server, sqlite) + "\n[metrics]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n"
}

// metricsURL is the address the daemon logged for its metrics server.
func (d *daemon) metricsURL() string {
	d.t.Helper()
	d.waitLog(`msg="serving metrics" addr=`, 30*time.Second)
	m := regexp.MustCompile(`msg="serving metrics" addr=(\S+)`).FindStringSubmatch(d.Stderr())
	return "http://" + m[1]
}

// get fetches url and returns its status code and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// scrape reads /metrics into a map from each sample's name and labels, as
// the text format writes them (`name{label="v"}`), to its value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: %d\n%s", code, body)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples
}

// waitMetric waits until the sample name's value satisfies ok.
func (d *daemon) waitMetric(base, name string, ok func(float64) bool, within time.Duration) map[string]float64 {
	d.t.Helper()
	var m map[string]float64
	eventually(d.t, within, func() error {
		m = scrape(d.t, base)
		if v, found := m[name]; found && ok(v) {
			return nil
		}
		return fmt.Errorf("%s = %v:\n%s", name, m[name], d.Stderr())
	})
	return m
}

func atLeast(n float64) func(float64) bool { return func(v float64) bool { return v >= n } }

// The metrics count what was sent (one datagram at a time): received,
// stored, malformed, the batch writes and the database; then, with the
// writer held behind another process's lock and a queue of 2, the
// datagrams that did not fit are counted as dropped, and received =
// stored + dropped = rows + dropped.
func TestMetricsCountWhatWasSent(t *testing.T) {
	t.Parallel()
	start := time.Now()
	// The memory queue alone: with the spool a held writer fills the spool,
	// not a queue of 2 (TestSpoolFullDropsUDPAndSlowsTCP).
	d := startDaemon(t, func(p string) string { return metricsConfig(p, "queue_size = 2", "batch_size = 1") + noSpool })
	base := d.metricsURL()
	// One at a time: a queue of 2 may hold no more while the writer is busy.
	var m map[string]float64
	for i, msg := range []string{"<13>1 - h app - - - one", "<13>1 - h app - - - two", "<13>Oct 11 22:14:15 h app: three", "<999>not syslog"} {
		d.send(msg)
		m = d.waitMetric(base, "aiosyslogd_messages_stored_total", atLeast(float64(i+1)), 30*time.Second)
	}
	want := map[string]float64{
		`aiosyslogd_messages_received_total{transport="udp"}`:  4,
		`aiosyslogd_messages_dropped_total{transport="udp"}`:   0,
		`aiosyslogd_messages_truncated_total{transport="udp"}`: 0,
		`aiosyslogd_messages_stored_total`:                     4,
		`aiosyslogd_messages_malformed_total`:                  1,
		`aiosyslogd_queue_capacity`:                            2,
		`aiosyslogd_store_errors_total`:                        0,
	}
	for name, v := range want {
		if got, ok := m[name]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, v)
		}
	}
	if n := m["aiosyslogd_batch_write_seconds_count"]; n < 1 || n > 4 {
		t.Errorf("batch_write_seconds_count = %v, want 1 to 4 batches for 4 messages", n)
	}
	if c := m["aiosyslogd_last_commit_timestamp_seconds"]; c < float64(start.Unix()) || c > float64(time.Now().Unix()+1) {
		t.Errorf("last_commit_timestamp_seconds = %v, want between the start and now", c)
	}
	if b, err := os.Stat(d.dbPath); err != nil || m["aiosyslogd_database_bytes"] < float64(b.Size()) {
		t.Errorf("database_bytes = %v, want at least the file's size (%v)", m["aiosyslogd_database_bytes"], err)
	}
	if m["go_goroutines"] == 0 || m["process_resident_memory_bytes"] == 0 {
		t.Errorf("no Go or process collector in the metrics")
	}

	release := holdWriteLock(t, d.dbPath)
	const burst = 50
	var msgs []string
	for i := range burst {
		msgs = append(msgs, fmt.Sprintf("<13>1 - h app - - - held %d", i))
	}
	d.send(msgs...)
	m = d.waitMetric(base, `aiosyslogd_messages_received_total{transport="udp"}`, atLeast(4+burst), 30*time.Second)
	dropped := m[`aiosyslogd_messages_dropped_total{transport="udp"}`]
	if dropped < burst-6 || m["aiosyslogd_queue_messages"] > 2 {
		t.Errorf("with the writer held and a queue of 2: dropped %v of %d, queue %v", dropped, burst, m["aiosyslogd_queue_messages"])
	}
	release()
	m = d.waitMetric(base, "aiosyslogd_messages_stored_total", atLeast(4+burst-dropped), 30*time.Second)
	d.Stop()
	if rows := float64(rowCount(t, d.dbPath)); rows != m["aiosyslogd_messages_stored_total"] || rows+dropped != 4+burst {
		t.Errorf("rows %v, stored %v, dropped %v: want rows = stored = %d - dropped", rows, m["aiosyslogd_messages_stored_total"], dropped, 4+burst)
	}
}

// /readyz says 503 with the store's error while the database cannot be
// written (another process holds its lock; the disk is full), and 200 again
// once it can; /healthz says 200 throughout.
func TestReadyzFollowsTheStore(t *testing.T) {
	tests := []struct {
		name   string
		dbPath func(t *testing.T, dir string) string
		fault  func(t *testing.T, d *daemon) (heal func())
		reason string
	}{
		{
			name:   "database locked",
			dbPath: func(_ *testing.T, dir string) string { return filepath.Join(dir, "syslog.db") },
			fault: func(t *testing.T, d *daemon) func() {
				release := holdWriteLock(t, d.dbPath)
				d.send("<13>1 - h app - - - behind the lock")
				return release
			},
			reason: "locked",
		},
		{
			name:   "disk full",
			dbPath: func(t *testing.T, _ string) string { return filepath.Join(tinyTmpfs(t), "full.db") },
			fault: func(t *testing.T, d *daemon) func() {
				pad := strings.Repeat("x", 900)
				for i := range 3000 {
					d.send(fmt.Sprintf("<13>1 - h app - - - disk full %d %s", i, pad))
					if i%200 == 0 {
						time.Sleep(10 * time.Millisecond) // keep within the socket buffer
					}
				}
				return func() { growTmpfs(t, filepath.Dir(d.dbPath)) }
			},
			reason: "full",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbPath := tt.dbPath(t, t.TempDir())
			d := startDaemon(t, func(string) string { return metricsConfig(dbPath, "", "batch_size = 100") })
			d.dbPath = dbPath
			base := d.metricsURL()
			d.send("<13>1 - h app - - - before")
			d.waitRows(1, 30*time.Second)
			if code, body := get(t, base+"/readyz"); code != 200 || body != "ok\n" {
				t.Fatalf("/readyz before the fault: %d %q", code, body)
			}
			heal := tt.fault(t, d)
			body := d.waitReadyz(base, 503, 60*time.Second)
			if !strings.HasPrefix(body, "store failing since ") || !strings.Contains(body, tt.reason) || strings.Count(body, "\n") != 1 {
				t.Errorf("/readyz during the fault: %q, want one line with the store's error (%s)", body, tt.reason)
			}
			if code, _ := get(t, base+"/healthz"); code != 200 {
				t.Errorf("/healthz during the fault: %d, want 200", code)
			}
			if m := scrape(t, base); m["aiosyslogd_store_errors_total"] < 1 {
				t.Errorf("store_errors_total = %v during the fault", m["aiosyslogd_store_errors_total"])
			}
			heal()
			d.waitReadyz(base, 200, 60*time.Second)
			d.Stop()
		})
	}
}

// waitReadyz waits until /readyz answers code, and returns its body.
func (d *daemon) waitReadyz(base string, code int, within time.Duration) string {
	d.t.Helper()
	var body string
	eventually(d.t, within, func() error {
		var got int
		if got, body = get(d.t, base+"/readyz"); got != code {
			return fmt.Errorf("/readyz still %d %q, want %d:\n%s", got, body, code, d.Stderr())
		}
		return nil
	})
	return body
}

// tinyTmpfs mounts a 1 MiB tmpfs (the test needs root) for the test.
func tinyTmpfs(t *testing.T) string {
	t.Helper()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Fatalf("mount a 1 MiB tmpfs (the test needs root): %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	return mnt
}

// growTmpfs gives the tmpfs at mnt room again.
func growTmpfs(t *testing.T, mnt string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,size=256m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v\n%s", err, out)
	}
}
