//go:build e2e

package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// noSpool is the table that keeps messages in memory until stored, as
// before the spool: for the tests of the memory queue's own limits.
const noSpool = "\n[spool]\nenabled = false\n"

// spoolConfig is metricsConfig with a [spool] table of extra keys.
func spoolConfig(dbPath, server, sqlite, spool string) string {
	return metricsConfig(dbPath, server, sqlite) + "\n[spool]\nenabled = true\n" + spool + "\n"
}

// recoveredCount is the messages= of the restart's "storing what the
// previous run left" line.
func (d *daemon) recoveredCount() int64 {
	d.t.Helper()
	d.waitLog(`msg="spool: storing what the previous run left before new messages" messages=\d+`, 30*time.Second)
	m := regexp.MustCompile(`previous run left before new messages" messages=(\d+)`).FindStringSubmatch(d.Stderr())
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// segmentsOf lists the spool's segment files, in order.
func segmentsOf(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		t.Fatal(err)
	}
	return segs
}

// kill -9 of serve under a UDP load of about 50,000 datagrams a second,
// the writer held back by another process's lock after some batches were
// committed: the next start stores every message that reached the spool,
// before new ones, each exactly once, and the database passes its
// integrity checks.
func TestSpoolKill9UnderLoadStoresEverySpooledMessageOnce(t *testing.T) {
	d := startDaemon(t, func(p string) string { return spoolConfig(p, "", "batch_size = 500", "") })
	base := d.metricsURL()
	// Some batches are committed first; then another process takes the
	// write lock (between two of the daemon's writes) and the load begins.
	_, stopFirst := d.flood("spool stored", 2000, 0)
	defer stopFirst()
	d.waitRows(2000, 60*time.Second)
	release := holdWriteLock(t, d.dbPath)
	_, stop := d.flood("spool kill", 2_000_000, 50) // about 50 a millisecond
	defer stop()
	var spooled float64
	eventually(t, 60*time.Second, func() error {
		spooled = scrape(t, base)["aiosyslogd_spool_messages"]
		if spooled < 50_000 {
			return fmt.Errorf("%v messages in the spool", spooled)
		}
		return nil
	})
	d.cmd.Process.Kill()
	stop()
	<-d.done
	release()
	before := rowCount(t, d.dbPath)
	if n := len(segmentsOf(t, d.dbPath+".spool")); n == 0 {
		t.Fatal("kill -9 left no spool segment")
	}

	d2 := startDaemonWithConfigFile(t, filepath.Join(d.dir, "test.toml"))
	left := d2.recoveredCount()
	if float64(left) < spooled {
		t.Errorf("the restart found %d messages in the spool; %v were there before kill -9", left, spooled)
	}
	d2.send("<13>1 - h app - - - after the restart")
	d2.waitRowsIn(d.dbPath, before+left+1, 120*time.Second)
	d2.Stop()
	counts := seqCounts(t, d.dbPath, "spool kill")
	var rows, dups int
	for _, c := range counts {
		rows += c
		dups += c - 1
	}
	checkAllOnce(t, seqCounts(t, d.dbPath, "spool stored"), 0, 2000)
	t.Logf("%d rows before kill -9, %d left in the spool, %d rows of the load after, %d duplicates", before, left, rows, dups)
	if int64(rows) != before+left-2000 || dups != 0 {
		t.Errorf("%d rows of the load (%d duplicates) after the restart, want the %d spooled, each once", rows, dups, left)
	}
	// Sequence numbers are stored from 0 on without a gap up to where
	// the spool ends: what is missing is the last moments before the kill.
	for i := 0; i < rows; i++ {
		if counts[i] != 1 {
			t.Fatalf("seq %d stored %d times, yet %d of the load are stored", i, counts[i], rows)
		}
	}
	if !strings.Contains(d2.Stderr(), "spool: every spooled message is stored") {
		t.Errorf("the stop did not say the spool is empty:\n%s", d2.Stderr())
	}
	checkIntegrity(t, d.dbPath)
}

