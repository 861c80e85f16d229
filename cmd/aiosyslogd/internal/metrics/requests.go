package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Requests counts and times the requests an HTTP server answers, by route
// (the ServeMux pattern that served them, so that paths with a user's
// values in them do not make a series each). For `aiosyslogd web`:
//
//	reg := metrics.NewRegistry()
//	handler = metrics.NewRequests(reg, "aiosyslogd_web").Wrap(handler, mux)
//	mux.Handle("GET /metrics", metrics.Handler(reg))
type Requests struct {
	total    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewRequests registers, on reg, PREFIX_http_requests_total{route,method,code}
// and PREFIX_http_request_duration_seconds{route}.
func NewRequests(reg prometheus.Registerer, prefix string) *Requests {
	r := &Requests{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: prefix + "_http_requests_total",
			Help: "HTTP requests answered, by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    prefix + "_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route (a live stream counts until it ends).",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	reg.MustRegister(r.total, r.duration)
	return r
}

// Wrap counts and times every request next answers. mux names the route of
// a request (its pattern; "unmatched" for none); next may be mux itself or
// a handler in front of it.
func (m *Requests) Wrap(next http.Handler, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, route := mux.Handler(r)
		if route == "" {
			route = "unmatched"
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		m.total.WithLabelValues(route, r.Method, strconv.Itoa(sw.code)).Inc()
	})
}

// statusWriter remembers the status code of a response. Unwrap lets
// http.ResponseController reach the writer's Flush (Server-Sent Events)
// and deadlines; Flush serves those that ask for an http.Flusher.
type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(p)
}

// Flush sends what is buffered to the client.
func (w *statusWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap returns the ResponseWriter it wraps.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
