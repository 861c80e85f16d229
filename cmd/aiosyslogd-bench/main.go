// Command aiosyslogd-bench drives a real aiosyslogd daemon with syslog load
// over UDP or TCP on 127.0.0.1 and reports what it stored, how fast, and at what
// cost: offered rate, sent, stored, lost, stored msgs/s, CPU seconds, peak
// RSS, the FTS5 index's completeness and the daemon's batch write latency.
//
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario sustained -rate 60000 -duration 60s
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario burst -rate 150000 -count 1000000
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario idle
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario loggen -rate 60000 -duration 60s
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario loggen-tcp -rate 100000 -duration 30s
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario compare -rate 100000 -duration 60s
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario large-tcp -rate 1600 -duration 60s
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario alerts -rules 50 -rate 20000 -count 1000000
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario sustained -rate 20000 -duration 30s -postgresql 'host=/tmp/pg… dbname=bench'
//	aiosyslogd-bench -bin bin/aiosyslogd -scenario collectors -collectors 2 -rate 20000 -duration 30s -postgresql 'host=/tmp/pg… dbname=bench'
//
// loggen-tcp sends over TCP (loggen --stream, -senders connections), where
// back-pressure slows loggen down instead of losing messages. compare
// offers the same loggen load (UDP) to aiosyslogd and to syslog-ng writing
// SQLite, and prints both in one table. alerts runs the Go load against a
// daemon with -rules alert rules and a canary rule notified to a webhook
// here, and reports the canaries' latency and what evaluation cost.
// large-tcp sends 64 KB messages over four TCP connections with the spool
// on and holds the daemon's peak RSS to queue_max_mb plus 64 MiB. Every byte goes to 127.0.0.1; every
// loop is bounded by -count or -duration.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// options are the command line.
type options struct {
	bin       string
	scenario  string
	rate      int
	duration  time.Duration
	count     int
	size      int
	mix       float64
	senders   int
	batchSize int
	queueSize int
	// queueMaxMB is the daemon's server.queue_max_mb (0: its default).
	queueMaxMB int
	keep       bool
	// cpuProfile, when set, is where a CPU profile of the daemon goes,
	// taken over the sending (from serve --pprof).
	cpuProfile string
	spool      string // "on" or "off": the daemon's spool.enabled; "" = its default
	rules      int    // the alerts scenario's rules
	runs       string // -runs: the compare scenario's loads, RATExDURATION,…
	postgres   string // -postgresql: the daemon stores in this database
	collectors int    // the collectors scenario's daemons
	extra      string // appended to the daemon's configuration
	// set holds the flags given on the command line, so that a scenario
	// can pick its own defaults for the others.
	set map[string]bool
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/aiosyslogd", "the aiosyslogd binary to drive")
	flag.StringVar(&o.scenario, "scenario", "sustained", "sustained, burst, idle, loggen, loggen-tcp, peer (syslog-ng), compare (loggen against both), large-tcp (64 KB messages over 4 TCP connections), collectors (-collectors daemons writing one -postgresql database) or alerts; or several, comma-separated")
	flag.IntVar(&o.rate, "rate", 60000, "messages per second to offer (0 = as fast as possible)")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long to send (when -count is 0)")
	flag.IntVar(&o.count, "count", 0, "messages to send in all (0 = rate × duration)")
	flag.IntVar(&o.size, "size", 200, "bytes per message")
	flag.Float64Var(&o.mix, "mix", 0.5, "fraction of RFC 3164 messages (the rest RFC 5424)")
	flag.IntVar(&o.senders, "senders", 2, "sending goroutines, each with its own socket")
	flag.IntVar(&o.batchSize, "batch-size", 1000, "the daemon's sqlite.batch_size")
	flag.IntVar(&o.queueSize, "queue-size", 0, "the daemon's server.queue_size (0 = its default)")
	flag.IntVar(&o.queueMaxMB, "queue-max-mb", 0, "the daemon's server.queue_max_mb (0 = its default, 256)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the database")
	flag.IntVar(&o.rules, "rules", 50, "alert rules of the alerts scenario")
	flag.IntVar(&o.collectors, "collectors", 1, "daemons of the collectors scenario, all writing the -postgresql database, the load split between them")
	flag.StringVar(&o.runs, "runs", "", "the compare scenario's loads, `RATExDURATION`,… (e.g. 60000x15s,100000x60s; default: -rate × -duration), one table at the end")
	flag.StringVar(&o.postgres, "postgresql", "", "store in this PostgreSQL `DSN` (an empty database: the bench counts every row in it) instead of SQLite")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the daemon, taken while the load is sent, to this file")
	flag.StringVar(&o.spool, "spool", "", `"on" or "off": the daemon's disk spool (spool.enabled; "" = its default, on)`)
	flag.Parse()
	o.set = map[string]bool{}
	flag.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	pgDSN = o.postgres
	if o.spool != "" && o.spool != "on" && o.spool != "off" {
		fmt.Fprintf(os.Stderr, "aiosyslogd-bench: -spool %q: want on or off\n", o.spool)
		os.Exit(2)
	}
	if o.count == 0 {
		o.count = int(float64(o.rate) * o.duration.Seconds())
	}
	for _, sc := range strings.Split(o.scenario, ",") {
		if err := run(sc, o); err != nil {
			fmt.Fprintln(os.Stderr, "aiosyslogd-bench:", err)
			os.Exit(1)
		}
	}
}

// senders are the load scenarios against aiosyslogd.
var senders = map[string]sender{
	"sustained": goSender, "burst": goSender, "loggen": loggenSender, "loggen-tcp": loggenTCPSender,
}

// run runs one scenario and prints its report.
func run(scenario string, o options) error {
	if send, ok := senders[scenario]; ok {
		r, err := runLoad(scenario, o, send)
		if err == nil {
			r.print(o)
		}
		return err
	}
	switch scenario {
	case "idle":
		return runIdle(o)
	case "peer":
		r, err := runPeer(o)
		if err == nil {
			r.print(o)
		}
		return err
	case "compare":
		return runCompare(o)
	case "collectors":
		r, err := runCollectors(o)
		if err == nil {
			r.print(o)
		}
		return err
	case "large-tcp":
		o = largeDefaults(o)
		r, err := runLarge(o)
		if err == nil {
			r.print(o)
		}
		return err
	case "alerts":
		return runAlerts(o)
	}
	return fmt.Errorf("unknown scenario %q (want sustained, burst, idle, loggen, loggen-tcp, peer, compare, large-tcp, collectors or alerts)", scenario)
}