// A restart with a corrupt segment and a torn record at the spool's end
// sets the segment aside, cuts the torn record, says so, and stores the
// rest; the next start finds nothing wrong.
func TestSpoolCorruptSegmentAndTornRecordOnRestart(t *testing.T) {
	d := startDaemon(t, func(p string) string { return spoolConfig(p, "", "batch_size = 100", "max_size_mb = 1") })
	base := d.metricsURL()
	release := holdWriteLock(t, d.dbPath)
	const total = 3000
	tag := "spool corrupt " + strings.Repeat("p", 60)
	for i := range total {
		d.send(fmt.Sprintf("<13>1 - h app - - - %s %d", tag, i))
		if i%200 == 0 {
			d.waitMetric(base, "aiosyslogd_spool_messages", atLeast(float64(i+1)), 30*time.Second)
		}
	}
	d.waitMetric(base, "aiosyslogd_spool_messages", atLeast(total), 30*time.Second)
	d.cmd.Process.Kill()
	<-d.done
	release()
	dir := d.dbPath + ".spool"
	segs := segmentsOf(t, dir)
	if len(segs) < 3 {
		t.Fatalf("%d segments of 64 KiB for %d messages, want at least 3", len(segs), total)
	}
	// A flipped byte in the first segment, and half a record at the end of the last.
	flipByte(t, segs[0], 100)
	appendBytes(t, segs[len(segs)-1], []byte{200, 0, 0, 0, 1, 2, 3})

	d2 := startDaemonWithConfigFile(t, filepath.Join(d.dir, "test.toml"))
	left := d2.recoveredCount()
	d2.waitLog(`corrupt segment set aside`, 10*time.Second)
	d2.waitLog(`torn=1 corrupt_segments=1`, 10*time.Second)
	if _, err := os.Stat(segs[0] + ".corrupt"); err != nil {
		t.Errorf("the corrupt segment was not set aside: %v", err)
	}
	if left <= 0 || left >= total {
		t.Errorf("%d messages left after setting one segment of several aside, want some of %d", left, total)
	}
	d2.waitRowsIn(d.dbPath, left, 60*time.Second)
	m := scrape(t, d2.metricsURL())
	if m["aiosyslogd_spool_corrupt_segments_total"] != 1 {
		t.Errorf("aiosyslogd_spool_corrupt_segments_total = %v, want 1", m["aiosyslogd_spool_corrupt_segments_total"])
	}
	d2.Stop()
	counts := seqCounts(t, d.dbPath, tag)
	// What was stored is the end of the sequence, in one piece, once.
	if int64(len(counts)) != left {
		t.Errorf("%d sequence numbers stored, want %d", len(counts), left)
	}
	for i := total - int(left); i < total; i++ {
		if counts[i] != 1 {
			t.Fatalf("seq %d stored %d times, want once (the segments after the corrupt one)", i, counts[i])
		}
	}
	d3 := startDaemonWithConfigFile(t, filepath.Join(d.dir, "test.toml"))
	d3.Stop()
	if strings.Contains(d3.Stderr(), "corrupt") || strings.Contains(d3.Stderr(), "torn") {
		t.Errorf("the start after found damage again:\n%s", d3.Stderr())
	}
}

func flipByte(t *testing.T, path string, at int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, at); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x55
	if _, err := f.WriteAt(b, at); err != nil {
		t.Fatal(err)
	}
}

