package main

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/postgres"
)

// collectorsReport is what the collectors scenario measured: several
// daemons writing one PostgreSQL database.
type collectorsReport struct {
	report
	cpus     []time.Duration // each collector's CPU, user + system
	hwms     []int64         // each collector's peak RSS
	storedBy []int64         // what each collector says it stored (its stopped line)
	bytes    int64           // what the month partitions grew by on disk
	pgCPU    time.Duration   // the PostgreSQL server's CPU, all its processes
	pgErr    error           // why pgCPU could not be read
}

// runCollectors starts o.collectors daemons storing in the PostgreSQL
// database -postgresql names, splits the Go load (UDP) between them, and
// reports the stored rate of all of them together, each one's CPU per
// message it stored, and the bytes per row the partitions grew by. Rows
// already in the database are counted before and left out.
func runCollectors(o options) (collectorsReport, error) {
	if pgDSN == "" {
		return collectorsReport{}, fmt.Errorf("-scenario collectors stores in PostgreSQL: give -postgresql DSN")
	}
	n := max(o.collectors, 1)
	o.senders = max(o.senders, n)
	rows0, bytes0, err := pgRowsBytes()
	if err != nil {
		return collectorsReport{}, err
	}
	var ds []*daemon
	defer func() {
		for _, d := range ds {
			d.cleanup(o.keep)
		}
	}()
	for range n {
		d, err := startDaemon(o)
		if err != nil {
			stopAll(ds)
			return collectorsReport{}, err
		}
		ds = append(ds, d)
	}
	pgPID, pgErr := postmasterPID()
	var pgBefore time.Duration
	if pgErr == nil {
		pgBefore, pgErr = clusterCPU(pgPID)
	}
	befores := make([]procStats, n)
	addrs := make([]string, n)
	for i, d := range ds {
		befores[i], addrs[i] = d.proc(), d.addr
	}
	start := time.Now()
	sent, err := sendSplit(o, addrs)
	sendTime := time.Since(start)
	if err != nil {
		stopAll(ds)
		return collectorsReport{}, err
	}
	stored := waitCount(func() (int64, error) {
		rows, _, err := pgCounts("")
		return rows - rows0, err
	}, sent, 15*time.Second)
	r := collectorsReport{report: report{name: "collectors", offered: o.rate, sent: sent, stored: stored,
		sendTime: sendTime, drainTime: time.Since(start)}}
	for i, d := range ds {
		after := d.proc()
		r.cpus = append(r.cpus, after.cpu-befores[i].cpu)
		r.hwms = append(r.hwms, after.hwm)
		r.cpu += after.cpu - befores[i].cpu
	}
	r.pgErr = pgErr
	if pgErr == nil {
		pgAfter, err := clusterCPU(pgPID)
		r.pgCPU, r.pgErr = pgAfter-pgBefore, err
	}
	if err := stopAll(ds); err != nil {
		return r, err
	}
	for _, d := range ds {
		got, _ := strconv.ParseInt(stopFields(d.lastStop)["stored"], 10, 64)
		r.storedBy = append(r.storedBy, got)
	}
	rows1, bytes1, err := pgRowsBytes()
	if err != nil {
		return r, err
	}
	r.stored, r.bytes = rows1-rows0, bytes1-bytes0
	return r, nil
}

// stopAll stops every daemon and returns the first error.
func stopAll(ds []*daemon) error {
	var first error
	for _, d := range ds {
		if err := d.stop(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// pgRowsBytes returns the rows in the PostgreSQL database and the bytes
// its month partitions take; 0 and 0 before serve made the schema.
func pgRowsBytes() (rows, bytes int64, err error) {
	r, err := postgres.OpenReader(bgctx, postgres.Options{DSN: pgDSN})
	if errors.Is(err, postgres.ErrNoSchema) {
		return 0, 0, nil // serve has not made the schema yet: nothing stored
	}
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	if rows, _, err = pgCounts(""); err != nil {
		return 0, 0, err
	}
	bytes, err = r.StoredBytes(bgctx)
	return rows, bytes, err
}

// sendSplit is goSender over several daemons: sender s sends to
// addrs[s % len(addrs)], each at its share of o.rate.
func sendSplit(o options, addrs []string) (int64, error) {
	var sent atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, o.senders)
	for s := range o.senders {
		count := o.count / o.senders
		if s == 0 {
			count += o.count % o.senders
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := sendPaced(o, addrs[s%len(addrs)], s, count, &sent); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return sent.Load(), <-errs
}

func (r collectorsReport) print(o options) {
	fmt.Printf("== collectors: %d aiosyslogd writing one PostgreSQL, %d messages of %d bytes over UDP, %d senders split between them\n",
		len(r.cpus), o.count, o.size, o.senders)
	fmt.Printf("offered rate  %d msgs/s (achieved %.0f msgs/s over %.1f s)\n", r.offered, float64(r.sent)/r.sendTime.Seconds(), r.sendTime.Seconds())
	fmt.Printf("sent          %d\n", r.sent)
	fmt.Printf("stored        %d\n", r.stored)
	fmt.Printf("lost          %d (%.3f%%)\n", r.sent-r.stored, 100*float64(r.sent-r.stored)/float64(max(r.sent, 1)))
	fmt.Printf("stored rate   %.0f msgs/s, all collectors (first send to last row stored: %.1f s)\n", float64(r.stored)/r.drainTime.Seconds(), r.drainTime.Seconds())
	for i := range r.cpus {
		fmt.Printf("collector %d   stored %d, cpu %.1f s, %.1f µs per message it stored, peak rss %.1f MiB\n",
			i+1, r.storedBy[i], r.cpus[i].Seconds(), perMessage(r.cpus[i], r.storedBy[i]), mib(r.hwms[i]))
	}
	fmt.Printf("cpu           %.1f s in all, %.1f µs per stored message\n", r.cpu.Seconds(), perMessage(r.cpu, r.stored))
	if r.pgErr != nil {
		fmt.Printf("postgresql    cpu not counted: %v\n", r.pgErr)
	} else {
		fmt.Printf("postgresql    cpu %.1f s (the server, all its processes), %.1f µs per stored message; with the collectors %.1f µs\n",
			r.pgCPU.Seconds(), perMessage(r.pgCPU, r.stored), perMessage(r.cpu+r.pgCPU, r.stored))
	}
	fmt.Printf("disk          the month partitions grew by %.1f MB: %d bytes per row, indexes included\n\n", float64(r.bytes)/1e6, r.bytes/max(r.stored, 1))
}
