package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/notify"
)

// AlertCollector exports alerting as the aiosyslogd_alert_* metrics, read
// when Prometheus scrapes.
type AlertCollector struct {
	Evaluator  interface{ Stats() alert.Stats }     // *alert.Evaluator
	Dispatcher interface{ Counts() []notify.Count } // *notify.Dispatcher
}

var (
	evaluatingDesc = desc("alert_evaluating",
		"1 while this serve evaluates the alert rules (on PostgreSQL: while it leads the collectors), else 0.")
	firingDesc        = desc("alert_firing", "1 while the alert fires, else 0.", "alert")
	notificationsDesc = desc("alert_notifications_total",
		"Notifications by result: sent, retried (an attempt failed, another follows), failed (given up), dropped (queue full), unknown (no such notifier).",
		"alert", "notifier", "result")
	evaluationDesc = desc("alert_evaluation_seconds", "Time each stored batch took to match against every alert rule.")
	skippedDesc    = desc("alert_skipped_messages_total", "Stored messages not evaluated because evaluation was too far behind.")
)

// Describe sends the descriptions of every metric.
func (c *AlertCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{evaluatingDesc, firingDesc, notificationsDesc, evaluationDesc, skippedDesc} {
		ch <- d
	}
}

// Collect reads the evaluator's and the dispatcher's counters.
func (c *AlertCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.Evaluator.Stats()
	ch <- prometheus.MustNewConstMetric(evaluatingDesc, prometheus.GaugeValue, gauge(st.Evaluating))
	for name, firing := range st.Firing {
		v := 0.0
		if firing {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(firingDesc, prometheus.GaugeValue, v, name)
	}
	for _, n := range c.Dispatcher.Counts() {
		ch <- counter(notificationsDesc, n.N, n.Alert, n.Notifier, n.Result)
	}
	h := st.Evaluations
	buckets := make(map[float64]uint64, len(h.Buckets))
	for i, b := range h.Buckets {
		buckets[b] = h.Counts[i]
	}
	ch <- prometheus.MustNewConstHistogram(evaluationDesc, h.Count, h.Sum, buckets)
	ch <- counter(skippedDesc, st.Skipped)
}

// gauge is 1 for true, 0 for false.
func gauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
