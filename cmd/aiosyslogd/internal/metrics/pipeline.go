package metrics

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// Pipeline is what PipelineCollector reads: *ingest.Pipeline.
type Pipeline interface {
	Stats() ingest.Stats
}

// PipelineCollector exports an ingest pipeline's counters as the
// aiosyslogd_* metrics. It reads them when Prometheus scrapes (the
// pipeline's own atomic counters, one Stats call a scrape), so the path of
// each message pays nothing for the metrics.
type PipelineCollector struct {
	Pipeline Pipeline
	// Database is the SQLite file whose size, with its WAL, is
	// aiosyslogd_database_bytes; "" for none.
	Database string
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("aiosyslogd_"+name, help, labels, nil)
}

var (
	receivedDesc  = desc("messages_received_total", "Messages read from the network.", "transport")
	storedDesc    = desc("messages_stored_total", "Messages written to the database (or, without one, handled).")
	droppedDesc   = desc("messages_dropped_total", "Messages dropped because the queue was full.", "transport")
	malformedDesc = desc("messages_malformed_total", "Messages that were not well-formed syslog, stored raw.")
	truncatedDesc = desc("messages_truncated_total", "Messages stored shorter than they were sent.", "transport")
	queueDesc     = desc("queue_messages", "Messages waiting in the queue for the writer.")
	capacityDesc  = desc("queue_capacity", "Messages the queue holds (server.queue_size).")
	bytesDesc     = desc("queue_bytes", "Bytes of the messages received and not yet stored: queued, batched or being written.")
	maxBytesDesc  = desc("queue_max_bytes", "Bytes the messages not yet stored may take (server.queue_max_mb).")
	writeDesc     = desc("batch_write_seconds", "Time each stored batch took to write.")
	errorsDesc    = desc("store_errors_total", "Batch writes the database failed; each retry counts.")
	commitDesc    = desc("last_commit_timestamp_seconds", "When a batch was last stored, in Unix time; 0 before the first.")
	connsDesc     = desc("connections", "Connections open now, for each stream transport.", "transport")
	resetsDesc    = desc("connections_reset_total", "Connections the sender reset; what it sent that was not read yet is lost.", "transport")
	databaseDesc  = desc("database_bytes", "Size of the database file and its write-ahead log.")
	spoolBytes    = desc("spool_bytes", "Size of the disk spool's segments (spool.enabled).")
	spoolMax      = desc("spool_max_bytes", "Bytes the disk spool may take (spool.max_size_mb).")
	spoolMessages = desc("spool_messages", "Messages in the disk spool not yet stored.")
	spoolAge      = desc("spool_oldest_age_seconds", "Age of the oldest message in the spool not yet stored; 0 when none.")
	spoolCorrupt  = desc("spool_corrupt_segments_total", "Spool segments set aside as corrupt since start (renamed *.corrupt).")
)

// Describe sends the descriptions of every metric.
func (c *PipelineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{receivedDesc, storedDesc, droppedDesc, malformedDesc, truncatedDesc,
		queueDesc, capacityDesc, bytesDesc, maxBytesDesc, writeDesc, errorsDesc, commitDesc, connsDesc, resetsDesc, databaseDesc,
		spoolBytes, spoolMax, spoolMessages, spoolAge, spoolCorrupt} {
		ch <- d
	}
}

// Collect reads the pipeline's counters and sends them.
func (c *PipelineCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.Pipeline.Stats()
	for _, ts := range st.Transports {
		ch <- counter(receivedDesc, ts.Received, ts.Transport)
		ch <- counter(droppedDesc, ts.Dropped, ts.Transport)
		ch <- counter(truncatedDesc, truncated(ts), ts.Transport)
		if open, ok := connections(ts); ok {
			ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(open), ts.Transport)
			ch <- counter(resetsDesc, ts.Resets, ts.Transport)
		}
	}
	ch <- counter(storedDesc, st.Stored)
	ch <- counter(malformedDesc, st.Malformed)
	ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(st.Queued))
	ch <- prometheus.MustNewConstMetric(capacityDesc, prometheus.GaugeValue, float64(st.QueueCapacity))
	ch <- prometheus.MustNewConstMetric(bytesDesc, prometheus.GaugeValue, float64(st.QueuedBytes))
	ch <- prometheus.MustNewConstMetric(maxBytesDesc, prometheus.GaugeValue, float64(st.QueueMaxBytes))
	ch <- writeHistogram(st.Writer.WriteTimes)
	ch <- counter(errorsDesc, st.Writer.StoreErrors)
	var commit float64
	if t := st.Writer.LastCommit; !t.IsZero() {
		commit = float64(t.UnixNano()) / 1e9
	}
	ch <- prometheus.MustNewConstMetric(commitDesc, prometheus.GaugeValue, commit)
	if size, ok := databaseSize(c.Database); ok {
		ch <- prometheus.MustNewConstMetric(databaseDesc, prometheus.GaugeValue, float64(size))
	}
	if st.Spool != nil {
		collectSpool(ch, st.Spool, time.Now())
	}
}

// collectSpool sends the spool's metrics, its oldest message's age
// measured at now.
func collectSpool(ch chan<- prometheus.Metric, st *spool.Stats, now time.Time) {
	var age float64
	if !st.Oldest.IsZero() {
		age = max(now.Sub(st.Oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(spoolBytes, prometheus.GaugeValue, float64(st.Bytes))
	ch <- prometheus.MustNewConstMetric(spoolMax, prometheus.GaugeValue, float64(st.MaxBytes))
	ch <- prometheus.MustNewConstMetric(spoolMessages, prometheus.GaugeValue, float64(st.Messages))
	ch <- prometheus.MustNewConstMetric(spoolAge, prometheus.GaugeValue, age)
	ch <- counter(spoolCorrupt, uint64(st.Corrupt))
}

func counter(d *prometheus.Desc, v uint64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
}

func writeHistogram(h ingest.Histogram) prometheus.Metric {
	buckets := make(map[float64]uint64, len(h.Counts))
	for i, n := range h.Counts {
		buckets[ingest.WriteBuckets[i].Seconds()] = n
	}
	return prometheus.MustNewConstHistogram(writeDesc, h.Count, h.Sum.Seconds(), buckets)
}

// databaseSize is the size of the database at path and of its WAL; false
// when there is no database (yet).
func databaseSize(path string) (int64, bool) {
	if path == "" {
		return 0, false
	}
	var total int64
	for _, name := range []string{path, path + "-wal"} {
		fi, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) && name != path {
			continue
		}
		if err != nil {
			return 0, false
		}
		total += fi.Size()
	}
	return total, true
}
