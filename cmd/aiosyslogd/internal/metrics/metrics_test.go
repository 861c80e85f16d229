package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

type fakePipeline ingest.Stats

func (f *fakePipeline) Stats() ingest.Stats { return ingest.Stats(*f) }

// Every metric is the pipeline's counter of the same meaning, read at
// scrape time.
func TestPipelineCollector(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "syslog.db")
	os.WriteFile(dbPath, make([]byte, 4096), 0o644)
	os.WriteFile(dbPath+"-wal", make([]byte, 1000), 0o644)
	st := fakePipeline{
		Counts: ingest.Counts{Received: 12, Stored: 9, Dropped: 3, Malformed: 2},
		Transports: []ingest.TransportStats{
			{Transport: "udp", Counts: ingest.Counts{Received: 10, Stored: 7, Dropped: 3, Malformed: 1}},
			{Transport: "tcp", Counts: ingest.Counts{Received: 2, Stored: 2, Malformed: 1}},
		},
		Queued: 5, QueueCapacity: 100, QueuedBytes: 6000, QueueMaxBytes: 1 << 20,
		Writer: ingest.WriterStats{StoreErrors: 4, LastCommit: time.Unix(1764576000, 500_000_000)},
	}
	st.Writer.WriteTimes.Counts[4] = 2 // two writes of 10 to 25 ms
	for i := 5; i < len(st.Writer.WriteTimes.Counts); i++ {
		st.Writer.WriteTimes.Counts[i] = 2
	}
	st.Writer.WriteTimes.Count, st.Writer.WriteTimes.Sum = 3, 12*time.Second // one above 10 s
	c := &PipelineCollector{Pipeline: &st, Database: dbPath}
	want, err := os.ReadFile("testdata/pipeline.prom")
	if err != nil {
		t.Fatal(err)
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(string(want))); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(&PipelineCollector{Pipeline: &fakePipeline{}}); n != 9 {
		t.Errorf("an idle pipeline without transports or database: %d metrics, want the 9 without labels", n)
	}
}

func TestServerHealthAndMetrics(t *testing.T) {
	var notReady error
	reg := NewRegistry()
	reg.MustRegister(&PipelineCollector{Pipeline: &fakePipeline{}})
	srv := httptest.NewServer((&Server{Registry: reg, Ready: func() error { return notReady }}).Handler())
	defer srv.Close()
	tests := []struct {
		path     string
		notReady error
		code     int
		body     []string
	}{
		{"/healthz", nil, 200, []string{"ok\n"}},
		{"/healthz", errors.New("down"), 200, []string{"ok\n"}},
		{"/readyz", nil, 200, []string{"ok\n"}},
		{"/readyz", errors.New("store failing since 10:00:00: disk full"), 503, []string{"store failing since 10:00:00: disk full\n"}},
		{"/metrics", nil, 200, []string{"# TYPE aiosyslogd_queue_capacity gauge", "go_goroutines ", "process_resident_memory_bytes ", "go_build_info{"}},
		{"/nope", nil, 404, nil},
	}
	for _, tt := range tests {
		notReady = tt.notReady
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code {
			t.Errorf("GET %s (ready error %v): %d, want %d", tt.path, tt.notReady, resp.StatusCode, tt.code)
		}
		for _, w := range tt.body {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s: body lacks %q:\n%.500s", tt.path, w, body)
			}
		}
	}
}

// Serve answers until its context ends, then returns nil.
func TestServeStopsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- (&Server{Registry: prometheus.NewRegistry()}).Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve = %v, want nil after the context ended", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return within 10 s of the context's end")
	}
}

type nopStore struct{}

func (nopStore) Write(context.Context, []search.Row) error { return nil }

// BenchmarkScrape is the cost of one scrape of a busy pipeline (its ring
// of write times full), the Go and process collectors included.
func BenchmarkScrape(b *testing.B) {
	p := ingest.New(ingest.Config{Store: nopStore{}, BatchSize: 1, Logger: slog.New(slog.DiscardHandler)})
	defer p.Close()
	in := p.Input("udp")
	for range 5000 {
		in.Submit(context.Background(), ingest.Received{Data: []byte("<13>x"), At: time.Now()})
	}
	reg := NewRegistry()
	reg.MustRegister(&PipelineCollector{Pipeline: p})
	b.ResetTimer()
	for range b.N {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}

// The spool's metrics are there only with a spool, and the oldest
// message's age is measured at the scrape.
func TestPipelineCollectorSpool(t *testing.T) {
	oldest := time.Now().Add(-90 * time.Second)
	with := fakePipeline{Spool: &spool.Stats{Bytes: 5 << 20, MaxBytes: 4096 << 20, Messages: 1234, Oldest: oldest, Corrupt: 1}}
	c := &PipelineCollector{Pipeline: &with}
	for name, want := range map[string]float64{
		"aiosyslogd_spool_bytes": 5 << 20, "aiosyslogd_spool_max_bytes": 4096 << 20,
		"aiosyslogd_spool_messages": 1234, "aiosyslogd_spool_corrupt_segments_total": 1,
	} {
		if got := testutil.ToFloat64(onlyMetric(c, name)); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if age := testutil.ToFloat64(onlyMetric(c, "aiosyslogd_spool_oldest_age_seconds")); age < 90 || age > 120 {
		t.Errorf("aiosyslogd_spool_oldest_age_seconds = %v, want about 90", age)
	}
	empty := fakePipeline{Spool: &spool.Stats{MaxBytes: 1 << 20}}
	if age := testutil.ToFloat64(onlyMetric(&PipelineCollector{Pipeline: &empty}, "aiosyslogd_spool_oldest_age_seconds")); age != 0 {
		t.Errorf("an empty spool's oldest age = %v, want 0", age)
	}
	without := fakePipeline{}
	if n := testutil.CollectAndCount(&PipelineCollector{Pipeline: &without}, "aiosyslogd_spool_bytes"); n != 0 {
		t.Errorf("without a spool, %d aiosyslogd_spool_bytes samples", n)
	}
}

// onlyMetric is the collector c restricted to the metric name.
func onlyMetric(c prometheus.Collector, name string) prometheus.Collector {
	return filtered{c, "aiosyslogd_" + strings.TrimPrefix(name, "aiosyslogd_")}
}

type filtered struct {
	prometheus.Collector
	name string
}

func (f filtered) Collect(ch chan<- prometheus.Metric) {
	all := make(chan prometheus.Metric, 100)
	go func() { f.Collector.Collect(all); close(all) }()
	for m := range all {
		if strings.Contains(m.Desc().String(), `"`+f.name+`"`) {
			ch <- m
		}
	}
}
