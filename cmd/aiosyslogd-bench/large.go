package main

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// defaultQueueMaxMB is serve's server.queue_max_mb when the configuration
// leaves it out.
const defaultQueueMaxMB = 256

// rssHeadroom is what the daemon may hold beyond queue_max_mb (issue 21's
// bound: the byte limit plus 64 MiB).
const rssHeadroom = 64 << 20

// largeSize is the message size of the large-tcp scenario when -size is not
// given: 64 KB, as the adversarial run of issue 21.
const largeSize = 64000

// largeReport is what the large-tcp scenario measured.
type largeReport struct {
	report
	conns      int
	offered    float64       // msgs/s asked of all connections together; 0: as fast as accepted
	blocked    time.Duration // time the connections spent inside Write, summed
	rssBefore  int64         // the daemon's RSS before the load
	queueMaxMB int
}

// limit is the bound the daemon's peak RSS is held to: queue_max_mb plus
// 64 MiB.
func (r largeReport) limit() int64 { return int64(r.queueMaxMB)<<20 + rssHeadroom }

// largeDefaults are the large-tcp scenario's options where the command
// line left them out: 64 KB messages, four connections, the spool on, and
// a count bounded by the duration, not by rate × duration.
func largeDefaults(o options) options {
	if !o.set["size"] {
		o.size = largeSize
	}
	if !o.set["senders"] {
		o.senders = 4
	}
	if !o.set["spool"] {
		o.spool = "on"
	}
	return o
}

// runLarge starts a daemon and sends o.size-byte messages over o.senders
// TCP connections for o.duration, each connection paced at its share of
// o.rate (0: as fast as the daemon reads), then waits until every sent
// message is stored or the count stops moving.
func runLarge(o options) (largeReport, error) {
	d, err := startDaemon(o)
	if err != nil {
		return largeReport{}, err
	}
	defer d.cleanup(o.keep)
	before := d.proc()
	start := time.Now()
	load, err := sendLargeTCP(o, d.tcpAddr)
	sendTime := time.Since(start)
	if err != nil {
		d.stop()
		return largeReport{}, err
	}
	stored := waitStored(d.dbPath, load.sent, 30*time.Second)
	drainTime := time.Since(start)
	after := d.proc()
	if err := d.stop(); err != nil {
		return largeReport{}, err
	}
	rows, matches, err := counts(d.dbPath, "seq")
	if err != nil {
		return largeReport{}, fmt.Errorf("read the database: %w", err)
	}
	queueMax := o.queueMaxMB
	if queueMax == 0 {
		queueMax = defaultQueueMaxMB
	}
	return largeReport{
		report: report{
			name: "large-tcp", offered: o.rate, sent: load.sent, stored: max(rows, stored), matches: matches,
			sendTime: sendTime, drainTime: drainTime, cpu: after.cpu - before.cpu, hwm: after.hwm,
			stopLine: d.lastStop,
		},
		conns: o.senders, offered: float64(o.rate), blocked: load.blocked,
		rssBefore: before.rss, queueMaxMB: queueMax,
	}, nil
}

// largeLoad is what sendLargeTCP's connections did.
type largeLoad struct {
	sent    int64
	blocked time.Duration
}

