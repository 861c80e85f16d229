//go:build e2e

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/internal/testpg"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

// pgSeqCounts is how many times each seq number of tag's messages ("relp
// 17") is stored in PostgreSQL.
func pgSeqCounts(t *testing.T, ctx context.Context, conn *pgx.Conn, tag string) map[int]int {
	t.Helper()
	rows, err := conn.Query(ctx, "SELECT Message FROM SystemEvents WHERE Message LIKE $1", tag+" %")
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int]int{}
	for _, m := range msgs {
		n, err := strconv.Atoi(strings.TrimPrefix(m, tag+" "))
		if err != nil {
			t.Fatalf("stored %q", m)
		}
		counts[n]++
	}
	return counts
}

// TestPostgresKill9DuringCommit: rsyslog's omrelp sends 6,000 messages
// to serve storing in PostgreSQL, through a tap that reads the frames.
// After a third is stored, the cluster is made to hold every COMMIT
// (synchronous_standby_names names a standby that never comes: the
// commit is written and waits to be confirmed), and serve is killed with
// kill -9 while its batch waits in that COMMIT. The cluster is released
// (the held transaction then commits: its answer never reached serve)
// and serve started again. Every message serve acknowledged is stored,
// every message is stored in the end, and the only messages stored
// twice are those of the batch whose COMMIT was cut: they were not
// acknowledged, so rsyslog sent them again; the batch key cannot know
// them, since it lived in the killed process.
func TestPostgresKill9DuringCommit(t *testing.T) {
	const total, batch = 6000, 500
	c, err := testpg.Start() // its own cluster: the held COMMITs must not touch other tests'
	if err != nil {
		testpg.Shared(t)
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	dsn := c.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	relpPort, tapPort := freePort(t), freePort(t)
	config := func(string) string {
		return strings.Replace(postgresConfig(dsn), "batch_timeout = 0.2\n", fmt.Sprintf("batch_timeout = 0.2\nbatch_size = %d\n", batch), 1) +
			fmt.Sprintf("[relp]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = %d\n", relpPort)
	}
	d1 := startDaemon(t, config)
	tap := startRELPTap(t, tapPort, fmt.Sprintf("127.0.0.1:%d", relpPort))
	rs := startRsyslog(t, `module(load="omrelp")`, fmt.Sprintf(`action(type="omrelp" target="127.0.0.1" port="%d"
       template="RSYSLOG_SyslogProtocol23Format"
       queue.type="LinkedList" queue.filename="aiosyslogd_pgrelp" queue.saveOnShutdown="on"
       action.resumeRetryCount="-1" action.resumeInterval="1")`, tapPort))
	fed := make(chan struct{})
	go func() { defer close(fed); rs.feed("relp", 0, total) }()
	testwait.Eventually(t, 2*time.Minute, func() error {
		if n := len(pgSeqCounts(t, ctx, admin, "relp")); n < total/3 {
			return fmt.Errorf("%d stored, waiting for %d", n, total/3)
		}
		return nil
	})
	setSyncStandby := func(names string) {
		t.Helper()
		if _, err := admin.Exec(ctx, fmt.Sprintf("ALTER SYSTEM SET synchronous_standby_names = '%s'", names)); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, "SELECT pg_reload_conf()"); err != nil {
			t.Fatal(err)
		}
	}
	setSyncStandby("nobody")
	var held int
	testwait.Eventually(t, time.Minute, func() error {
		err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND application_name = 'aiosyslogd'").Scan(&held)
		if err == nil && held == 0 {
			err = fmt.Errorf("no COMMIT of serve waits yet")
		}
		return err
	})
	d1.cmd.Process.Kill() // kill -9, its batch inside COMMIT
	<-d1.done
	ackedBefore := tap.ackedNow()
	before := pgSeqCounts(t, ctx, admin, "relp") // the held commit is not visible yet
	setSyncStandby("")
	if len(before) >= total {
		t.Fatalf("all %d stored before the kill: it was not in the middle", len(before))
	}
	tap.setPhase(2)
	d2 := startDaemonWithConfigFile(t, filepath.Join(d1.dir, "test.toml"))
	<-fed
	var counts map[int]int
	testwait.Eventually(t, 2*time.Minute, func() error {
		counts = pgSeqCounts(t, ctx, admin, "relp")
		if missing, _ := missingAndDuplicates(counts, 0, total); len(missing) > 0 {
			return fmt.Errorf("%d of %d missing, first %d", len(missing), total, missing[0])
		}
		return nil
	})
	d2.Stop()
	clientLost := tap.check(counts, 2, total) // fails the test for each acknowledged message not stored
	missing, dups := missingAndDuplicates(counts, 0, total)
	sent, acked := tap.count()
	t.Logf("%d of %d stored, %d stored twice; %d before the kill, %d COMMIT(s) held at the kill; %d sent through the tap, %d acknowledged",
		total-len(missing), total, dups, len(before), held, sent, acked)
	if len(clientLost) > 0 {
		t.Errorf("lost by rsyslog, never acknowledged and never sent to the restarted daemon: %d, %v", len(clientLost), clientLost[:min(len(clientLost), 20)])
	}
	// Stored twice: only messages never acknowledged, at most the batches
	// whose COMMITs were held.
	for seq, n := range counts {
		if n > 1 && ackedBefore[seq] {
			t.Errorf("seq %d was acknowledged before the kill and stored %d times", seq, n)
		}
	}
	if dups > held*batch {
		t.Errorf("%d stored twice: more than the %d held batch(es) of %d", dups, held, batch)
	}
}
