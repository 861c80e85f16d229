package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var bgctx = context.Background()

// sender offers o.count messages at o.rate to the daemon and returns how
// many it sent.
type sender func(o options, d *daemon) (int64, error)

// runLoad starts a daemon, offers the load, waits for the last flush,
// stops the daemon and returns the report.
func runLoad(name string, o options, send sender) (report, error) {
	d, err := startDaemon(o)
	if err != nil {
		return report{}, err
	}
	defer d.cleanup(o.keep)
	before := d.proc()
	profiled := make(chan error, 1)
	if o.cpuProfile != "" {
		sending := time.Duration(float64(o.count) / float64(max(o.rate, 1)) * float64(time.Second))
		go func() { profiled <- d.profileCPU(o.cpuProfile, min(sending, 30*time.Second)) }()
	} else {
		profiled <- nil
	}
	start := time.Now()
	sent, err := send(o, d)
	sendTime := time.Since(start)
	if perr := <-profiled; perr != nil {
		fmt.Fprintln(os.Stderr, "aiosyslogd-bench:", perr)
	}
	if err != nil {
		d.stop()
		return report{}, err
	}
	stored := waitStored(d.dbPath, sent, 15*time.Second)
	drainTime := time.Since(start)
	after := d.proc()
	if err := d.stop(); err != nil {
		return report{}, err
	}
	rows, matches, err := counts(d.dbPath, "seq")
	if err != nil {
		return report{}, fmt.Errorf("read the database: %w", err)
	}
	if rows < stored {
		rows = stored
	}
	r := report{
		name: name, offered: o.rate, sent: sent, stored: rows, matches: matches,
		sendTime: sendTime, drainTime: drainTime,
		cpu: after.cpu - before.cpu, hwm: after.hwm,
		stopLine: d.lastStop,
	}
	return r, nil
}

// runIdle starts a daemon and measures it doing nothing for 10 s.
func runIdle(o options) error {
	d, err := startDaemon(o)
	if err != nil {
		return err
	}
	defer d.cleanup(o.keep)
	time.Sleep(2 * time.Second) // let start-up settle
	before := d.proc()
	const idle = 10 * time.Second
	time.Sleep(idle)
	after := d.proc()
	if err := d.stop(); err != nil {
		return err
	}
	fmt.Printf("== idle: %s\n", idle)
	fmt.Printf("rss           %.1f MiB (peak %.1f MiB)\n", mib(after.rss), mib(after.hwm))
	fmt.Printf("cpu           %.2f s in %s (%.2f%% of a core)\n\n", (after.cpu - before.cpu).Seconds(), idle,
		100*(after.cpu-before.cpu).Seconds()/idle.Seconds())
	return nil
}

type report struct {
	name                     string
	noIndex                  bool   // a peer without a full-text index
	index                    string // a peer's own index, said as such
	offered                  int
	sent, stored, matches    int64
	sendTime, drainTime, cpu time.Duration
	hwm                      int64
	stopLine                 string
}

var kv = regexp.MustCompile(`([\w.]+)=(\S+)`)

// stopFields are the key=value pairs of the daemon's stopped line
// (dropped, lost, tcp.stored, write_p50, …).
func stopFields(line string) map[string]string {
	fields := map[string]string{}
	for _, m := range kv.FindAllStringSubmatch(line, -1) {
		fields[m[1]] = m[2]
	}
	return fields
}

