package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// alertQueries are what the rules of the alerts scenario look for in the
// generated traffic: some match often, some rarely, some never.
var alertQueries = []string{
	`tag:nginx 500`, `"GET /login" 404`, `host:web-1 curl*`, `severity:err`, `rt=0.999`,
	`tag:sshd "Failed password"`, `"/api/v1/orders" 500 -host:web-0`, `Go-http-client* 304`,
	`iPhone /images/logo.png`, `disk full OR "out of memory"`,
}

// hookServer is a webhook receiver on 127.0.0.1 that keeps when each
// firing of the canary rule arrived.
type hookServer struct {
	url string
	mu  sync.Mutex
	at  []time.Time
}

func startHook() (*hookServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hookServer{url: "http://" + ln.Addr().String()}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p struct{ Alert, State string }
		json.NewDecoder(r.Body).Decode(&p)
		if p.Alert == "canary" && p.State == "firing" {
			h.mu.Lock()
			h.at = append(h.at, time.Now())
			h.mu.Unlock()
		}
	}))
	return h, nil
}

func (h *hookServer) firings() []time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.at)
}

// alertsConfig is o.rules rules over the traffic and the canary rule, all
// notifying the hook, and the metrics server on metricsAddr.
func alertsConfig(rules int, hook, metricsAddr string) string {
	host, port, _ := net.SplitHostPort(metricsAddr)
	var b strings.Builder
	fmt.Fprintf(&b, "\n[metrics]\nenabled = true\nbind_ip = %q\nbind_port = %s\n", host, port)
	fmt.Fprintf(&b, "\n[[notifier]]\nname = \"hook\"\ntype = \"webhook\"\nurl = %q\n", hook)
	fmt.Fprintf(&b, "\n[[alert]]\nname = \"canary\"\nquery = \"tag:canary\"\nwindow = \"1s\"\nnotify = [\"hook\"]\n")
	for i := range rules - 1 {
		fmt.Fprintf(&b, "\n[[alert]]\nname = \"rule %d\"\nquery = %q\nthreshold = %d\nwindow = \"1m\"\nnotify = [\"hook\"]\n",
			i, alertQueries[i%len(alertQueries)], 1000*(1+i%5))
	}
	return b.String()
}

// canaryEvery is how often the alerts scenario sends a canary: longer than
// the canary rule's window, so that each one fires anew.
const canaryEvery = 5 * time.Second

// runAlerts offers the sustained load to a daemon with o.rules alert
// rules, sends a canary message every 5 s that a rule of threshold 1
// notifies, and reports the stored rate, the canaries' latency from send
// to webhook, and what evaluation cost.
func runAlerts(o options) error {
	hook, err := startHook()
	if err != nil {
		return err
	}
	metricsAddr, err := freeTCPAddr()
	if err != nil {
		return err
	}
	o.extra = alertsConfig(o.rules, hook.url, metricsAddr)
	d, err := startDaemon(o)
	if err != nil {
		return err
	}
	defer d.cleanup(o.keep)
	before := d.proc()
	start := time.Now()
	done := make(chan int64)
	var sendTime time.Duration
	go func() { sent, _ := goSender(o, d); sendTime = time.Since(start); done <- sent }()
	sentAt, sent, err := sendCanaries(d.addr, done)
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(30 * time.Second); len(hook.firings()) < len(sentAt) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	stored := waitStored(d.dbPath, sent+int64(len(sentAt)), 15*time.Second)
	drainTime := time.Since(start) - canaryEvery // the last canary waited that long after the load
	after := d.proc()
	m, err := scrapeMetrics("http://" + metricsAddr + "/metrics")
	if err != nil {
		return err
	}
	if err := d.stop(); err != nil {
		return err
	}
	printAlerts(o, sent, stored, sendTime, drainTime, after.cpu-before.cpu, latencies(sentAt, hook.firings()), m)
	return nil
}

// sendCanaries sends a canary every canaryEvery until the load is done
// (its count comes on done), and one more after it.
func sendCanaries(addr string, done <-chan int64) (sentAt []time.Time, sent int64, err error) {
	conn, err := net.Dial("udp", addr)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close()
	tick := time.NewTicker(canaryEvery)
	defer tick.Stop()
	send := func() {
		sentAt = append(sentAt, time.Now())
		fmt.Fprintf(conn, "<134>1 - bench canary - - - canary %d", len(sentAt))
	}
	for {
		select {
		case <-tick.C:
			send()
		case sent = <-done:
			time.Sleep(canaryEvery)
			send()
			return sentAt, sent, nil
		}
	}
}

// latencies is, for each canary sent, how long until its firing arrived;
// -1 for one that never did.
func latencies(sentAt, firedAt []time.Time) []time.Duration {
	out := make([]time.Duration, len(sentAt))
	for i := range sentAt {
		out[i] = -1
		if i < len(firedAt) {
			out[i] = firedAt[i].Sub(sentAt[i])
		}
	}
	return out
}

// scrapeMetrics reads the samples of the daemon's /metrics.
func scrapeMetrics(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
			if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
				m[line[:i]] = v
			}
		}
	}
	return m, sc.Err()
}

func printAlerts(o options, sent, stored int64, sendTime, drainTime, cpu time.Duration, lat []time.Duration, m map[string]float64) {
	fmt.Printf("== alerts: %d rules, %d messages of %d bytes offered at %d msgs/s\n", o.rules, o.count, o.size, o.rate)
	fmt.Printf("sent          %d (achieved %.0f msgs/s over %.1f s)\n", sent, float64(sent)/sendTime.Seconds(), sendTime.Seconds())
	fmt.Printf("stored        %d (lost %d)\n", stored, sent+int64(len(lat))-stored)
	fmt.Printf("stored rate   %.0f msgs/s (first send to last row stored: %.1f s)\n", float64(stored)/drainTime.Seconds(), drainTime.Seconds())
	fmt.Printf("cpu           %.1f s (daemon, user+system)\n", cpu.Seconds())
	n, sum := m["aiosyslogd_alert_evaluation_seconds_count"], m["aiosyslogd_alert_evaluation_seconds_sum"]
	fmt.Printf("evaluation    %.0f batches, %.2f ms each, %.0f ns per message per rule; %.0f messages skipped\n",
		n, 1000*sum/max(n, 1), 1e9*sum/max(float64(stored), 1)/float64(o.rules), m["aiosyslogd_alert_skipped_messages_total"])
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	missed := 0
	for _, l := range lat {
		if l < 0 {
			missed++
		}
	}
	fmt.Printf("canaries      %d sent, %d not notified; latency p50 %s, max %s\n\n", len(lat), missed,
		sorted[len(sorted)/2].Round(time.Millisecond), sorted[len(sorted)-1].Round(time.Millisecond))
}