func appendBytes(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

// A full spool (max_size_mb = 1, the writer held back) fills the queue:
// UDP datagrams are counted as dropped, a TCP sender is slowed down, and
// /readyz says the spool is over 90% full. Once the writer is let go,
// both recover by themselves: every TCP message is stored, and received =
// stored + dropped.
func TestSpoolFullDropsUDPAndSlowsTCP(t *testing.T) {
	d := startDaemon(t, func(p string) string {
		return spoolConfig(p, "queue_max_mb = 1", "batch_size = 500", "max_size_mb = 1")
	})
	base := d.metricsURL()
	release := holdWriteLock(t, d.dbPath)
	pad := strings.Repeat("u", 200)
	_, stopUDP := d.flood("spool full udp "+pad, 200_000, 20)
	defer stopUDP()
	d.waitMetric(base, `aiosyslogd_messages_dropped_total{transport="udp"}`, atLeast(1000), 60*time.Second)
	stopUDP()
	if body := d.waitReadyz(base, 503, 10*time.Second); !strings.Contains(body, "spool over 90% full") {
		t.Errorf("/readyz says %q", body)
	}

	conn, err := net.Dial("tcp", d.addrOf("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tcpTag := "spool full tcp " + strings.Repeat("t", 500)
	var tcpSent atomic.Int64
	blocked := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 50_000; i++ {
			msg := []byte(fmt.Sprintf("<13>1 - h app - - - %s %d\n", tcpTag, i))
			conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
			n, err := conn.Write(msg)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				select {
				case <-blocked:
				default:
					close(blocked)
				}
				// Slowed down: the rest of the message goes once room returns.
				conn.SetWriteDeadline(time.Time{})
				_, err = conn.Write(msg[n:])
			}
			if err != nil {
				done <- err
				return
			}
			tcpSent.Add(1)
		}
		done <- nil
	}()
	select {
	case <-blocked:
	case err := <-done:
		t.Fatalf("the TCP sender sent %d messages of 500 bytes into a full spool without waiting (%v)", tcpSent.Load(), err)
	case <-time.After(60 * time.Second):
		t.Fatal("the TCP sender was neither slowed nor done within 60s")
	}
	release()
	d.waitLog(`spool: appending again`, 60*time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(120 * time.Second):
		t.Fatalf("the TCP sender did not finish once the spool had room: %d sent", tcpSent.Load())
	}
	checkAllOnce(t, waitSeqs(t, d.dbPath, tcpTag, 0, 50_000, 120*time.Second), 0, 50_000)
	conn.Close()
	d.waitReadyz(base, 200, 60*time.Second)
	d.Stop()
	received, stored, dropped := d.stoppedCount("received"), d.stoppedCount("stored"), d.stoppedCount("dropped")
	if received != stored+dropped || dropped == 0 {
		t.Errorf("received %d, stored %d, dropped %d: want received = stored + dropped, some dropped", received, stored, dropped)
	}
	if n := rowCount(t, d.dbPath); n != stored {
		t.Errorf("%d rows, %d counted stored", n, stored)
	}
}

// SIGTERM while the writer is held back: the stop leaves what it could not
// store in the spool and says how many in one line; the next start stores
// them first, each once.
func TestSpoolSIGTERMLeavesTheRestForTheNextStart(t *testing.T) {
	d := startDaemon(t, func(p string) string { return spoolConfig(p, "", "batch_size = 100", "") })
	base := d.metricsURL()
	release := holdWriteLock(t, d.dbPath)
	const total = 2000
	for i := range total {
		d.send(fmt.Sprintf("<13>1 - h app - - - spool stop %d", i))
		if i%200 == 0 {
			d.waitMetric(base, "aiosyslogd_spool_messages", atLeast(float64(i+1)), 30*time.Second)
		}
	}
	d.waitMetric(base, "aiosyslogd_spool_messages", atLeast(total), 30*time.Second)
	d.Stop() // the writer gives up after its shutdown retry; nothing is lost
	release()
	m := regexp.MustCompile(`msg="spool: messages left in the spool for the next start" messages=(\d+)`).FindStringSubmatch(d.Stderr())
	if m == nil || m[1] != strconv.Itoa(total) {
		t.Fatalf("the stop did not say it left %d messages in the spool:\n%s", total, d.Stderr())
	}
	if n := rowCount(t, d.dbPath); n != 0 {
		t.Fatalf("%d rows stored past another process's write lock", n)
	}
	d2 := startDaemonWithConfigFile(t, filepath.Join(d.dir, "test.toml"))
	if left := d2.recoveredCount(); left != total {
		t.Errorf("the next start found %d messages, want %d", left, total)
	}
	d2.waitRowsIn(d.dbPath, total, 60*time.Second)
	d2.Stop()
	checkAllOnce(t, seqCounts(t, d.dbPath, "spool stop"), 0, total)
	if n := rowCount(t, d.dbPath); n != total {
		t.Errorf("%d rows, want %d, each once", n, total)
	}
}

// A spool directory on a full disk (a 1 MiB tmpfs, ENOSPC before
// max_size_mb): UDP datagrams are counted as dropped once the queue
// fills, one line says why, and when the disk has room again the spool
// appends again by itself; received = stored + dropped.
func TestSpoolFullDiskRecovers(t *testing.T) {
	mnt := tinyTmpfs(t)
	d := startDaemon(t, func(p string) string {
		return spoolConfig(p, "queue_max_mb = 1", "batch_size = 500", fmt.Sprintf("dir = %q", filepath.Join(mnt, "spool")))
	})
	base := d.metricsURL()
	release := holdWriteLock(t, d.dbPath) // nothing leaves the spool meanwhile
	_, stop := d.flood("spool enospc "+strings.Repeat("e", 200), 200_000, 20)
	defer stop()
	d.waitLog(`spool: cannot append.*no space left on device`, 60*time.Second)
	d.waitMetric(base, `aiosyslogd_messages_dropped_total{transport="udp"}`, atLeast(100), 60*time.Second)
	stop()
	growTmpfs(t, mnt)
	d.waitLog(`spool: appending again`, 60*time.Second)
	release()
	d.send("<13>1 - h app - - - after the disk had room")
	eventually(t, 120*time.Second, func() error {
		m := scrape(t, base)
		if r, s, dr := m[`aiosyslogd_messages_received_total{transport="udp"}`], m["aiosyslogd_messages_stored_total"],
			m[`aiosyslogd_messages_dropped_total{transport="udp"}`]; r != s+dr {
			return fmt.Errorf("received %v, stored %v, dropped %v", r, s, dr)
		}
		return nil
	})
	d.Stop()
	if n := strings.Count(d.Stderr(), "spool: cannot append"); n != 1 {
		t.Errorf("%d 'cannot append' lines, want one for the whole outage", n)
	}
	if rows, stored := rowCount(t, d.dbPath), d.stoppedCount("stored"); rows != stored {
		t.Errorf("%d rows, %d counted stored", rows, stored)
	}
}

// The spool's `committed` file one run behind the database, as a kill -9
// between a batch's COMMIT and the file's write leaves it: the database
// keeps the spool's position in each batch's transaction, so the next
// start reads on from there, says so, and stores nothing twice.
func TestSpoolFileBehindTheDatabaseStoresNothingTwice(t *testing.T) {
	d := startDaemon(t, func(p string) string { return spoolConfig(p, "", "batch_size = 100", "") })
	cfg, spoolDir := filepath.Join(d.dir, "test.toml"), d.dbPath+".spool"
	_, stop := d.flood("spool behind a", 1000, 0)
	d.waitRows(1000, 60*time.Second)
	stop()
	d.Stop()
	ackFile := filepath.Join(spoolDir, "committed")
	older, err := os.ReadFile(ackFile)
	if err != nil {
		t.Fatal(err)
	}

	d2 := startDaemonWithConfigFile(t, cfg)
	_, stop = d2.flood("spool behind b", 1000, 0)
	d2.waitRowsIn(d.dbPath, 2000, 60*time.Second)
	stop()
	d2.Stop()
	if err := os.WriteFile(ackFile, older, 0o600); err != nil {
		t.Fatal(err)
	}

	d3 := startDaemonWithConfigFile(t, cfg)
	d3.waitLog(`spool: the store had stored past the acknowledgement file`, 30*time.Second)
	d3.send("<13>1 - h app - - - after the restart")
	d3.waitRowsIn(d.dbPath, 2001, 60*time.Second)
	d3.Stop()
	if strings.Contains(d3.Stderr(), "storing what the previous run left") {
		t.Errorf("the restart found messages to store again:\n%s", d3.Stderr())
	}
	for _, tag := range []string{"spool behind a", "spool behind b"} {
		counts := seqCounts(t, d.dbPath, tag)
		checkAllOnce(t, counts, 0, 1000)
		if _, dups := missingAndDuplicates(counts, 0, 1000); dups != 0 {
			t.Errorf("%s: %d messages stored twice", tag, dups)
		}
	}
	if n := rowCount(t, d.dbPath); n != 2001 {
		t.Errorf("%d rows, want 2001", n)
	}
}