func (r report) print(o options) {
	fields := stopFields(r.stopLine)
	fmt.Printf("== %s: %d messages of %d bytes, %d%% RFC 3164, %d senders\n", r.name, o.count, o.size, int(o.mix*100), o.senders)
	fmt.Printf("offered rate  %d msgs/s (achieved %.0f msgs/s over %.1f s)\n", r.offered, float64(r.sent)/r.sendTime.Seconds(), r.sendTime.Seconds())
	fmt.Printf("sent          %d\n", r.sent)
	fmt.Printf("stored        %d\n", r.stored)
	fmt.Printf("lost          %d (%.3f%%)  [daemon: dropped=%s lost=%s]\n", r.sent-r.stored, 100*float64(r.sent-r.stored)/float64(max(r.sent, 1)), fields["dropped"], fields["lost"])
	fmt.Printf("stored rate   %.0f msgs/s (first send to last row stored: %.1f s)\n", float64(r.stored)/r.drainTime.Seconds(), r.drainTime.Seconds())
	if r.noIndex {
		fmt.Printf("fts index     none\n")
	} else {
		fmt.Printf("fts index     %d of %d rows found by MATCH 'seq'\n", r.matches, r.stored)
	}
	fmt.Printf("cpu           %.1f s (daemon, user+system)\n", r.cpu.Seconds())
	fmt.Printf("peak rss      %.1f MiB\n", mib(r.hwm))
	if !r.noIndex {
		fmt.Printf("batch write   p50 %s, p99 %s\n", fields["write_p50"], fields["write_p99"])
	}
	fmt.Println()
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// goSender is the built-in load generator: o.senders goroutines, each with
// its own socket, pacing themselves to share o.rate.
func goSender(o options, d *daemon) (int64, error) {
	addr := d.addr
	var sent atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, o.senders)
	for s := range o.senders {
		n := o.count / o.senders
		if s == 0 {
			n += o.count % o.senders
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := sendPaced(o, addr, s, n, &sent); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return sent.Load(), <-errs
}

func sendPaced(o options, addr string, id, n int, sent *atomic.Int64) error {
	conn, err := net.Dial("udp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	rate := float64(o.rate) / float64(o.senders)
	gen := newGenerator(o, id)
	start := time.Now()
	for i := 0; i < n; {
		due := n
		if rate > 0 {
			due = min(n, int(time.Since(start).Seconds()*rate)+1)
		}
		for ; i < due; i++ {
			if _, err := conn.Write(gen.next()); err != nil {
				// A full local socket buffer (ENOBUFS) is the sender's limit,
				// not the daemon's: retry shortly.
				time.Sleep(100 * time.Microsecond)
				i--
				continue
			}
			sent.Add(1)
		}
		if i < n {
			time.Sleep(time.Millisecond)
		}
	}
	return nil
}

// generator makes messages of about o.size bytes like real traffic: a web
// server's access log, half in RFC 3164 and half in RFC 5424 by default, each
// with the token "seq" and a sequence number.
type generator struct {
	o    options
	id   int
	seq  int
	buf  []byte
	rand uint64
}

func newGenerator(o options, id int) *generator {
	return &generator{o: o, id: id, rand: uint64(id)*0x9E3779B97F4A7C15 + 1}
}

var paths = []string{"/api/v1/items", "/login", "/static/app.js", "/api/v1/orders", "/healthz", "/images/logo.png"}
var agents = []string{"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "Go-http-client/1.1", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"}

func (g *generator) next() []byte {
	g.seq++
	g.rand ^= g.rand << 13
	g.rand ^= g.rand >> 7
	g.rand ^= g.rand << 17
	r := g.rand
	b := g.buf[:0]
	now := time.Now()
	if float64(r%1000)/1000 < g.o.mix {
		b = append(b, "<134>"...)
		b = now.AppendFormat(b, time.Stamp)
		b = append(b, " web-"...)
		b = strconv.AppendInt(b, int64(g.id), 10)
		b = append(b, " nginx["...)
		b = strconv.AppendInt(b, int64(1000+g.id), 10)
		b = append(b, "]: "...)
	} else {
		b = append(b, "<134>1 "...)
		b = now.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000Z")
		b = append(b, " web-"...)
		b = strconv.AppendInt(b, int64(g.id), 10)
		b = append(b, " nginx "...)
		b = strconv.AppendInt(b, int64(1000+g.id), 10)
		b = append(b, " access - "...)
	}
	// An nginx access log line, as real traffic: an address, a path, a
	// status, sizes, a user agent, timings and a request id.
	b = append(b, "seq: "...)
	b = strconv.AppendInt(b, int64(g.seq), 10)
	b = append(b, " 198.51.100."...)
	b = strconv.AppendUint(b, r%254+1, 10)
	b = append(b, ` - - "GET `...)
	b = append(b, paths[r%uint64(len(paths))]...)
	b = append(b, '/')
	b = strconv.AppendUint(b, r>>40%10000, 10)
	b = append(b, ` HTTP/1.1" `...)
	b = strconv.AppendUint(b, []uint64{200, 200, 200, 304, 404, 500}[r>>8%6], 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, r>>16%50000, 10)
	b = append(b, ` "-" "`...)
	b = append(b, agents[r>>24%uint64(len(agents))]...)
	b = append(b, `" rt=0.`...)
	b = strconv.AppendUint(b, 100+r>>28%900, 10)
	b = append(b, " req="...)
	b = strconv.AppendUint(b, r>>32, 16)
	// Fill up to the size with one token, as loggen does ("PADD…"), so that
	// the size does not change how many words there are to index.
	if len(b) < g.o.size {
		b = append(b, ' ')
		for len(b) < g.o.size {
			b = append(b, 'x')
		}
	}
	if len(b) > g.o.size && g.o.size > 0 {
		b = b[:g.o.size]
	}
	g.buf = b
	return b
}

// loggenSender runs syslog-ng's loggen against the daemon over UDP and
// returns the count it reports.
func loggenSender(o options, d *daemon) (int64, error) {
	return runLoggen(o, d.addr, o.rate, "--inet", "--dgram")
}

// loggenTCPSender runs loggen --stream over TCP, LF-framed, with o.senders
// connections sharing o.rate. TCP pushes back: when the daemon cannot keep
// up (its queue full), loggen is slowed down, and its achieved rate says by
// how much.
func loggenTCPSender(o options, d *daemon) (int64, error) {
	conns := max(o.senders, 1)
	return runLoggen(o, d.tcpAddr, max(1, o.rate/conns), "--inet", "--stream", "--active-connections", strconv.Itoa(conns))
}

// runLoggen runs loggen with transport's flags, at rate per connection,
// for as long as o asks, and returns the count it reports.
func runLoggen(o options, addr string, rate int, transport ...string) (int64, error) {
	host, port, _ := net.SplitHostPort(addr)
	if _, err := exec.LookPath("loggen"); err != nil {
		return 0, fmt.Errorf("loggen is not installed (.ci/install-syslog-ng unpacks it)")
	}
	secs := int(o.duration.Seconds())
	if o.rate > 0 && o.count > 0 {
		secs = max(1, o.count/o.rate)
	}
	args := append(transport, "--rate", strconv.Itoa(rate), "--interval", strconv.Itoa(secs), "--size", strconv.Itoa(o.size), host, port)
	cmd := exec.Command("loggen", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("loggen: %v\n%s", err, out.String())
	}
	// The last line is the total: "average rate = …, count=N, …".
	all := regexp.MustCompile(`count=(\d+)`).FindAllStringSubmatch(out.String(), -1)
	if all == nil {
		return 0, fmt.Errorf("loggen did not say how many it sent:\n%s", out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	fmt.Print(indent(lines[len(lines)-1]))
	return strconv.ParseInt(all[len(all)-1][1], 10, 64)
}

func indent(s string) string {
	return "  loggen: " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  loggen: ") + "\n"
}