// sendLargeTCP opens o.senders connections to addr and writes LF-framed
// messages of o.size bytes on each for o.duration, paced at o.rate shared
// by the connections (0: unpaced). It returns the messages written and the
// time spent inside Write, where a daemon that stops reading slows the
// sender down.
func sendLargeTCP(o options, addr string) (largeLoad, error) {
	conns := max(o.senders, 1)
	var sent, blocked atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for id := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return largeLoad{}, fmt.Errorf("connect %s: %w", addr, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			if err := writeLarge(o, c, id, conns, &sent, &blocked); err != nil {
				errs <- fmt.Errorf("connection %d: %w", id, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return largeLoad{sent: sent.Load(), blocked: time.Duration(blocked.Load())}, <-errs
}

// writeLarge is one connection of sendLargeTCP: it writes until o.duration
// has passed, at most its share of o.rate per second.
func writeLarge(o options, c net.Conn, id, conns int, sent, blocked *atomic.Int64) error {
	gen := newGenerator(o, id)
	rate := float64(o.rate) / float64(conns)
	start := time.Now()
	var line []byte
	for n := 0; ; {
		elapsed := time.Since(start)
		if elapsed >= o.duration {
			return nil
		}
		if rate > 0 {
			if due := time.Duration(float64(n) / rate * float64(time.Second)); due > elapsed {
				time.Sleep(min(due-elapsed, o.duration-elapsed))
				continue
			}
		}
		line = append(append(line[:0], gen.next()...), '\n')
		// A daemon that reads nothing for a minute is stuck, not slow.
		c.SetWriteDeadline(time.Now().Add(time.Minute))
		t := time.Now()
		if _, err := c.Write(line); err != nil {
			return fmt.Errorf("message %d: %w", n, err)
		}
		blocked.Add(int64(time.Since(t)))
		sent.Add(1)
		n++
	}
}

// slowed says whether the senders got less than they offered: under 95% of
// the offered rate. Unpaced senders (offered 0) are slowed by definition;
// the time they spent blocked in Write says how much.
func (r largeReport) slowed() bool {
	return r.offered == 0 || r.achieved() < 0.95*r.offered
}

func (r largeReport) achieved() float64 { return float64(r.sent) / r.sendTime.Seconds() }

// verdict is PASS when the peak RSS stayed within the bound.
func (r largeReport) verdict() string {
	if r.hwm <= r.limit() {
		return "PASS"
	}
	return "FAIL"
}

func (r largeReport) print(o options) {
	fields := stopFields(r.stopLine)
	mb := func(msgs float64) float64 { return msgs * float64(o.size) / 1e6 }
	fmt.Printf("== large-tcp: %d TCP connections, %d-byte messages, %s, spool %s\n", r.conns, o.size, o.duration, spoolState(o))
	if r.offered > 0 {
		fmt.Printf("offered rate  %.0f msgs/s (%.0f per connection, %.1f MB/s)\n", r.offered, r.offered/float64(r.conns), mb(r.offered))
	} else {
		fmt.Printf("offered rate  as fast as the daemon reads\n")
	}
	fmt.Printf("achieved      %.0f msgs/s (%.1f MB/s) over %.1f s: senders slowed: %s\n", r.achieved(), mb(r.achieved()), r.sendTime.Seconds(), yesNo(r.slowed()))
	fmt.Printf("in Write      %.1f s of the connections' %.0f s (%.0f%%)\n", r.blocked.Seconds(),
		float64(r.conns)*r.sendTime.Seconds(), 100*r.blocked.Seconds()/(float64(r.conns)*r.sendTime.Seconds()))
	fmt.Printf("sent          %d\n", r.sent)
	fmt.Printf("stored        %d (the last row %.1f s after the last send)\n", r.stored, (r.drainTime - r.sendTime).Seconds())
	fmt.Printf("lost          %d  [daemon: tcp.stored=%s tcp.dropped=%s]\n", r.sent-r.stored, fields["tcp.stored"], fields["tcp.dropped"])
	fmt.Printf("fts index     %d of %d rows found by MATCH 'seq'\n", r.matches, r.stored)
	fmt.Printf("cpu           %.1f s (daemon, user+system), %.0f µs per stored message\n", r.cpu.Seconds(), perMessage(r.cpu, r.stored))
	fmt.Printf("peak rss      %.1f MiB (%.1f MiB before the load); bound queue_max_mb %d MiB + 64 MiB = %.0f MiB: %s\n\n",
		mib(r.hwm), mib(r.rssBefore), r.queueMaxMB, mib(r.limit()), r.verdict())
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func spoolState(o options) string {
	if o.spool == "off" {
		return "off"
	}
	return "on"
}

// perMessage is the CPU time per stored message in microseconds.
func perMessage(cpu time.Duration, stored int64) float64 {
	return float64(cpu.Microseconds()) / float64(max(stored, 1))
}
